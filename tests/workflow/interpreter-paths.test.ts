/**
 * The synthesized definition executed by the interpreter the local environment uses
 * (aws-local-stepfunctions), with every Lambda task replaced by name with a scripted stand-in:
 * which states run, in which order, on each path. The tasks' own logic is tested in tests/tasks.
 */
import { ERROR_NAMES, TRANSIENT_AWS_ERROR, WORKFLOW_ERRORS } from '../../shared/errors';
import { LAMBDA_TASKS, type LambdaTaskName, STATE } from '../../workflows/states';
import { type Asl, definitionOf, synthStack } from './support/synth';

type Interpreter = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' }});
const { StateMachine } = require('aws-local-stepfunctions') as Interpreter;

type Script = Partial<Record<LambdaTaskName, (input: Record<string, unknown>, call: number) => unknown>>;

const fail = (name: string, message = name) => {
  throw Object.assign(new Error(message), { name });
};

/** Canned successful outputs: references only, as the real tasks return. */
const happy: Required<Script> = {
  PrepareRotation: (input) => {
    const request = input.request as { domain: string; selector: string };
    return {
      plan: {
        ...request,
        reminderAfterSeconds: 3600,
        retentionSeconds: 1,
        maxReminders: 2,
        regions: ['ap-northeast-1'],
      },
      previous: [{ region: 'ap-northeast-1', origin: 'EXTERNAL', selector: 'old' }],
      reminders: { count: 0 },
    };
  },
  GenerateKey: () => ({ privateKeyKey: 'dkim/d/s/private-key.pem', fingerprint: 'SHA256:AB', reused: false }),
  StoreDnsRequest: () => ({ dnsRequestKey: 'dns-requests/d/s.json', recordName: 's._domainkey.d' }),
  PublishDnsRecord: () => ({
    hostedZoneId: 'Z123',
    recordName: 's._domainkey.d',
    changeId: '/change/C1',
    alreadyPublished: false,
    publishedAt: 'now',
  }),
  NotifyDnsTeam: () => ({ decision: 'APPROVED', approvalId: 'a1', decidedAt: 'now' }),
  SendReminder: (input) => ({ count: (input.reminders as { count: number }).count + 1 }),
  VerifyDnsRecord: () => ({
    recordName: 's._domainkey.d',
    verifiedAt: 'now',
    serversChecked: 4,
    endToEnd: 'pass',
  }),
  ApplyToSes: () => ({
    selector: 's',
    appliedAt: 'now',
    regions: [{ region: 'ap-northeast-1', action: 'APPLIED' }],
  }),
  ConfirmSesStatus: () => ({
    pending: false,
    polls: 1,
    firstPollAt: 'now',
    confirmedAt: 'now',
    regions: [{ region: 'ap-northeast-1', status: 'SUCCESS', confirmedAt: 'now', secondsAfterApply: 4 }],
  }),
  NotifySuccess: () => ({ sentAt: 'now', messageIds: ['m1'] }),
  RetireOldKey: () => ({ retiredSelectors: ['old'], skipped: [], retiredAt: 'now' }),
  AbandonKey: () => ({ selector: 's', state: 'ABANDONED', reason: 'x' }),
  RollbackSigning: () => ({ rolledBackAt: 'now', regions: [] }),
  ConfirmRollback: () => ({
    pending: false,
    confirmed: true,
    polls: 1,
    firstPollAt: 'now',
    records: [],
    regions: [],
  }),
  NotifyFailure: () => ({ sentAt: 'now', messageIds: ['m2'] }),
};

