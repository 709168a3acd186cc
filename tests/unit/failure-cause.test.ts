import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { failureCause } from '../../shared/rotation/failure-cause';
import { executionPath, retriesOf } from '../../shared/rotation/state-path';

/** Builds a GetExecutionHistory event list, oldest first, one second apart. */
function history(...parts: Omit<HistoryEvent, 'id' | 'timestamp'>[][]): HistoryEvent[] {
  return parts.flat().map((event, index) => ({
    id: index + 1,
    previousEventId: index,
    timestamp: new Date(Date.UTC(2026, 11, 4, 0, 0, index)),
    ...event,
  })) as HistoryEvent[];
}

const started = [{ type: 'ExecutionStarted' as const, executionStartedEventDetails: {} }];
const entered = (name: string, type = 'Task') => [
  { type: `${type}StateEntered` as HistoryEvent['type'], stateEnteredEventDetails: { name } },
];
const exited = (name: string, type = 'Task') => [
  { type: `${type}StateExited` as HistoryEvent['type'], stateExitedEventDetails: { name } },
];
const scheduled = [
  { type: 'LambdaFunctionScheduled' as const, lambdaFunctionScheduledEventDetails: { resource: 'fn' } },
  { type: 'LambdaFunctionStarted' as const },
];
/** A Lambda error as Step Functions records it: error = errorType, cause = Lambda's JSON document. */
const lambdaFailed = (errorType: string, errorMessage: string) => [
  {
    type: 'LambdaFunctionFailed' as const,
    lambdaFunctionFailedEventDetails: {
      error: errorType,
      cause: JSON.stringify({
        errorType,
        errorMessage,
        trace: [`${errorType}: ${errorMessage}`, '    at x'],
      }),
    },
  },
];
const succeeded = [{ type: 'LambdaFunctionSucceeded' as const, lambdaFunctionSucceededEventDetails: {} }];
const okTask = (name: string) => [...entered(name), ...scheduled, ...succeeded, ...exited(name)];
const executionFailed = (error: string, cause: string) => [
  { type: 'ExecutionFailed' as const, executionFailedEventDetails: { error, cause } },
];
const failState = (name: string, error: string, cause: string) => [
  ...entered(name, 'Fail'),
  ...executionFailed(error, cause),
];

const MISMATCH =
  '1 of 2 name server address(es) are behind for s1._domainkey.example.com: ns1.example.net (192.0.2.1) mismatch: another key: p= differs (392 characters, expected 392; first difference at character 57). Ask the DNS team to publish exactly the requested value on every name server.';

