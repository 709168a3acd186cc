/**
 * How long a rotation's execution history can get, so the configuration schema can refuse polling
 * settings that would make Step Functions fail the execution at its history limit.
 *
 * Step Functions keeps at most 25,000 events per execution (a hard quota; a redriven execution
 * keeps its history and the same ARN, so redrives add to the same count). Events per state, as
 * real executions record them (GetExecutionHistory):
 * - a Lambda task attempt (Resource = function ARN): LambdaFunctionScheduled, LambdaFunctionStarted,
 *   LambdaFunctionSucceeded | Failed | TimedOut — 3 events; a `.waitForTaskToken` attempt adds
 *   TaskSubmitted before TaskSucceeded | Failed | TimedOut — 4 events;
 * - every state entered: one …StateEntered and, unless the execution ends there, one …StateExited;
 *   a Fail state only FailStateEntered; the execution ExecutionStarted and ExecutionSucceeded|Failed.
 * Each Retrier keeps its own attempt count, so a task is attempted at most 1 + Σ MaxAttempts times
 * each time the state is entered.
 *
 * SES is polled by a loop of states (ConfirmSesStatus → SesConfirmed → WaitForSesStatus, and the
 * same shape for ConfirmRollback), not by a Retry: every poll enters the task anew, with its
 * transient Retrier reset, so a poll costs a whole task plus a Choice and a Wait, and the task
 * itself stops after {@link maxPolls} polls.
 *
 * The per-state retry rules below mirror workflows/rotation-workflow.ts (which takes
 * {@link pollAttempts} and {@link TRANSIENT_MAX_ATTEMPTS} from here);
 * tests/workflow/history-budget.test.ts checks them against the synthesized definition.
 */

/** Step Functions' hard quota of events in one execution history. */
export const STEP_FUNCTIONS_HISTORY_LIMIT = 25_000;

/**
 * The most events a rotation may be able to write: 80 % of the quota, keeping 5,000 events for
 * redrives (which append to the same history) and for events this model does not count.
 */
export const MAX_ROTATION_HISTORY_EVENTS = 20_000;

/** Upper bound on polling attempts, whatever the settings (keeps a typo from meaning "forever"). */
export const MAX_POLL_ATTEMPTS = 10_000;

/** MaxAttempts of the transient-failure Retrier every Lambda task has. */
export const TRANSIENT_MAX_ATTEMPTS = 8;

/**
 * How many times a rotation waits for the apply window (WhenToApply → WaitForApplyWindow →
 * VerifyDnsRecord). After the first wait the record is normally verified at once, inside the
 * window; another wait means it vanished meanwhile. VerifyDnsRecord fails with ApplyWindowMissed
 * rather than wait again, which keeps the loop, and the history, finite.
 */
export const MAX_APPLY_WINDOW_WAITS = 2;

/** History events of one attempt of a Lambda task (Scheduled, Started, Succeeded/Failed/TimedOut). */
export const EVENTS_PER_LAMBDA_ATTEMPT = 3;
/** History events of one attempt of a `.waitForTaskToken` task (adds TaskSubmitted). */
export const EVENTS_PER_CALLBACK_ATTEMPT = 4;

/** A polling schedule (shared/config/rotation-schema.ts `dnsVerification` / `sesConfirmation`). */
export interface BackoffSettings {
  readonly initialIntervalSeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly maxWaitHours: number;
}

/**
 * Retries needed to keep polling for `maxWaitHours`. With full jitter each pause is uniform in
 * [0, min(interval·rate^n, maxDelay)], so on average half of it: attempts are counted until the
 * expected total pause reaches `maxWaitHours`.
 */
export function pollAttempts(settings: BackoffSettings): number {
  const target = settings.maxWaitHours * 3600;
  let expected = 0;
  let attempts = 0;
  let delay = settings.initialIntervalSeconds;
  while (expected < target && attempts < MAX_POLL_ATTEMPTS) {
    expected += Math.min(delay, settings.maxDelaySeconds) / 2;
    delay *= settings.backoffRate;
    attempts += 1;
  }
  return attempts;
}

/**
 * Most polls a Wait-state polling loop makes (ConfirmSesStatus, ConfirmRollback). Its pauses use
 * equal jitter (shared/rotation/poll-schedule.ts): each is at least half of its cap, so after
 * {@link pollAttempts} pauses `maxWaitHours` have surely passed and the next poll is the last.
 */
export function maxPolls(settings: BackoffSettings): number {
  return pollAttempts(settings) + 1;
}

/** What the worst case depends on. */
export interface HistoryInputs {
  readonly dnsVerification: BackoffSettings;
  readonly sesConfirmation: BackoffSettings;
  /** The largest `maxReminders` of any domain. */
  readonly maxReminders: number;
  /**
   * True when some domain has an apply window: only then can VerifyDnsRecord run again after
   * WaitForApplyWindow (up to {@link MAX_APPLY_WINDOW_WAITS} times). @default false
   */
  readonly applyWindow?: boolean;
}

/** The worst case, and the share of each polling schedule in it. */
export interface HistoryWorstCase {
  /** Events of the longest possible execution. */
  readonly total: number;
  /**
   * Events of DNS polling retries in the worst path (VerifyDnsRecord, once per apply-window
   * round, and RetireOldKey when the path retires; all poll with dnsVerification).
   */
  readonly dnsPolling: number;
  /** Events of the SES polling loops in the worst path (ConfirmSesStatus, and ConfirmRollback when it rolls back). */
  readonly sesPolling: number;
  /** Polling attempts per step: DNS retries, SES polls. */
  readonly dnsAttempts: number;
  /** How many times VerifyDnsRecord may poll in one rotation (1, or more with an apply window). */
  readonly verifications: number;
  readonly sesAttempts: number;
}

