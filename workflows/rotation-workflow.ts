/**
 * The rotation state machine: the one place its states, order, retries and catches are defined.
 *
 * ```
 * PrepareRotation → GenerateKey → StoreDnsRequest → HowToPublish
 *   HowToPublish ─MANUAL→ NotifyDnsTeam (.waitForTaskToken)
 *   HowToPublish ─AUTO→ PublishDnsRecord (Route 53 CREATE) → VerifyDnsRecord
 *   NotifyDnsTeam ─timeout→ SendReminder → NotifyDnsTeam   (after maxReminders: ApprovalExpired)
 *   NotifyDnsTeam ─approved→ VerifyDnsRecord → WhenToApply → ApplyToSes → ConfirmSesStatus
 *                            → SesConfirmed
 *   WhenToApply ─outside the apply window→ WaitForApplyWindow → VerifyDnsRecord (checked again)
 *   SesConfirmed ─pending→ WaitForSesStatus → ConfirmSesStatus   (seconds apart at first)
 *   SesConfirmed ─SUCCESS everywhere→ NotifySuccess → WaitRetention → RetireOldKey → RotationComplete
 *   NotifySuccess ─still failing→ RecordLostNotice (metric for the alarm) → WaitRetention
 *   NotifyDnsTeam ─rejected→ AbandonKey → RotationRejected (Fail DnsChangeRejected)
 *   ApplyToSes / ConfirmSesStatus ─any error→ RollbackSigning → ConfirmRollback → RollbackConfirmed
 *   RollbackConfirmed ─pending→ WaitForRollbackStatus → ConfirmRollback
 *   RollbackConfirmed ─done→ NotifyFailure → RotationRolledBack | RollbackFailed
 *   RetireOldKey ─any error→ NotifyFailure → OldKeyNotRetired (the new key stays: no rollback)
 * ```
 * JSONPath only (the local interpreter ignores JSONata). Every Lambda task is a plain Task state
 * whose Resource is the function ARN (`payloadResponseOnly`), so the local environment can map it
 * to the same handler by state name; NotifyDnsTeam is the one `lambda:invoke.waitForTaskToken`.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  STATES_ERRORS,
  TRANSIENT_AWS_ERROR,
  WORKFLOW_ERRORS,
} from '../shared/errors';
import { DIMENSION, METRIC, ROTATION_SERVICE_NAME } from '../shared/monitoring/metrics';
import {
  type BackoffSettings,
  pollAttempts,
  RECORD_LOST_NOTICE_MAX_ATTEMPTS,
  TRANSIENT_MAX_ATTEMPTS,
} from '../shared/workflow-history';
import { type LambdaTaskName, STATE } from './states';

/** The Retry rule of a polling step. */
export function pollRetry(errors: readonly string[], settings: BackoffSettings): sfn.RetryProps {
  return {
    errors: [...errors],
    interval: Duration.seconds(settings.initialIntervalSeconds),
    backoffRate: settings.backoffRate,
    maxDelay: Duration.seconds(settings.maxDelaySeconds),
    maxAttempts: pollAttempts(settings),
    jitterStrategy: sfn.JitterType.FULL,
  };
}

/**
 * Transient failures (Lambda service errors, AWS throttling such as SES's 1 request/s, 5xx):
 * retried with backoff and full jitter. Set explicitly instead of LambdaInvoke's built-in
 * `retryOnServiceExceptions` (no jitter, no cap, misses Lambda throttling), which is turned off.
 */
export const TRANSIENT_RETRY: sfn.RetryProps = {
  errors: [...LAMBDA_SERVICE_ERRORS, TRANSIENT_AWS_ERROR],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxDelay: Duration.seconds(60),
  maxAttempts: TRANSIENT_MAX_ATTEMPTS,
  jitterStrategy: sfn.JitterType.FULL,
};

/** What {@link buildRotationDefinition} needs. */
export interface RotationWorkflowProps {
  /** The function of each Lambda task state. */
  readonly functions: Readonly<Record<LambdaTaskName, lambda.IFunction>>;
  /** Polling of the name servers (VerifyDnsRecord, RetireOldKey). */
  readonly dnsVerification: BackoffSettings;
  /**
   * CloudWatch namespace of the rotation's metrics (config `metricsNamespace`): RecordLostNotice
   * counts a lost success notice there, where the alarm watches.
   */
  readonly metricsNamespace: string;
  /**
   * TimeoutSeconds of every Lambda task but NotifyDnsTeam: explicit, because the States Language
   * default (60 s, which the local interpreter applies) is shorter than the functions' timeout.
   * @default Duration.minutes(5)
   */
  readonly taskTimeout?: Duration;
}

