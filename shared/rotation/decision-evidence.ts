/**
 * What the execution's own history says about a decision, when Step Functions' answer to it was
 * lost or said "already closed".
 *
 * SendTaskSuccess / SendTaskFailure answer TaskTimedOut when "the task token has either expired or
 * the task associated with the token has already been closed" (Step Functions API Reference) —
 * which is also what a retry meets after a first attempt that committed but whose reply was lost.
 * So that answer alone never tells the person "too late": the history is read first.
 *
 * Evidence, in the shapes GetExecutionHistory returns:
 * - landed: our approval id in a TaskSucceeded output (`{decision, approvalId}`), in the
 *   `approval` field of a state's input or output (NotifyDnsTeam's ResultPath), or in a
 *   DnsChangeRejected TaskFailed cause / the `failure` field AbandonKey is entered with;
 * - timed out: SendReminder entered after the wait of this approval's reminder number timed out
 *   (`waitTimeout` set, `reminders.count` equal to the record's `reminderNumber`): every wait with
 *   that number is over, so this approval's token is dead;
 * - ended: the execution is no longer RUNNING (its tokens died with it; a redrive mints new ones).
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ERROR_NAMES } from '../errors';
import type { ApprovalRecord, DecisionStatus } from './approvals';
import { callAws } from './aws-errors';

/** What the execution shows. */
export type DecisionEvidence =
  /** The decision reached the workflow. */
  | 'landed'
  /** This approval's wait timed out without it (a reminder follows, or the rotation is abandoned). */
  | 'timed-out'
  /** The execution ended without it. */
  | 'ended'
  /** Nothing conclusive (yet), or no execution to look at. */
  | 'unknown';

/** The state SendReminder, entered after a NotifyDnsTeam wait timed out (workflows/rotation-workflow.ts). */
const SEND_REMINDER = 'SendReminder';

/** The cause SendTaskFailure carries for a rejection: names the approval, so the history does too. */
export function rejectionCause(recordName: string, approvalId: string): string {
  return `The DNS team rejected ${recordName} (approval ${approvalId}).`;
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): Record<string, unknown> | undefined {
  const inner = (value as Record<string, unknown> | undefined)?.[name];
  return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : undefined;
}

function approvedIn(value: Record<string, unknown> | undefined, approvalId: string): boolean {
  const decision = value?.approvalId === approvalId ? value : field(value, 'approval');
  return decision?.approvalId === approvalId && decision.decision === 'APPROVED';
}

function rejectedIn(error: unknown, cause: unknown, approvalId: string): boolean {
  return (
    error === ERROR_NAMES.DnsChangeRejected &&
    typeof cause === 'string' &&
    cause.includes(`(approval ${approvalId})`)
  );
}

/** The decision of `approvalId` that the events show reached the workflow, if any. */
export function decisionInHistory(
  events: readonly HistoryEvent[],
  approvalId: string,
): DecisionStatus | undefined {
  for (const event of events) {
    const output = parse(event.taskSucceededEventDetails?.output ?? event.stateExitedEventDetails?.output);
    const input = parse(event.stateEnteredEventDetails?.input);
    if (approvedIn(output, approvalId) || approvedIn(input, approvalId)) return 'APPROVED';
    const failed = event.taskFailedEventDetails;
    const failure = field(input, 'failure');
    if (
      (failed && rejectedIn(failed.error, failed.cause, approvalId)) ||
      rejectedIn(failure?.Error, failure?.Cause, approvalId)
    ) {
      return 'REJECTED';
    }
  }
  return undefined;
}

/** True when SendReminder was entered after the wait of reminder number `reminderNumber` timed out. */
export function waitTimedOut(events: readonly HistoryEvent[], reminderNumber: number): boolean {
  return events.some((event) => {
    if (event.stateEnteredEventDetails?.name !== SEND_REMINDER) return false;
    const input = parse(event.stateEnteredEventDetails.input);
    return input?.waitTimeout !== undefined && field(input, 'reminders')?.count === reminderNumber;
  });
}

/** Pages of history read at most (1,000 events each; an execution holds at most 25,000). */
const MAX_HISTORY_PAGES = 25;

/** Every event of the execution, newest first. */
async function historyOf(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const output: GetExecutionHistoryCommandOutput = await callAws('Step Functions GetExecutionHistory', () =>
      sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 1000,
          includeExecutionData: true,
          nextToken,
        }),
      ),
    );
    events.push(...(output.events ?? []));
    nextToken = output.nextToken;
    if (nextToken === undefined) break;
  }
  return events;
}

/**
 * Reads the execution of `record` and says what became of its decision. Never throws: a history
 * that cannot be read is 'unknown' (the decision then stays recorded, to be sent again).
 */
export async function decisionEvidence(sfn: SFNClient, record: ApprovalRecord): Promise<DecisionEvidence> {
  const { executionArn } = record;
  if (executionArn === undefined) return 'unknown';
  try {
    const events = await historyOf(sfn, executionArn);
    if (decisionInHistory(events, record.approvalId) === record.status) return 'landed';
    if (waitTimedOut(events, record.reminderNumber)) return 'timed-out';
    const execution = await callAws('Step Functions DescribeExecution', () =>
      sfn.send(new DescribeExecutionCommand({ executionArn })),
    );
    return execution.status !== undefined &&
      execution.status !== 'RUNNING' &&
      execution.status !== 'PENDING_REDRIVE'
      ? 'ended'
      : 'unknown';
  } catch {
    return 'unknown';
  }
}