/** Entered + exited, and every attempt: a Lambda task with its transient Retrier plus `pollRetries`. */
function lambdaTask(pollRetries = 0): number {
  return 2 + EVENTS_PER_LAMBDA_ATTEMPT * (1 + TRANSIENT_MAX_ATTEMPTS + pollRetries);
}
const CALLBACK_TASK = 2 + EVENTS_PER_CALLBACK_ATTEMPT * (1 + TRANSIENT_MAX_ATTEMPTS);
/**
 * MaxAttempts of RecordLostNotice's Retrier (the state machine's own PutMetricData after a lost
 * success notice); a service-integration attempt writes TaskScheduled, TaskStarted and
 * TaskSucceeded | TaskFailed, as a Lambda attempt does.
 */
export const RECORD_LOST_NOTICE_MAX_ATTEMPTS = 3;
const RECORD_LOST_NOTICE = 2 + EVENTS_PER_LAMBDA_ATTEMPT * (1 + RECORD_LOST_NOTICE_MAX_ATTEMPTS);
const CHOICE = 2;
const WAIT = 2;
const FAIL = 1;
const SUCCEED = 2;
const EXECUTION = 2;

/**
 * A polling loop left through its Choice after `polls` polls: each poll enters the task and the
 * Choice; every poll but the last waits. Left through the task's Catch instead, the last Choice
 * is not entered: {@link CHOICE} fewer.
 */
function pollLoop(polls: number): number {
  return polls * (lambdaTask() + CHOICE) + (polls - 1) * WAIT;
}

/**
 * The longest execution of the rotation workflow, path by path (workflows/rotation-workflow.ts):
 * every task failing transiently as often as its Retriers allow, every poll spent, the DNS team
 * answering only after the last reminder, and the run ending in the costliest way.
 */
export function worstCaseHistoryEvents(inputs: HistoryInputs): HistoryWorstCase {
  const dnsAttempts = pollAttempts(inputs.dnsVerification);
  const sesAttempts = maxPolls(inputs.sesConfirmation);
  const reminders = inputs.maxReminders;
  // PrepareRotation, GenerateKey, StoreDnsRequest, HowToPublish.
  const prefix = EXECUTION + 3 * lambdaTask() + CHOICE;
  // MANUAL: NotifyDnsTeam times out after each link; SendReminder sends the next (AUTO's
  // PublishDnsRecord, one Lambda task, is shorter than any approval wait).
  const approved = Math.max((reminders + 1) * CALLBACK_TASK + reminders * lambdaTask(), lambdaTask());
  // Nobody approves: one more SendReminder ends in ApprovalExpired → AbandonKey → WhyAbandoned → Fail.
  const expired = (reminders + 1) * (CALLBACK_TASK + lambdaTask()) + lambdaTask() + CHOICE + FAIL;
  // VerifyDnsRecord → WhenToApply, and with an apply window up to MAX_APPLY_WINDOW_WAITS rounds of
  // WaitForApplyWindow → VerifyDnsRecord → WhenToApply (each verification may poll again).
  const waits = inputs.applyWindow ? MAX_APPLY_WINDOW_WAITS : 0;
  const verification = (1 + waits) * (lambdaTask(dnsAttempts) + CHOICE) + waits * WAIT;
  // Then ApplyToSes → the ConfirmSesStatus loop, then either NotifySuccess and the retirement (a
  // lost notice is recorded by RecordLostNotice first; WaitRetention → RetireOldKey →
  // RotationComplete, or NotifyFailure → HowItFailed → Fail), or — ConfirmSesStatus giving up at
  // its last poll — a rollback: RollbackSigning → the ConfirmRollback loop → NotifyFailure →
  // HowItFailed → Fail.
  const reported = lambdaTask() + CHOICE + FAIL;
  const dnsPoll = EVENTS_PER_LAMBDA_ATTEMPT * dnsAttempts;
  const toSes = verification + lambdaTask();
  const confirmed = pollLoop(sesAttempts);
  const paths = [
    {
      events:
        confirmed +
        lambdaTask() +
        RECORD_LOST_NOTICE +
        WAIT +
        lambdaTask(dnsAttempts) +
        Math.max(SUCCEED, reported),
      dnsPolling: (2 + waits) * dnsPoll,
      sesPolling: confirmed,
    },
    {
      events: confirmed - CHOICE + lambdaTask() + pollLoop(sesAttempts) + reported,
      dnsPolling: (1 + waits) * dnsPoll,
      sesPolling: confirmed - CHOICE + pollLoop(sesAttempts),
    },
  ];
  const worst = paths.reduce((a, b) => (b.events > a.events ? b : a));
  const total = prefix + Math.max(expired, approved + toSes + worst.events);
  // The shares of the polling schedules in the path that makes the worst case.
  const approvedWorst = approved + toSes + worst.events >= expired;
  return {
    total,
    dnsPolling: approvedWorst ? worst.dnsPolling : 0,
    sesPolling: approvedWorst ? worst.sesPolling : 0,
    dnsAttempts,
    sesAttempts,
    verifications: 1 + waits,
  };
}