describe('failureCause', () => {
  it('names the task, its error and the per-server difference when VerifyDnsRecord gives up on a wrong key', () => {
    // GIVEN VerifyDnsRecord failing with DnsRecordMismatch on every retry, nothing catching it
    const events = history(
      started,
      okTask('GenerateKey'),
      entered('VerifyDnsRecord'),
      scheduled,
      lambdaFailed('DnsRecordMismatch', MISMATCH),
      scheduled,
      lambdaFailed('DnsRecordMismatch', MISMATCH),
      executionFailed(
        'DnsRecordMismatch',
        JSON.stringify({ errorType: 'DnsRecordMismatch', errorMessage: MISMATCH }),
      ),
    );

    // WHEN the cause is read
    const cause = failureCause(events);

    // THEN it is the task's own error, with the message and not Lambda's JSON or trace
    expect(cause).toMatchObject({ state: 'VerifyDnsRecord', error: 'DnsRecordMismatch', caught: false });
    expect(cause?.text).toBe(`VerifyDnsRecord (DnsRecordMismatch): ${MISMATCH}`);
    expect(cause?.text).not.toMatch(/errorType|trace|at x/);
  });

  it('reports the caught SES failure, region and status, behind a RotationRolledBack ending', () => {
    const sesFailed =
      'SES could not verify s2 for example.com in ap-northeast-1 (FAILED): rolling back to the previous key.';
    const events = history(
      started,
      okTask('ApplyToSes'),
      entered('ConfirmSesStatus'),
      scheduled,
      lambdaFailed('SesDkimFailed', sesFailed),
      exited('ConfirmSesStatus'),
      okTask('RollbackSigning'),
      okTask('ConfirmRollback'),
      okTask('NotifyFailure'),
      failState('RotationRolledBack', 'RotationRolledBack', 'The new key failed after ApplyToSes.'),
    );

    const cause = failureCause(events);

    expect(cause).toMatchObject({
      state: 'ConfirmSesStatus',
      error: 'SesDkimFailed',
      caught: true,
      failState: 'RotationRolledBack',
    });
    expect(cause?.text).toMatch(/^ConfirmSesStatus \(SesDkimFailed\): .*ap-northeast-1 \(FAILED\)/);
  });

  it('gives the rollback failure first and the failure that started it after, for RollbackFailed', () => {
    const events = history(
      started,
      entered('ConfirmSesStatus'),
      scheduled,
      lambdaFailed('SesDkimFailed', 'in ap-northeast-1 (FAILED)'),
      exited('ConfirmSesStatus'),
      entered('ConfirmRollback'),
      scheduled,
      lambdaFailed('RollbackFailed', 'Easy DKIM CNAMEs missing'),
      exited('ConfirmRollback'),
      okTask('NotifyFailure'),
      failState('RollbackFailed', 'RollbackFailed', 'operators were paged'),
    );

    expect(failureCause(events)?.text).toBe(
      'ConfirmRollback (RollbackFailed): Easy DKIM CNAMEs missing; after ConfirmSesStatus (SesDkimFailed): in ap-northeast-1 (FAILED)',
    );
  });

  it('skips the approval timeouts that only led to reminders and names the expiry', () => {
    const timedOut = [
      {
        type: 'TaskTimedOut' as const,
        taskTimedOutEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          error: 'States.Timeout',
        },
      },
    ];
    const callback = [
      {
        type: 'TaskScheduled' as const,
        taskScheduledEventDetails: {
          resourceType: 'lambda',
          resource: 'invoke.waitForTaskToken',
          region: 'x',
          parameters: '{}',
        },
      },
    ];
    const events = history(
      started,
      entered('NotifyDnsTeam'),
      callback,
      timedOut,
      exited('NotifyDnsTeam'),
      entered('SendReminder'),
      scheduled,
      lambdaFailed('ApprovalExpired', 'Nobody approved s1 for example.com after 3 reminders.'),
      exited('SendReminder'),
      okTask('AbandonKey'),
      failState('ApprovalExpired', 'ApprovalExpired', 'Nobody approved.'),
    );

    expect(failureCause(events)).toMatchObject({
      state: 'SendReminder',
      error: 'ApprovalExpired',
      message: 'Nobody approved s1 for example.com after 3 reminders.',
    });
  });

  it('reports a Lambda timeout and an orchestration error that no task event carries', () => {
    const timeout = history(
      started,
      entered('GenerateKey'),
      scheduled,
      [
        {
          type: 'LambdaFunctionTimedOut',
          lambdaFunctionTimedOutEventDetails: {
            error: 'States.Timeout',
            cause: 'Task timed out after 30.00 seconds',
          },
        },
      ],
      executionFailed('States.Timeout', 'Task timed out after 30.00 seconds'),
    );
    expect(failureCause(timeout)?.text).toBe(
      'GenerateKey (States.Timeout): Task timed out after 30.00 seconds',
    );

    const lost = history(
      started,
      entered('ApplyToSes'),
      scheduled,
      executionFailed('States.Runtime', 'result lost'),
    );
    expect(failureCause(lost)?.text).toBe('ApplyToSes (States.Runtime): result lost');
  });

  it('makes hostile cause text safe: one line, no control characters, no ARN or account, bounded', () => {
    const hostile = `evil\r\nFAKE: line\u202e\u0007 arn:aws:iam::123456789012:role/x ${'x'.repeat(5000)}`;
    const events = history(
      started,
      entered('VerifyDnsRecord'),
      scheduled,
      lambdaFailed('DnsLookupFailed', hostile),
      executionFailed('DnsLookupFailed', hostile),
    );

    const text = failureCause(events)?.text ?? '';

    expect(text).toMatch(/^VerifyDnsRecord \(DnsLookupFailed\): evil FAKE: line <arn>/);
    for (const char of ['\r', '\n', '\u202e', '\u0007', '123456789012']) expect(text).not.toContain(char);
    expect(text.length).toBeLessThanOrEqual(700);
  });

  it('says nothing for a succeeded or running execution, and reads only the latest run after a redrive', () => {
    expect(failureCause(history(started, okTask('A'), [{ type: 'ExecutionSucceeded' }]))).toBeUndefined();
    expect(failureCause(history(started, entered('NotifyDnsTeam')))).toBeUndefined();
    const redriven = history(
      started,
      entered('ApplyToSes'),
      scheduled,
      executionFailed('States.Runtime', 'lost'),
      [{ type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 } }],
      okTask('ApplyToSes'),
    );
    expect(failureCause(redriven)).toBeUndefined();
  });
});

describe('executionPath', () => {
  it('counts retries and tells retried, caught and failed steps apart', () => {
    const events = history(
      started,
      entered('VerifyDnsRecord'),
      scheduled,
      lambdaFailed('DnsRecordNotFound', 'not yet'),
      scheduled,
      succeeded,
      exited('VerifyDnsRecord'),
      entered('ConfirmSesStatus'),
      scheduled,
      lambdaFailed('SesDkimFailed', 'x'),
      exited('ConfirmSesStatus'),
      failState('RotationRolledBack', 'RotationRolledBack', 'y'),
    );

    const path = executionPath(events);

    expect(path.steps.map((step) => [step.name, step.outcome, retriesOf(step)])).toEqual([
      ['VerifyDnsRecord', 'retried', 1],
      ['ConfirmSesStatus', 'caught', 0],
      ['RotationRolledBack', 'failed', 0],
    ]);
    const [verify] = path.steps;
    expect((verify?.exitedAt?.getTime() ?? 0) - (verify?.enteredAt.getTime() ?? 0)).toBe(7000);
    expect(path.end).toMatchObject({ type: 'ExecutionFailed', error: 'RotationRolledBack' });
  });
});
