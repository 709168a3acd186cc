/**
 * The path an execution took, read from its history as GetExecutionHistory returns it (oldest
 * first): one entry per state entered, with when, how long, how many attempts and what failed.
 * The failure cause (./failure-cause.ts) and the local HTML view both read it, so a deployed
 * execution and a rehearsal are explained the same way.
 *
 * Step Functions records per state `<Type>StateEntered` and (unless the execution ends there)
 * `<Type>StateExited`; per task attempt a `LambdaFunctionScheduled` or `TaskScheduled` event, and
 * its end — `LambdaFunctionFailed`/`TimedOut`, `TaskFailed`/`TimedOut`, or a start/submit/schedule
 * failure, each with `error` and `cause`. A retry is the next Scheduled event of the same entry; an
 * error a Catch handled is followed by the state's Exited event; a redrive starts with
 * `ExecutionRedriven` (API Reference, HistoryEvent).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** One error a task attempt ended with, as recorded (not yet sanitised). */
export interface AttemptFailure {
  readonly error: string;
  readonly cause: string;
  readonly at: Date;
}

/**
 * How a state entry ended: `ok`; `retried` (an attempt failed, a later one succeeded); `caught`
 * (its last attempt failed and a Catch moved on); `failed` (the execution ended in it, a Fail
 * state included); `running` (the execution is still in it).
 */
export type StepOutcome = 'ok' | 'retried' | 'caught' | 'failed' | 'running';

/** One state entered. */
export interface PathStep {
  readonly name: string;
  /** The state type from the event type (Task, Choice, Wait, Fail, Succeed, Pass…). */
  readonly type: string;
  /** 0 for the first run, n for the n-th redrive. */
  readonly run: number;
  readonly enteredAt: Date;
  readonly exitedAt?: Date;
  /** Task attempts (Scheduled events); 0 for other states. */
  readonly attempts: number;
  readonly failures: readonly AttemptFailure[];
  readonly outcome: StepOutcome;
}

/** How the execution (its latest run) ended, if it did. */
export interface ExecutionEnd {
  readonly type: 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionAborted';
  readonly error?: string;
  readonly cause?: string;
  readonly at: Date;
}

/** The path, and the end of the latest run. */
export interface ExecutionPath {
  readonly steps: readonly PathStep[];
  readonly end?: ExecutionEnd;
  /** Redrives seen (ExecutionRedriven events). */
  readonly runs: number;
}

/** The `error`/`cause` of an event that ends a task attempt unsuccessfully, if it is one. */
function attemptFailure(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  return (
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails
  );
}

const ENDS: ReadonlySet<string> = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionAborted',
]);

interface Building {
  name: string;
  type: string;
  run: number;
  enteredAt: Date;
  exitedAt?: Date;
  attempts: number;
  failures: AttemptFailure[];
  lastAttemptFailed: boolean;
  endedExecution: boolean;
}

function outcomeOf(step: Building): StepOutcome {
  if (step.exitedAt === undefined) return step.endedExecution || step.type === 'Fail' ? 'failed' : 'running';
  if (step.lastAttemptFailed) return 'caught';
  return step.failures.length > 0 ? 'retried' : 'ok';
}

/** Walks a history, oldest first, into the path it took. */
export function executionPath(events: readonly HistoryEvent[]): ExecutionPath {
  const steps: Building[] = [];
  let current: Building | undefined;
  let run = 0;
  let end: ExecutionEnd | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    const at = event.timestamp ?? new Date(0);
    const entered = event.stateEnteredEventDetails;
    if (type === 'ExecutionRedriven') {
      run += 1;
      end = undefined;
    } else if (type.endsWith('StateEntered') && entered?.name !== undefined) {
      current = {
        name: entered.name,
        type: type.slice(0, -'StateEntered'.length),
        run,
        enteredAt: at,
        attempts: 0,
        failures: [],
        lastAttemptFailed: false,
        endedExecution: false,
      };
      steps.push(current);
    } else if (type === 'LambdaFunctionScheduled' || type === 'TaskScheduled') {
      if (current) {
        current.attempts += 1;
        current.lastAttemptFailed = false;
      }
    } else if (attemptFailure(event) !== undefined) {
      const failure = attemptFailure(event) ?? {};
      current?.failures.push({ error: failure.error ?? type, cause: failure.cause ?? '', at });
      if (current) current.lastAttemptFailed = true;
    } else if (type.endsWith('StateExited')) {
      if (current && current.name === event.stateExitedEventDetails?.name) current.exitedAt = at;
    } else if (ENDS.has(type)) {
      const details =
        event.executionFailedEventDetails ??
        event.executionTimedOutEventDetails ??
        event.executionAbortedEventDetails;
      end = { type: type as ExecutionEnd['type'], at, error: details?.error, cause: details?.cause };
      if (current && current.exitedAt === undefined && type !== 'ExecutionSucceeded')
        current.endedExecution = true;
    }
  }
  return {
    steps: steps.map(({ lastAttemptFailed: _l, endedExecution: _e, ...step }, index) => ({
      ...step,
      outcome: outcomeOf(steps[index] as Building),
    })),
    ...(end ? { end } : {}),
    runs: run,
  };
}

/** Retries of a step: attempts after the first. */
export const retriesOf = (step: PathStep): number => Math.max(0, step.attempts - 1);
