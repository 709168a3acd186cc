/**
 * Recording a decision on an approval and resuming the workflow: the one code path shared by the
 * approval page (after its link and CSRF checks) and `byodkim approve | reject` (after the
 * operator's AWS credentials). Single use: the record moves from OPEN under If-Match first, so a
 * second decision changes nothing; the task token is read server-side and never returned.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { ERROR_NAMES } from '../errors';
import { type ApprovalRecord, closeApproval, expireClosedApproval, reopenApproval } from './approvals';
import { callAws } from './aws-errors';
import type { KeyStoreDeps } from './key-store';
import type { ApprovalDecision } from './state';

/** What deciding needs. */
export interface DecideDeps extends KeyStoreDeps {
  readonly sfn: SFNClient;
}

/** How a decision ended. */
export type DecisionOutcome =
  | { readonly kind: 'decided'; readonly record: ApprovalRecord }
  /** Someone decided first, or the link was superseded or expired: nothing changed. */
  | { readonly kind: 'already-closed'; readonly record: ApprovalRecord }
  | { readonly kind: 'not-found' }
  /** The wait had closed before the decision arrived (TaskTimedOut): marked EXPIRED. */
  | { readonly kind: 'late'; readonly record: ApprovalRecord };

const LATE_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Closes the approval as APPROVED or REJECTED and sends SendTaskSuccess / SendTaskFailure
 * (DnsChangeRejected). When Step Functions cannot be reached the approval is reopened, so the same
 * decision can be made again, and the error is thrown.
 */
export async function decideApproval(
  deps: DecideDeps,
  approvalId: string,
  decision: 'approve' | 'reject',
  now: Date,
): Promise<DecisionOutcome> {
  const closing = await closeApproval(
    deps,
    approvalId,
    decision === 'approve' ? 'APPROVED' : 'REJECTED',
    now,
  );
  if (closing === undefined) return { kind: 'not-found' };
  if (!closing.changed) return { kind: 'already-closed', record: closing.record };
  const record = closing.record;
  try {
    if (decision === 'approve') {
      const output: ApprovalDecision = { decision: 'APPROVED', approvalId, decidedAt: now.toISOString() };
      await callAws('Step Functions SendTaskSuccess', () =>
        deps.sfn.send(
          new SendTaskSuccessCommand({ taskToken: record.taskToken, output: JSON.stringify(output) }),
        ),
      );
    } else {
      await callAws('Step Functions SendTaskFailure', () =>
        deps.sfn.send(
          new SendTaskFailureCommand({
            taskToken: record.taskToken,
            error: ERROR_NAMES.DnsChangeRejected,
            cause: `The DNS team rejected ${record.recordName} (approval ${approvalId}).`,
          }),
        ),
      );
    }
  } catch (error) {
    if (LATE_ERRORS.has((error as Error).name)) {
      await expireClosedApproval(deps, approvalId, record, now);
      return { kind: 'late', record };
    }
    await reopenApproval(deps, approvalId, record);
    throw error;
  }
  return { kind: 'decided', record };
}
