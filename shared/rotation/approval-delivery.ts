/**
 * Handing a recorded decision to Step Functions: SendTaskSuccess (approve) or SendTaskFailure with
 * DnsChangeRejected (reject), with the task token read from the approval record.
 *
 * A transient failure is ambiguous — the call may have committed before its reply was lost — so
 * the same decision is sent again (the SDK's own retries run inside each attempt); sending the
 * same decision twice is harmless, since only the first can close the task. The outcome says
 * only what Step Functions answered; ./decision-evidence.ts reads the history when that is not
 * conclusive.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { ERROR_NAMES } from '../errors';
import type { ApprovalRecord, DecisionStatus } from './approvals';
import { isTransientAwsError } from './aws-errors';
import { rejectionCause } from './decision-evidence';
import type { ApprovalDecision } from './state';

/** What Step Functions answered. */
export type DeliveryAnswer =
  | { readonly kind: 'delivered' }
  /** TaskTimedOut, InvalidToken or TaskDoesNotExist: the task is closed (by whom, the history says). */
  | { readonly kind: 'closed'; readonly error: string }
  /** No conclusive answer: throttled, 5xx, network, or refused (AccessDenied) after every attempt. */
  | { readonly kind: 'unanswered'; readonly error: string };

/** Step Functions' answers for a token whose task is no longer open (API Reference, SendTaskSuccess "Errors"). */
const CLOSED_TASK_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Attempts of the same decision within one request (each with the SDK's own retries). */
export const DELIVERY_ATTEMPTS = 3;

/**
 * Sends the decision `record` holds. Never throws: every failure becomes an answer, because the
 * decision is already recorded and the person must be told where it stands, not "try again".
 */
export async function deliverDecision(
  sfn: SFNClient,
  record: ApprovalRecord & { status: DecisionStatus },
): Promise<DeliveryAnswer> {
  const send: () => Promise<unknown> =
    record.status === 'APPROVED'
      ? () =>
          sfn.send(
            new SendTaskSuccessCommand({
              taskToken: record.taskToken,
              output: JSON.stringify({
                decision: 'APPROVED',
                approvalId: record.approvalId,
                decidedAt: record.decidedAt ?? '',
              } satisfies ApprovalDecision),
            }),
          )
      : () =>
          sfn.send(
            new SendTaskFailureCommand({
              taskToken: record.taskToken,
              error: ERROR_NAMES.DnsChangeRejected,
              cause: rejectionCause(record.recordName, record.approvalId),
            }),
          );
  let last = 'unknown';
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    try {
      await send();
      return { kind: 'delivered' };
    } catch (error) {
      last = (error as Error).name ?? 'Error';
      if (CLOSED_TASK_ERRORS.has(last)) return { kind: 'closed', error: last };
      if (!isTransientAwsError(error)) break;
    }
  }
  return { kind: 'unanswered', error: last };
}
