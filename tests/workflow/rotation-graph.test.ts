/**
 * The synthesized state machine read as a graph: the order publish → verify → apply, the rollback
 * catches and the retirement order are properties of the edges, not of string search.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  TRANSIENT_AWS_ERROR,
  WORKFLOW_ERRORS,
} from '../../shared/errors';
import { REDRIVE_CANNOT_HELP } from '../../shared/rotation/redrive-policy';
import { pollAttempts } from '../../shared/workflow-history';
import { mermaidDiagram } from '../../workflows/diagram';
import { LAMBDA_TASKS, STATE } from '../../workflows/states';
import { type Asl, definitionOf, predecessors, reachable, synthStack } from './support/synth';

describe('rotation state machine graph', () => {
  let asl: Asl;
  let config: ReturnType<typeof synthStack>['config'];

  beforeAll(() => {
    const synth = synthStack('prod');
    asl = definitionOf(synth.template);
    config = synth.config;
  });

  const state = (name: string) => {
    const found = asl.States[name];
    if (found === undefined) throw new Error(`no state ${name}`);
    return found;
  };

  it('has exactly the states of the contract, all reachable from PrepareRotation', () => {
    expect(asl.StartAt).toBe(STATE.PrepareRotation);
    expect(Object.keys(asl.States).sort()).toEqual(Object.values(STATE).sort());
    expect(reachable(asl, asl.StartAt)).toEqual(new Set(Object.keys(asl.States)));
  });

  it('reaches ApplyToSes only through a successful VerifyDnsRecord, which catches nothing', () => {
    // ApplyToSes has one way in: WhenToApply, entered only from VerifyDnsRecord succeeding
    expect(predecessors(asl, STATE.ApplyToSes)).toEqual([{ from: STATE.WhenToApply, via: 'choice' }]);
    expect(predecessors(asl, STATE.WhenToApply)).toEqual([{ from: STATE.VerifyDnsRecord, via: 'next' }]);
    // no path from the start avoids VerifyDnsRecord
    expect(reachable(asl, asl.StartAt, [STATE.VerifyDnsRecord]).has(STATE.ApplyToSes)).toBe(false);
    // a failed verification never continues anywhere
    expect(state(STATE.VerifyDnsRecord).Catch).toBeUndefined();
    // and VerifyDnsRecord itself is only entered after the DNS team approved, or (AUTO) after the
    // workflow published the record in Route 53, or again after waiting for the apply window
    expect(predecessors(asl, STATE.VerifyDnsRecord)).toEqual([
      { from: STATE.NotifyDnsTeam, via: 'next' },
      { from: STATE.WaitForApplyWindow, via: 'next' },
      { from: STATE.PublishDnsRecord, via: 'next' },
    ]);
  });

  it('waits for the apply window with a timestamp and verifies the record again before applying', () => {
    const choice = state(STATE.WhenToApply) as unknown as {
      Choices: { Variable: string; IsPresent: boolean; Next: string }[];
      Default: string;
    };
    expect(choice.Choices).toEqual([
      { Variable: '$.dns.waitForApplyWindowUntil', IsPresent: true, Next: STATE.WaitForApplyWindow },
    ]);
    expect(choice.Default).toBe(STATE.ApplyToSes);
    const wait = state(STATE.WaitForApplyWindow) as unknown as Record<string, unknown>;
    // A timestamp, not a polling loop: one Wait until the opening, then the recheck.
    expect(wait).toMatchObject({ Type: 'Wait', TimestampPath: '$.dns.waitForApplyWindowUntil' });
    expect(wait.Next).toBe(STATE.VerifyDnsRecord);
    // after the wait there is no way to SES but through another VerifyDnsRecord
    expect(reachable(asl, STATE.WaitForApplyWindow, [STATE.VerifyDnsRecord]).has(STATE.ApplyToSes)).toBe(
      false,
    );
  });

  it('publishes through Route 53 only when the plan says AUTO; everything else waits for the DNS team', () => {
    expect(predecessors(asl, STATE.HowToPublish)).toEqual([{ from: STATE.StoreDnsRequest, via: 'next' }]);
    const choice = state(STATE.HowToPublish) as unknown as {
      Choices: { Next: string; And?: { Variable: string; StringEquals?: string; IsPresent?: boolean }[] }[];
      Default: string;
    };
    expect(choice.Default).toBe(STATE.NotifyDnsTeam);
    expect(choice.Choices).toEqual([
      {
        And: [
          { Variable: '$.plan.rotationMode', IsPresent: true },
          { Variable: '$.plan.rotationMode', StringEquals: 'AUTO' },
        ],
        Next: STATE.PublishDnsRecord,
      },
    ]);
    expect(predecessors(asl, STATE.PublishDnsRecord)).toEqual([{ from: STATE.HowToPublish, via: 'choice' }]);
    // a failed publication stops there (redrivable): no Catch leads anywhere near SES
    expect(state(STATE.PublishDnsRecord).Catch).toBeUndefined();
  });

  it('never reaches SES from a rejection or an expired approval', () => {
    const fromAbandon = reachable(asl, STATE.AbandonKey);
    for (const touchesSes of [STATE.ApplyToSes, STATE.RollbackSigning, STATE.RetireOldKey]) {
      expect(fromAbandon.has(touchesSes)).toBe(false);
    }
    expect(state(STATE.RotationRejected).Error).toBe(ERROR_NAMES.DnsChangeRejected);
    expect(state(STATE.ApprovalExpired).Error).toBe(ERROR_NAMES.ApprovalExpired);
  });

  it('catches every error from ApplyToSes until SES confirmed the key into RollbackSigning, and never after', () => {
    // the tasks on the success path between ApplyToSes and WaitRetention
    const afterApply = [
      ...reachable(asl, STATE.ApplyToSes, [STATE.WaitRetention, STATE.RollbackSigning, STATE.NotifyFailure]),
    ].filter((name) => state(name).Type === 'Task');
    expect(afterApply.sort()).toEqual(
      [STATE.ApplyToSes, STATE.ConfirmSesStatus, STATE.NotifySuccess, STATE.RecordLostNotice].sort(),
    );
    for (const name of [STATE.ApplyToSes, STATE.ConfirmSesStatus]) {
      expect(state(name).Catch).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: STATE.RollbackSigning }),
      ]);
    }
    // SES confirmed the key before NotifySuccess: a lost notice never rolls it back
    expect(reachable(asl, STATE.NotifySuccess).has(STATE.RollbackSigning)).toBe(false);
    expect(predecessors(asl, STATE.NotifySuccess)).toEqual([{ from: STATE.SesConfirmed, via: 'choice' }]);
  });

  it("counts a success notice that could not be sent, with the state machine's own metric, and goes on to the retention wait", () => {
    expect(state(STATE.NotifySuccess).Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.successNoticeFailure', Next: STATE.RecordLostNotice },
    ]);
    // NotifySuccess keeps its transient retries: the Catch sees only a failure that lasted
    expect(state(STATE.NotifySuccess).Retry?.[0]?.ErrorEquals).toContain(TRANSIENT_AWS_ERROR);
    const record = state(STATE.RecordLostNotice);
    expect(record.Resource).toBe('arn:aws:states:::aws-sdk:cloudwatch:putMetricData');
    expect(record.Parameters).toMatchObject({
      Namespace: config.metricsNamespace,
      MetricData: [
        {
          MetricName: 'SuccessNoticeLost',
          Value: 1,
          Dimensions: [{ Name: 'service', Value: 'byodkim-rotation' }],
        },
        expect.objectContaining({ MetricName: 'SuccessNoticeLost', Value: 1 }),
      ],
    });
    expect(record.ResultPath).toBeNull();
    expect(record.Next).toBe(STATE.WaitRetention);
    // a metric that cannot be put does not stop a rotation whose key signs
    expect(record.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: STATE.WaitRetention }),
    ]);
  });

  it('reports a retirement failure without rolling back to a key whose record is being removed', () => {
    expect(state(STATE.RetireOldKey).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: STATE.NotifyFailure }),
    ]);
    expect(reachable(asl, STATE.RetireOldKey).has(STATE.RollbackSigning)).toBe(false);
  });

  it('confirms every rollback (ConfirmRollback) before NotifyFailure, and ends in Fail(RollbackFailed) when it cannot be', () => {
    expect(state(STATE.RollbackSigning).Next).toBe(STATE.ConfirmRollback);
    for (const name of [STATE.RollbackSigning, STATE.ConfirmRollback]) {
      expect(state(name).Catch).toEqual([
        expect.objectContaining({
          ErrorEquals: ['States.ALL'],
          Next: STATE.NotifyFailure,
          ResultPath: '$.rollbackFailure',
        }),
      ]);
    }
    // every way from a rollback to NotifyFailure passes ConfirmRollback, or its failure
    expect(reachable(asl, STATE.RollbackSigning, [STATE.ConfirmRollback])).toEqual(
      new Set([STATE.RollbackSigning, STATE.NotifyFailure, ...reachable(asl, STATE.NotifyFailure)]),
    );
    const howItFailed = state(STATE.HowItFailed) as unknown as {
      Choices: { Next: string; Variable?: string; And?: { Variable: string; BooleanEquals?: boolean }[] }[];
    };
    expect(howItFailed.Choices).toEqual([
      expect.objectContaining({ Variable: '$.rollbackFailure', Next: STATE.RollbackFailed }),
      {
        And: [
          { Variable: '$.rollbackConfirmation.confirmed', IsPresent: true },
          { Variable: '$.rollbackConfirmation.confirmed', BooleanEquals: false },
        ],
        Next: STATE.RollbackFailed,
      },
      expect.objectContaining({ Variable: '$.rollback', Next: STATE.RotationRolledBack }),
    ]);
    const ends = [...reachable(asl, STATE.NotifyFailure)].filter((name) => state(name).Type === 'Fail');
    expect(ends.map((name) => state(name).Error).sort()).toEqual(
      [
        ERROR_NAMES.RollbackFailed,
        WORKFLOW_ERRORS.RotationRolledBack,
        WORKFLOW_ERRORS.OldKeyNotRetired,
      ].sort(),
    );
    expect(reachable(asl, STATE.NotifyFailure).has(STATE.RotationComplete)).toBe(false);
  });

  it('has no Fail state that byodkim redrive would let an operator redrive into again', () => {
    // Each Fail state is reached after a Catch handled the error: a redrive re-enters it and fails
    // the same way, so `byodkim redrive` refuses exactly these (shared/rotation/redrive-policy.ts).
    const failStates = Object.keys(asl.States).filter((name) => state(name).Type === 'Fail');
    expect(failStates.sort()).toEqual([...REDRIVE_CANNOT_HELP].sort());
  });
  it.each([
    [
      STATE.ConfirmSesStatus,
      STATE.SesConfirmed,
      STATE.WaitForSesStatus,
      '$.confirmation',
      STATE.NotifySuccess,
    ],
    [
      STATE.ConfirmRollback,
      STATE.RollbackConfirmed,
      STATE.WaitForRollbackStatus,
      '$.rollbackConfirmation',
      STATE.NotifyFailure,
    ],
  ])(
    'polls SES in a loop %s → %s → %s that waits the seconds the task returned',
    (task, choice, wait, path, done) => {
      expect(state(task).ResultPath).toBe(path);
      expect(state(task).Next).toBe(choice);
      const rules = state(choice) as unknown as { Choices: unknown[]; Default: string };
      expect(rules.Choices).toEqual([
        {
          And: [
            { Variable: `${path}.pending`, IsPresent: true },
            { Variable: `${path}.pending`, BooleanEquals: true },
          ],
          Next: wait,
        },
      ]);
      expect(rules.Default).toBe(done);
      expect(state(wait)).toMatchObject({ Type: 'Wait', SecondsPath: `${path}.nextPollSeconds`, Next: task });
      // the loop is the only poll: no Retry rule waits for SES
      expect(state(task).Retry?.map((rule) => rule.ErrorEquals)).toEqual([
        [...LAMBDA_SERVICE_ERRORS, TRANSIENT_AWS_ERROR],
      ]);
    },
  );

  it('retires the old key only after ConfirmSesStatus and the retention wait', () => {
    expect(reachable(asl, asl.StartAt, [STATE.ConfirmSesStatus]).has(STATE.RetireOldKey)).toBe(false);
    expect(reachable(asl, asl.StartAt, [STATE.WaitRetention]).has(STATE.RetireOldKey)).toBe(false);
    expect(predecessors(asl, STATE.RetireOldKey)).toEqual([{ from: STATE.WaitRetention, via: 'next' }]);
    expect(state(STATE.WaitRetention).SecondsPath).toBe('$.plan.retentionSeconds');
  });

  it('waits for the DNS team with a task token, reminds on timeout and loops back', () => {
    const notify = state(STATE.NotifyDnsTeam);
    expect(notify.Resource).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
    expect(notify.TimeoutSecondsPath).toBe('$.plan.reminderAfterSeconds');
    expect(JSON.stringify(notify.Parameters)).toContain('"taskToken.$":"$$.Task.Token"');
    // the approval record keeps its execution: where the endpoint reads the history of a lost answer
    expect(JSON.stringify(notify.Parameters)).toContain('"executionArn.$":"$$.Execution.Id"');
    expect(notify.Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.Timeout'], Next: STATE.SendReminder }),
      expect.objectContaining({ ErrorEquals: [ERROR_NAMES.DnsChangeRejected], Next: STATE.AbandonKey }),
    ]);
    // a timeout is never retried: it is the reminder signal
    for (const retry of notify.Retry ?? []) expect(retry.ErrorEquals).not.toContain('States.Timeout');
    expect(state(STATE.SendReminder).Next).toBe(STATE.NotifyDnsTeam);
    expect(state(STATE.SendReminder).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: [ERROR_NAMES.ApprovalExpired], Next: STATE.AbandonKey }),
    ]);
  });

  it('makes every other Lambda task a plain Task on the function ARN so the local runner maps it by name', () => {
    for (const name of Object.keys(LAMBDA_TASKS)) {
      if (name === STATE.NotifyDnsTeam) continue;
      expect(state(name).Type).toBe('Task');
      expect(state(name).Resource).toMatch(new RegExp(`^<Rotation${name}[0-9A-F]{8}>$`));
    }
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('bounds every plain Lambda task explicitly, above the function timeout (the ASL default is 60 s)', () => {
    const functionTimeout = 120;
    for (const name of Object.keys(LAMBDA_TASKS)) {
      if (name === STATE.NotifyDnsTeam) continue;
      expect((state(name) as { TimeoutSeconds?: number }).TimeoutSeconds).toBeGreaterThan(functionTimeout);
    }
  });

  it('polls DNS with the configured backoff, a delay cap and full jitter', () => {
    const dnsRule = state(STATE.VerifyDnsRecord).Retry?.[0];
    expect(dnsRule).toEqual({
      ErrorEquals: [
        ERROR_NAMES.DnsRecordNotFound,
        ERROR_NAMES.DnsRecordMismatch,
        ERROR_NAMES.DnsLookupFailed,
      ],
      IntervalSeconds: config.dnsVerification.initialIntervalSeconds,
      BackoffRate: config.dnsVerification.backoffRate,
      MaxDelaySeconds: config.dnsVerification.maxDelaySeconds,
      MaxAttempts: pollAttempts(config.dnsVerification),
      JitterStrategy: 'FULL',
    });
  });

  it('retries transient AWS and Lambda errors with jitter on every Lambda task, and nothing else blindly', () => {
    for (const name of Object.keys(LAMBDA_TASKS)) {
      const rules = state(name).Retry ?? [];
      const transient = rules.find((rule) => rule.ErrorEquals.includes(TRANSIENT_AWS_ERROR));
      expect(transient).toEqual(expect.objectContaining({ JitterStrategy: 'FULL', MaxDelaySeconds: 60 }));
      expect(transient?.ErrorEquals).toEqual([...LAMBDA_SERVICE_ERRORS, TRANSIENT_AWS_ERROR]);
      for (const rule of rules) expect(rule.ErrorEquals).not.toContain('States.ALL');
    }
  });

  it('is drawn in docs/architecture.md exactly as synthesized (regenerate with infra/bin/diagram.ts)', () => {
    const docs = readFileSync(path.join(__dirname, '../../docs/architecture.md'), 'utf8');
    expect(docs).toContain(mermaidDiagram(asl));
  });

  it('names only known errors in every Retry and Catch', () => {
    const known = new Set<string>([
      ...Object.values(ERROR_NAMES),
      ...LAMBDA_SERVICE_ERRORS,
      TRANSIENT_AWS_ERROR,
      'States.ALL',
      'States.Timeout',
    ]);
    for (const current of Object.values(asl.States)) {
      for (const rule of [...(current.Retry ?? []), ...(current.Catch ?? [])]) {
        for (const error of rule.ErrorEquals) expect(known).toContain(error);
      }
    }
  });
});

describe('pollAttempts', () => {
  it('keeps polling for maxWaitHours on average under full jitter', () => {
    // 60 s doubling to a 3600 s cap, full jitter averages half of each pause
    const attempts = pollAttempts({
      initialIntervalSeconds: 60,
      backoffRate: 2,
      maxDelaySeconds: 3600,
      maxWaitHours: 72,
    });
    let expected = 0;
    for (let n = 0; n < attempts; n++) expected += Math.min(60 * 2 ** n, 3600) / 2;
    expect(expected).toBeGreaterThanOrEqual(72 * 3600);
    expected -= Math.min(60 * 2 ** (attempts - 1), 3600) / 2;
    expect(expected).toBeLessThan(72 * 3600);
  });

  it('is a few hundred transitions for a 72-hour wait, not thousands', () => {
    expect(
      pollAttempts({ initialIntervalSeconds: 60, backoffRate: 2, maxDelaySeconds: 3600, maxWaitHours: 72 }),
    ).toBeLessThan(200);
  });
});