/** Builds the state machine's definition in `scope`. */
export function buildRotationDefinition(scope: Construct, props: RotationWorkflowProps): sfn.IChainable {
  const fn = props.functions;
  const task = (
    name: LambdaTaskName,
    resultPath: string | undefined,
    extra: Partial<tasks.LambdaInvokeJsonPathProps> = {},
  ) =>
    new tasks.LambdaInvoke(scope, name, {
      stateName: name,
      lambdaFunction: fn[name],
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(props.taskTimeout ?? Duration.minutes(5)),
      resultPath,
      ...extra,
    });

  // No ResultPath: the result replaces the input (the default). An explicit "$" means the same to
  // Step Functions, but aws-local-stepfunctions would store the result under a key named "$".
  const prepare = task(STATE.PrepareRotation, undefined, {
    payload: sfn.TaskInput.fromObject({
      request: sfn.JsonPath.entirePayload,
      executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
    }),
    comment: 'Validate the request; record the signing configuration rollback restores.',
  });
  const generateKey = task(STATE.GenerateKey, '$.key', { comment: 'Create-only key and certificate in S3.' });
  const storeDnsRequest = task(STATE.StoreDnsRequest, '$.dnsRequest');
  const publishDnsRecord = task(STATE.PublishDnsRecord, '$.publication', {
    comment: 'AUTO: CREATE the record in the Route 53 hosted zone (never overwrite) and tell the DNS team.',
  });
  const notifyDnsTeam = new tasks.LambdaInvoke(scope, STATE.NotifyDnsTeam, {
    stateName: STATE.NotifyDnsTeam,
    lambdaFunction: fn.NotifyDnsTeam,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      state: sfn.JsonPath.entirePayload,
      taskToken: sfn.JsonPath.taskToken,
      // Stored with the approval: where the endpoint reads the history when an answer is lost.
      executionArn: sfn.JsonPath.stringAt('$$.Execution.Id'),
    }),
    taskTimeout: sfn.Timeout.at('$.plan.reminderAfterSeconds'),
    retryOnServiceExceptions: false,
    resultPath: '$.approval',
    comment: 'Wait for the DNS team; the token is stored in S3, the link carries an id and an HMAC.',
  });
  const sendReminder = task(STATE.SendReminder, '$.reminders');
  const verifyDnsRecord = task(STATE.VerifyDnsRecord, '$.dns', {
    comment: 'Every authoritative server serves exactly the new key, and a signed message verifies.',
  });
  const applyToSes = task(STATE.ApplyToSes, '$.ses');
  const waitForApplyWindow = new sfn.Wait(scope, STATE.WaitForApplyWindow, {
    stateName: STATE.WaitForApplyWindow,
    time: sfn.WaitTime.timestampPath('$.dns.waitForApplyWindowUntil'),
    comment: 'Switch SES only in the configured apply window: wait for its next opening, then verify again.',
  });
  // VerifyDnsRecord sets waitForApplyWindowUntil only when the verification fell outside the window.
  const whenToApply = new sfn.Choice(scope, STATE.WhenToApply, { stateName: STATE.WhenToApply })
    .when(sfn.Condition.isPresent('$.dns.waitForApplyWindowUntil'), waitForApplyWindow)
    .otherwise(applyToSes);
  waitForApplyWindow.next(verifyDnsRecord);
  const confirmSesStatus = task(STATE.ConfirmSesStatus, '$.confirmation', {
    comment:
      'One poll of SES in every region; records per region how long after the switch SES reported SUCCESS.',
  });
  const waitForSesStatus = new sfn.Wait(scope, STATE.WaitForSesStatus, {
    stateName: STATE.WaitForSesStatus,
    time: sfn.WaitTime.secondsPath('$.confirmation.nextPollSeconds'),
    comment:
      'Seconds at first, then backing off with jitter (sesConfirmation), so the window measured is the one of SES.',
  });
  const notifySuccess = task(STATE.NotifySuccess, '$.success');
  const recordLostNotice = new sfn.CustomState(scope, STATE.RecordLostNotice, {
    stateJson: {
      Type: 'Task',
      Comment:
        'NotifySuccess failed after its retries: count the lost notice (alarm) and go on; SES signs with the confirmed key.',
      Resource: 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData',
      Parameters: {
        Namespace: props.metricsNamespace,
        MetricData: [
          // The fleet view the alarm watches, and the domain's own, as the tasks' EMF metrics are.
          {
            MetricName: METRIC.SuccessNoticeLost,
            Unit: 'Count',
            Value: 1,
            Dimensions: [{ Name: 'service', Value: ROTATION_SERVICE_NAME }],
          },
          {
            MetricName: METRIC.SuccessNoticeLost,
            Unit: 'Count',
            Value: 1,
            Dimensions: [
              { Name: 'service', Value: ROTATION_SERVICE_NAME },
              { Name: DIMENSION.Domain, 'Value.$': '$.plan.domain' },
            ],
          },
        ],
      },
      ResultPath: null,
    },
  });
  const waitRetention = new sfn.Wait(scope, STATE.WaitRetention, {
    stateName: STATE.WaitRetention,
    time: sfn.WaitTime.secondsPath('$.plan.retentionSeconds'),
    comment: 'Keep the old record published while mail signed with the old key is still in flight.',
  });
  const retireOldKey = task(STATE.RetireOldKey, '$.retirement');
  const complete = new sfn.Succeed(scope, STATE.RotationComplete, { stateName: STATE.RotationComplete });

  const abandonKey = task(STATE.AbandonKey, '$.abandon');
  const rejected = new sfn.Fail(scope, STATE.RotationRejected, {
    stateName: STATE.RotationRejected,
    error: ERROR_NAMES.DnsChangeRejected,
    cause: 'The DNS team rejected the change. SES is untouched; the new key is ABANDONED.',
  });
  const expired = new sfn.Fail(scope, STATE.ApprovalExpired, {
    stateName: STATE.ApprovalExpired,
    error: ERROR_NAMES.ApprovalExpired,
    cause: 'Nobody approved after the allowed reminders. SES is untouched; the new key is ABANDONED.',
  });
  const whyAbandoned = new sfn.Choice(scope, STATE.WhyAbandoned, { stateName: STATE.WhyAbandoned })
    .when(sfn.Condition.stringEquals('$.failure.Error', ERROR_NAMES.DnsChangeRejected), rejected)
    .otherwise(expired);

  const rollbackSigning = task(STATE.RollbackSigning, '$.rollback', {
    comment: 'Restore the previous external key or Easy DKIM in every region; never disable DKIM.',
  });
  const confirmRollback = task(STATE.ConfirmRollback, '$.rollbackConfirmation', {
    comment:
      'One poll of SES for the restored configuration; its records are checked on every authoritative name server.',
  });
  const waitForRollbackStatus = new sfn.Wait(scope, STATE.WaitForRollbackStatus, {
    stateName: STATE.WaitForRollbackStatus,
    time: sfn.WaitTime.secondsPath('$.rollbackConfirmation.nextPollSeconds'),
    comment: 'The same schedule as WaitForSesStatus (sesConfirmation).',
  });
  const notifyFailure = task(STATE.NotifyFailure, '$.failureNotice');
  const rolledBack = new sfn.Fail(scope, STATE.RotationRolledBack, {
    stateName: STATE.RotationRolledBack,
    error: WORKFLOW_ERRORS.RotationRolledBack,
    cause: 'The new key failed after ApplyToSes; the previous signing configuration was restored.',
  });
  const rollbackFailed = new sfn.Fail(scope, STATE.RollbackFailed, {
    stateName: STATE.RollbackFailed,
    error: ERROR_NAMES.RollbackFailed,
    cause: 'The previous signing configuration could not be restored: operators were paged.',
  });
  const oldKeyNotRetired = new sfn.Fail(scope, STATE.OldKeyNotRetired, {
    stateName: STATE.OldKeyNotRetired,
    error: WORKFLOW_ERRORS.OldKeyNotRetired,
    cause:
      'The new key signs in every region; the old record could not be confirmed retired. Have it removed or revoked on every name server (runbook: OldKeyNotRetired); a redrive would end here again.',
  });
  // isPresent first: a Choice comparing a missing path fails the execution (States.Runtime).
  const pollPending = (path: string) =>
    sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.booleanEquals(path, true));
  const howItFailed = new sfn.Choice(scope, STATE.HowItFailed, { stateName: STATE.HowItFailed })
    .when(sfn.Condition.isPresent('$.rollbackFailure'), rollbackFailed)
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.rollbackConfirmation.confirmed'),
        sfn.Condition.booleanEquals('$.rollbackConfirmation.confirmed', false),
      ),
      rollbackFailed,
    )
    .when(sfn.Condition.isPresent('$.rollback'), rolledBack)
    .otherwise(oldKeyNotRetired);
  const sesConfirmed = new sfn.Choice(scope, STATE.SesConfirmed, { stateName: STATE.SesConfirmed })
    .when(pollPending('$.confirmation.pending'), waitForSesStatus)
    .otherwise(notifySuccess);
  const rollbackConfirmed = new sfn.Choice(scope, STATE.RollbackConfirmed, {
    stateName: STATE.RollbackConfirmed,
  })
    .when(pollPending('$.rollbackConfirmation.pending'), waitForRollbackStatus)
    .otherwise(notifyFailure);

  // Retries: the specific polling rule first, then transient failures.
  for (const step of [
    prepare,
    generateKey,
    storeDnsRequest,
    publishDnsRecord,
    notifyDnsTeam,
    sendReminder,
    applyToSes,
    confirmSesStatus,
    notifySuccess,
    abandonKey,
    rollbackSigning,
    confirmRollback,
    notifyFailure,
  ]) {
    step.addRetry(TRANSIENT_RETRY);
  }
  // CloudWatch's own errors are not ours to name (`CloudWatch.…`): a few quick retries, then go on.
  recordLostNotice.addRetry({
    errors: [STATES_ERRORS.ALL],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: RECORD_LOST_NOTICE_MAX_ATTEMPTS,
    jitterStrategy: sfn.JitterType.FULL,
  });
  const dnsErrors = [
    ERROR_NAMES.DnsRecordNotFound,
    ERROR_NAMES.DnsRecordMismatch,
    ERROR_NAMES.DnsLookupFailed,
  ];
  verifyDnsRecord.addRetry(pollRetry(dnsErrors, props.dnsVerification)).addRetry(TRANSIENT_RETRY);
  retireOldKey.addRetry(pollRetry(dnsErrors, props.dnsVerification)).addRetry(TRANSIENT_RETRY);

  // The approval wait.
  notifyDnsTeam.addCatch(sendReminder, { errors: [STATES_ERRORS.Timeout], resultPath: '$.waitTimeout' });
  notifyDnsTeam.addCatch(abandonKey, { errors: [ERROR_NAMES.DnsChangeRejected], resultPath: '$.failure' });
  sendReminder.addCatch(abandonKey, { errors: [ERROR_NAMES.ApprovalExpired], resultPath: '$.failure' });
  sendReminder.next(notifyDnsTeam);
  abandonKey.next(whyAbandoned);

  // From ApplyToSes until SES confirms the new key, any failure restores the previous signing
  // configuration, and ConfirmRollback confirms SES signs with it again.
  for (const step of [applyToSes, confirmSesStatus]) {
    step.addCatch(rollbackSigning, { errors: [STATES_ERRORS.ALL], resultPath: '$.failure' });
  }
  for (const step of [rollbackSigning, confirmRollback]) {
    step.addCatch(notifyFailure, { errors: [STATES_ERRORS.ALL], resultPath: '$.rollbackFailure' });
  }
  rollbackSigning.next(confirmRollback).next(rollbackConfirmed);
  waitForRollbackStatus.next(confirmRollback);
  // SES confirmed the new key before NotifySuccess runs: a notice that cannot be sent is counted
  // (RecordLostNotice, the alarm) and never rolls back a key that signs. A metric that cannot be
  // recorded does not stop the rotation either (its failure stays in the execution history).
  notifySuccess.addCatch(recordLostNotice, {
    errors: [STATES_ERRORS.ALL],
    resultPath: '$.successNoticeFailure',
  });
  recordLostNotice.addCatch(waitRetention, { errors: [STATES_ERRORS.ALL], resultPath: sfn.JsonPath.DISCARD });
  recordLostNotice.next(waitRetention);
  // After the retention wait the old record is being retired: restoring the old key could sign
  // with a key whose record is gone, so a retirement failure is reported, never rolled back.
  retireOldKey.addCatch(notifyFailure, { errors: [STATES_ERRORS.ALL], resultPath: '$.retirementFailure' });
  notifyFailure.next(howItFailed);

  // Who publishes: the DNS team (approval wait) or, in AUTO, the workflow through Route 53. Both
  // paths meet at VerifyDnsRecord: nothing reaches SES without the record on every name server.
  const howToPublish = new sfn.Choice(scope, STATE.HowToPublish, { stateName: STATE.HowToPublish })
    .when(
      // isPresent first: a Choice comparing a missing path fails the execution (States.Runtime).
      sfn.Condition.and(
        sfn.Condition.isPresent('$.plan.rotationMode'),
        sfn.Condition.stringEquals('$.plan.rotationMode', 'AUTO'),
      ),
      publishDnsRecord,
    )
    .otherwise(notifyDnsTeam);
  publishDnsRecord.next(verifyDnsRecord);
  notifyDnsTeam.next(verifyDnsRecord);
  verifyDnsRecord.next(whenToApply);
  applyToSes.next(confirmSesStatus).next(sesConfirmed);
  waitForSesStatus.next(confirmSesStatus);
  notifySuccess.next(waitRetention).next(retireOldKey).next(complete);
  return prepare.next(generateKey).next(storeDnsRequest).next(howToPublish);
}
