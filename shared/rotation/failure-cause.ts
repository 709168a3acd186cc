/**
 * Why an execution failed, in one line an operator can act on without the Step Functions console:
 * the state that failed, its error name and its cause text, e.g.
 * `VerifyDnsRecord (DnsRecordMismatch): 1 of 2 name server address(es) are behind … first
 * difference at character 57 …` or `ConfirmSesStatus (SesDkimFailed): SES could not verify … in
 * ap-northeast-1 (FAILED) …`.
 *
 * Read from the history (./state-path.ts), not from DescribeExecution: an execution that ends in
 * one of the workflow's Fail states reports only the Fail state's fixed error and cause
 * (`RotationRolledBack`, "The new key failed after ApplyToSes…"); the failure that sent it there is
 * the task error a Catch handled, recorded in the task's Failed event. So:
 * - the run ended in a task (nothing caught the error): that task's last failure;
 * - the run ended in a Fail state: the last error a Catch handled before it (for RollbackFailed,
 *   the rollback's failure, followed by the failure that started the rollback);
 * - otherwise (a timeout, a stop, an error with no task event): the execution's own error and cause.
 *
 * The cause text is made fit for a person: a Lambda error's cause is the JSON document
 * `{errorType, errorMessage, trace}` of which only the message is kept, then sanitised (control
 * characters, ARNs, account and request ids) and shortened. Our tasks never put record content or
 * key material in their messages (DNS verdicts give lengths and the first differing position).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { STATES_ERRORS } from '../errors';
import { causeText, printable, sanitise } from '../sanitise';
import { type AttemptFailure, executionPath, type PathStep } from './state-path';

/** The longest cause text shown (a verdict over several name servers fits). */
export const CAUSE_MAX_CHARS = 600;

/** The failure behind an execution's end. */
export interface FailureCause {
  /** The state whose error it is (or where the execution stopped). */
  readonly state: string;
  /** The error name (sanitised). */
  readonly error: string;
  /** The cause text (sanitised, shortened); may be empty. */
  readonly message: string;
  /** True when a Catch handled it and the workflow went on (to a rollback, a Fail state). */
  readonly caught: boolean;
  /** The Fail state the run ended in, when it did. */
  readonly failState?: string;
  /** `<state> (<error>): <message>`, with the failure that led to it when there were two. */
  readonly text: string;
}

/** `<state> (<error>): <message>`. */
function line(state: string, error: string, message: string): string {
  return message ? `${state} (${error}): ${message}` : `${state} (${error})`;
}

function fromFailure(step: PathStep, failure: AttemptFailure, caught: boolean) {
  return {
    state: printable(step.name, 80),
    error: sanitise(failure.error, 100),
    message: causeText(failure.cause, CAUSE_MAX_CHARS),
    caught,
  };
}

/** The caught step whose failure ended the latest run in a Fail state (latest run first). */
function caughtSteps(steps: readonly PathStep[], run: number): PathStep[] {
  const caught = steps.filter((step) => step.outcome === 'caught' && step.failures.length > 0);
  const inRun = caught.filter((step) => step.run === run);
  return inRun.length > 0 ? inRun : caught;
}

/**
 * The failure behind the execution's end, or undefined when it has not ended unsuccessfully.
 * @param events the whole history, oldest first (GetExecutionHistory, every page).
 */
export function failureCause(events: readonly HistoryEvent[]): FailureCause | undefined {
  const path = executionPath(events);
  const { end } = path;
  if (end === undefined || end.type === 'ExecutionSucceeded') return undefined;
  const last = path.steps[path.steps.length - 1];
  if (last !== undefined && last.type !== 'Fail') {
    const failure = last.failures[last.failures.length - 1];
    if (last.outcome === 'failed' && failure !== undefined && end.type === 'ExecutionFailed') {
      const cause = fromFailure(last, failure, false);
      return { ...cause, text: line(cause.state, cause.error, cause.message) };
    }
  }
  if (last?.type === 'Fail') {
    // The Catches that led here; a reminder's timeout (States.Timeout on the approval wait) is a
    // detour of the workflow, not a cause, unless nothing else was caught.
    const caught = caughtSteps(path.steps, path.runs);
    const real = caught.filter(
      (step) => step.failures[step.failures.length - 1]?.error !== STATES_ERRORS.Timeout,
    );
    const chosen = real.length > 0 ? real : caught;
    const final = chosen[chosen.length - 1];
    const failure = final?.failures[final.failures.length - 1];
    if (final !== undefined && failure !== undefined) {
      const cause = fromFailure(final, failure, true);
      const first = chosen[0];
      const firstFailure = first?.failures[first.failures.length - 1];
      const before =
        first !== undefined && first !== final && firstFailure !== undefined && first.name !== final.name
          ? fromFailure(first, firstFailure, true)
          : undefined;
      const text = before
        ? `${line(cause.state, cause.error, cause.message)}; after ${line(before.state, before.error, before.message)}`
        : line(cause.state, cause.error, cause.message);
      return { ...cause, failState: printable(last.name, 80), text: sanitise(text, CAUSE_MAX_CHARS) };
    }
  }
  const state = last ? printable(last.name, 80) : 'the execution';
  const error = sanitise(
    end.error ?? (end.type === 'ExecutionAborted' ? 'ExecutionAborted' : STATES_ERRORS.Timeout),
    100,
  );
  const message =
    causeText(end.cause, CAUSE_MAX_CHARS) ||
    (end.type === 'ExecutionAborted'
      ? 'the execution was stopped (StopExecution)'
      : end.type === 'ExecutionTimedOut'
        ? "the execution ran past the state machine's TimeoutSeconds"
        : '');
  return {
    state,
    error,
    message,
    caught: false,
    ...(last?.type === 'Fail' ? { failState: state } : {}),
    text: line(state, error, message),
  };
}
