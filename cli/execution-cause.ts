/**
 * Why a deployed execution stopped, for `byodkim status` and `byodkim history`: the whole history
 * (GetExecutionHistory, oldest first, 1,000 events a page; an execution holds at most 25,000) read
 * into the failure cause (shared/rotation/failure-cause.ts) and the state it stopped in.
 */
import {
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { callAws } from '../shared/rotation/aws-errors';
import { type FailureCause, failureCause } from '../shared/rotation/failure-cause';
import { executionPath } from '../shared/rotation/state-path';
import { printable } from '../shared/sanitise';

/** Pages read at most: 25 × 1,000 events covers Step Functions' 25,000-event history quota. */
const MAX_PAGES = 25;

/** What an execution's history says about how it stopped. */
export interface ExecutionStop {
  /** The failure behind its end; undefined when it succeeded or runs. */
  readonly cause?: FailureCause;
  /** The last state it entered (where it waits, or stopped). */
  readonly lastState: string | null;
}

/** Every event of the execution, oldest first. */
async function wholeHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const output: GetExecutionHistoryCommandOutput = await callAws('Step Functions GetExecutionHistory', () =>
      sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken })),
    );
    events.push(...(output.events ?? []));
    nextToken = output.nextToken;
    if (nextToken === undefined) break;
  }
  return events;
}

/** Reads the execution's history and says where and why it stopped. */
export async function executionStop(sfn: SFNClient, executionArn: string): Promise<ExecutionStop> {
  const events = await wholeHistory(sfn, executionArn);
  const steps = executionPath(events).steps;
  const last = steps[steps.length - 1];
  const cause = failureCause(events);
  return { ...(cause ? { cause } : {}), lastState: last ? printable(last.name, 80) : null };
}

/**
 * The cause line of an execution `byodkim history` lists: read from its history only when it
 * stopped unsuccessfully (FAILED, TIMED_OUT, ABORTED); null otherwise.
 */
export async function causeOf(
  target: { readonly sfn: SFNClient },
  execution: { readonly executionArn: string; readonly status: string },
): Promise<string | null> {
  if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') return null;
  return (await executionStop(target.sfn, execution.executionArn)).cause?.text ?? null;
}