describe('rotation paths in the local interpreter', () => {
  let asl: Asl;
  beforeAll(() => {
    asl = definitionOf(synthStack('prod').template);
    // aws-local-stepfunctions reads TimeoutSecondsPath from the effective input ({FunctionName,
    // Payload}) where Step Functions reads the state input; the local environment replaces it the
    // same way (local/sfn/engine.ts). The graph test asserts the real path.
    const notify = asl.States[STATE.NotifyDnsTeam] as unknown as Record<string, unknown>;
    delete notify.TimeoutSecondsPath;
    notify.TimeoutSeconds = 3600;
  });

  async function run(script: Script) {
    const calls: string[] = [];
    const counts = new Map<string, number>();
    const handlers = {
      ...Object.fromEntries(
        (Object.keys(LAMBDA_TASKS) as LambdaTaskName[]).map((name) => [
          name,
          async (input: Record<string, unknown>) => {
            const call = (counts.get(name) ?? 0) + 1;
            counts.set(name, call);
            calls.push(name);
            return (script[name] ?? happy[name])(input, call) as never;
          },
        ]),
      ),
      // The state machine's own PutMetricData: its Parameters, as CloudWatch would receive them.
      [STATE.RecordLostNotice]: async (parameters: Record<string, unknown>) => {
        calls.push(STATE.RecordLostNotice);
        metrics.push(parameters);
        return {};
      },
    };
    const metrics: Record<string, unknown>[] = [];
    const retryIntervalOverrides = Object.fromEntries(Object.keys(LAMBDA_TASKS).map((name) => [name, 0]));
    const machine = new StateMachine(asl as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    const execution = machine.run(
      { domain: 'mail.example.jp', selector: 'gooid-21-pro-20261120-1' },
      {
        overrides: {
          taskResourceLocalHandlers: handlers as never,
          waitTimeOverrides: {
            [STATE.WaitRetention]: 0,
            [STATE.WaitForSesStatus]: 0,
            [STATE.WaitForRollbackStatus]: 0,
          },
          retryIntervalOverrides,
        },
        // The interpreter mints no task token; the local environment's broker does. A fixed one here.
        context: {
          Execution: {
            Id: 'arn:aws:states:ap-northeast-1:111122223333:execution:byodkim-rotation-prod:mail-example-jp-gooid-21-pro-20261120-1',
            Name: 'mail-example-jp-gooid-21-pro-20261120-1',
          },
          Task: { Token: 'local-token' },
        },
      },
    );
    try {
      const output = (await execution.result) as Record<string, unknown>;
      return { status: 'SUCCEEDED' as const, calls, output, error: undefined, metrics };
    } catch (error) {
      return {
        status: 'FAILED' as const,
        calls,
        output: undefined,
        error: error as Error & { cause?: unknown },
        metrics,
      };
    }
  }

  /** The Fail state's error name: ExecutionError wraps the interpreter's FailStateError. */
  const failName = (error: unknown) => String((error as { cause?: { name?: string } })?.cause?.name ?? '');

  it('happy path: publish → verify → apply → confirm → retire, each task once', async () => {
    const result = await run({});
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls).toEqual([
      STATE.PrepareRotation,
      STATE.GenerateKey,
      STATE.StoreDnsRequest,
      STATE.NotifyDnsTeam,
      STATE.VerifyDnsRecord,
      STATE.ApplyToSes,
      STATE.ConfirmSesStatus,
      STATE.NotifySuccess,
      STATE.RetireOldKey,
    ]);
    expect(Object.keys(result.output ?? {})).toEqual(
      expect.arrayContaining([
        'plan',
        'key',
        'dnsRequest',
        'approval',
        'dns',
        'ses',
        'confirmation',
        'retirement',
      ]),
    );
  });

  const auto: Script['PrepareRotation'] = (input, call) => {
    const prepared = happy.PrepareRotation(input, call) as { plan: Record<string, unknown> };
    return { ...prepared, plan: { ...prepared.plan, rotationMode: 'AUTO', hostedZoneId: 'Z123' } };
  };

  it('AUTO: the workflow publishes through Route 53 instead of waiting for approval, then verifies before applying', async () => {
    const result = await run({ PrepareRotation: auto });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls).toEqual([
      STATE.PrepareRotation,
      STATE.GenerateKey,
      STATE.StoreDnsRequest,
      STATE.PublishDnsRecord,
      STATE.VerifyDnsRecord,
      STATE.ApplyToSes,
      STATE.ConfirmSesStatus,
      STATE.NotifySuccess,
      STATE.RetireOldKey,
    ]);
    expect(result.output).toMatchObject({ publication: { hostedZoneId: 'Z123', alreadyPublished: false } });
    expect(result.output).not.toHaveProperty('approval');
  });

  it('AUTO: a record not yet on every name server keeps VerifyDnsRecord polling; SES waits', async () => {
    const result = await run({
      PrepareRotation: auto,
      VerifyDnsRecord: (input, call) =>
        call < 3 ? fail(ERROR_NAMES.DnsRecordNotFound) : happy.VerifyDnsRecord(input, call),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.filter((name) => name === STATE.PublishDnsRecord)).toHaveLength(1);
    expect(result.calls.lastIndexOf(STATE.VerifyDnsRecord)).toBeLessThan(
      result.calls.indexOf(STATE.ApplyToSes),
    );
  });

  it('AUTO: a Route 53 failure ends the rotation at PublishDnsRecord (redrivable), SES never touched', async () => {
    const result = await run({
      PrepareRotation: auto,
      PublishDnsRecord: () =>
        fail('AccessDenied', 'not authorized to perform route53:ChangeResourceRecordSets'),
    });
    expect(result.status).toBe('FAILED');
    expect(result.calls.at(-1)).toBe(STATE.PublishDnsRecord);
    expect(result.calls).not.toContain(STATE.ApplyToSes);
    expect(result.calls).not.toContain(STATE.NotifyDnsTeam);
  });

  it('keeps verifying (never applying) while the record is missing, then applies once it is served', async () => {
    const result = await run({
      VerifyDnsRecord: (input, call) =>
        call < 4 ? fail(ERROR_NAMES.DnsRecordNotFound) : happy.VerifyDnsRecord(input, call),
    });
    expect(result.status).toBe('SUCCEEDED');
    const firstApply = result.calls.indexOf(STATE.ApplyToSes);
    expect(result.calls.filter((name) => name === STATE.VerifyDnsRecord)).toHaveLength(4);
    expect(result.calls.lastIndexOf(STATE.VerifyDnsRecord)).toBeLessThan(firstApply);
  });

  it('rejection: AbandonKey, then Fail(DnsChangeRejected), SES never touched', async () => {
    const result = await run({ NotifyDnsTeam: () => fail(ERROR_NAMES.DnsChangeRejected, 'rejected') });
    expect(result.status).toBe('FAILED');
    expect(result.calls.slice(-2)).toEqual([STATE.NotifyDnsTeam, STATE.AbandonKey]);
    expect(result.calls).not.toContain(STATE.ApplyToSes);
    expect(failName(result.error)).toBe(ERROR_NAMES.DnsChangeRejected);
  });

  it('no approval: reminders, then ApprovalExpired, AbandonKey, SES never touched', async () => {
    const result = await run({
      NotifyDnsTeam: () => fail('States.Timeout'),
      SendReminder: (input, call) =>
        call > 2 ? fail(ERROR_NAMES.ApprovalExpired) : happy.SendReminder(input, call),
    });
    expect(result.status).toBe('FAILED');
    expect(result.calls.filter((name) => name === STATE.NotifyDnsTeam)).toHaveLength(3);
    expect(result.calls.at(-1)).toBe(STATE.AbandonKey);
    expect(result.calls).not.toContain(STATE.VerifyDnsRecord);
    expect(failName(result.error)).toBe(ERROR_NAMES.ApprovalExpired);
  });

  it('SES FAILED after the switch: RollbackSigning, ConfirmRollback, NotifyFailure, Fail(RotationRolledBack), nothing retired', async () => {
    const result = await run({ ConfirmSesStatus: () => fail(ERROR_NAMES.SesDkimFailed) });
    expect(result.status).toBe('FAILED');
    expect(result.calls.slice(-4)).toEqual([
      STATE.ConfirmSesStatus,
      STATE.RollbackSigning,
      STATE.ConfirmRollback,
      STATE.NotifyFailure,
    ]);
    expect(result.calls).not.toContain(STATE.RetireOldKey);
    expect(failName(result.error)).toBe(WORKFLOW_ERRORS.RotationRolledBack);
  });

  it('polls SES again after the wait while a region is PENDING, and notifies only once it is confirmed', async () => {
    const pending = { pending: true, nextPollSeconds: 5, firstPollAt: 'now', regions: [] };
    const result = await run({
      ConfirmSesStatus: (input, call) =>
        call < 3 ? { ...pending, polls: call } : happy.ConfirmSesStatus(input, call),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.filter((name) => name === STATE.ConfirmSesStatus)).toHaveLength(3);
    expect(result.calls.lastIndexOf(STATE.ConfirmSesStatus)).toBe(
      result.calls.indexOf(STATE.NotifySuccess) - 1,
    );
    expect(result.calls).not.toContain(STATE.RollbackSigning);
  });

  it('keeps polling a rollback SES has not confirmed yet, then ends in Fail(RotationRolledBack)', async () => {
    const pending = { pending: true, nextPollSeconds: 5, firstPollAt: 'now', regions: [], records: [] };
    const result = await run({
      ConfirmSesStatus: () => fail(ERROR_NAMES.SesDkimPending),
      ConfirmRollback: (input, call) =>
        call < 3 ? { ...pending, polls: call } : happy.ConfirmRollback(input, call),
    });
    expect(result.calls.filter((name) => name === STATE.ConfirmRollback)).toHaveLength(3);
    expect(result.calls.at(-1)).toBe(STATE.NotifyFailure);
    expect(failName(result.error)).toBe(WORKFLOW_ERRORS.RotationRolledBack);
  });

  it('a restored configuration SES cannot verify ends in Fail(RollbackFailed) after paging operators', async () => {
    const result = await run({
      ConfirmSesStatus: () => fail(ERROR_NAMES.SesDkimFailed),
      ConfirmRollback: () => ({
        pending: false,
        confirmed: false,
        reason: 'CNAME x._domainkey.mail.example.jp is not served',
        polls: 1,
        firstPollAt: 'now',
        records: [],
        regions: [],
      }),
    });
    expect(result.status).toBe('FAILED');
    expect(result.calls.slice(-2)).toEqual([STATE.ConfirmRollback, STATE.NotifyFailure]);
    expect(failName(result.error)).toBe(ERROR_NAMES.RollbackFailed);
  });

  it('a success notice that cannot be sent is counted and the rotation goes on: nothing rolled back, old key retired', async () => {
    const result = await run({
      NotifySuccess: () => fail('AuthorizationError', 'not authorized to perform sns:Publish'),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.slice(-3)).toEqual([STATE.NotifySuccess, STATE.RecordLostNotice, STATE.RetireOldKey]);
    expect(result.calls).not.toContain(STATE.RollbackSigning);
    expect(result.output).toMatchObject({ successNoticeFailure: { Error: 'AuthorizationError' } });
    expect(result.metrics).toEqual([
      expect.objectContaining({
        MetricData: expect.arrayContaining([
          expect.objectContaining({
            MetricName: 'SuccessNoticeLost',
            Value: 1,
            Dimensions: [
              { Name: 'service', Value: 'byodkim-rotation' },
              { Name: 'Domain', Value: 'mail.example.jp' },
            ],
          }),
        ]),
      }),
    ]);
  });

  it('SES throttling on apply is retried, then the rotation completes with one successful apply', async () => {
    const result = await run({
      ApplyToSes: (input, call) => (call < 3 ? fail(TRANSIENT_AWS_ERROR) : happy.ApplyToSes(input, call)),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.calls.filter((name) => name === STATE.ApplyToSes)).toHaveLength(3);
    expect(result.calls).not.toContain(STATE.RollbackSigning);
  });

  it('a rollback that cannot restore ends in Fail(RollbackFailed) after paging operators', async () => {
    const result = await run({
      ApplyToSes: () => fail(ERROR_NAMES.SesApplyFailed),
      RollbackSigning: () => fail(ERROR_NAMES.RollbackFailed),
    });
    expect(result.status).toBe('FAILED');
    expect(result.calls.slice(-2)).toEqual([STATE.RollbackSigning, STATE.NotifyFailure]);
    expect(result.calls).not.toContain(STATE.ConfirmRollback);
    expect(failName(result.error)).toBe(ERROR_NAMES.RollbackFailed);
  });

  it('a retirement failure is reported without rolling back the working new key', async () => {
    const result = await run({ RetireOldKey: () => fail(ERROR_NAMES.SesApplyFailed) });
    expect(result.status).toBe('FAILED');
    expect(result.calls).not.toContain(STATE.RollbackSigning);
    expect(result.calls.at(-1)).toBe(STATE.NotifyFailure);
    expect(failName(result.error)).toBe(WORKFLOW_ERRORS.OldKeyNotRetired);
  });
});
