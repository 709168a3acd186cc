/**
 * Recording a decision on an approval and resuming the workflow: the one code path shared by the
 * approval page (after its link and CSRF checks) and `byodkim approve | reject` (after the
 * operator's AWS credentials). Single use: the record moves from OPEN under If-Match first, so a
 * second decision changes nothing; the task token is read server-side and never returned.
 *
 * A recorded decision is never reopened. When Step Functions' answer is not conclusive (its reply
 * lost, throttled, or "already closed", which a retry of a decision that did commit also gets),
 * the same decision is sent again and the execution's history is read before the person is told
 * anything: the decision either landed, or the wait closed without it (timed out, execution
 * ended), or it stays recorded as "not confirmed yet" for the same decision to be sent again.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { deliverDecision } from './approval-delivery';
import {
  type ApprovalRecord,
  awaitsDelivery,
  closeApproval,
  type DecisionStatus,
  settleDecision,
} from './approvals';
import { decisionEvidence } from './decision-evidence';
import type { KeyStoreDeps } from './key-store';
import type { TaskLogger } from './runtime';

/** What deciding needs. */
export interface DecideDeps extends KeyStoreDeps {
  readonly sfn: SFNClient;
  /** @default - nothing logged */
  readonly logger?: TaskLogger;
}

/** How a decision ended. */
export type DecisionOutcome =
  /** Step Functions has it (confirmed by its answer or by the execution's history). */
  | { readonly kind: 'decided'; readonly record: ApprovalRecord }
  /** Someone decided first (another decision), or the link was superseded or expired: nothing changed. */
  | { readonly kind: 'already-closed'; readonly record: ApprovalRecord }
  | { readonly kind: 'not-found' }
  /**
   * The wait closed before the decision arrived: `timed-out` (the record now reads EXPIRED; a
   * reminder follows unless it was the last) or `ended` (the execution is over; SUPERSEDED).
   */
  | { readonly kind: 'late'; readonly reason: 'timed-out' | 'ended'; readonly record: ApprovalRecord }
  /**
   * Recorded, but Step Functions has not confirmed it: the record keeps the decision, and sending
   * the same decision again is the only way on (the page's "send again", or the CLI once more).
   */
  | { readonly kind: 'pending'; readonly record: ApprovalRecord };

const STATUS_OF: Record<'approve' | 'reject', DecisionStatus> = { approve: 'APPROVED', reject: 'REJECTED' };

/**
 * Records `decision` (OPEN → APPROVED | REJECTED) and hands it to Step Functions; on a record
 * that already holds the same decision, not yet confirmed, sends it again. Throws only before
 * anything is recorded (S3 unavailable), when pressing again is safe.
 */
export async function decideApproval(
  deps: DecideDeps,
  approvalId: string,
  decision: 'approve' | 'reject',
  now: Date,
): Promise<DecisionOutcome> {
  const wanted = STATUS_OF[decision];
  const closing = await closeApproval(deps, approvalId, wanted, now);
  if (closing === undefined) return { kind: 'not-found' };
  const { record } = closing;
  if (!closing.changed && !(awaitsDelivery(record) && record.status === wanted)) {
    return { kind: 'already-closed', record };
  }
  return settle(deps, record as ApprovalRecord & { status: DecisionStatus }, now);
}

/** Sends the recorded decision, reads the execution when the answer is not conclusive, and records the outcome. */
async function settle(
  deps: DecideDeps,
  record: ApprovalRecord & { status: DecisionStatus },
  now: Date,
): Promise<DecisionOutcome> {
  const answer = await deliverDecision(deps.sfn, record);
  const evidence = answer.kind === 'delivered' ? 'landed' : await decisionEvidence(deps.sfn, record);
  const facts = { approvalId: record.approvalId, decision: record.status, answer: answer.kind, evidence };
  if (evidence === 'landed') {
    const stored = await settleDecision(deps, record, { delivery: 'CONFIRMED' }, now);
    return { kind: 'decided', record: stored ?? record };
  }
  if (evidence === 'timed-out' || evidence === 'ended') {
    deps.logger?.warn('Decision arrived after the wait closed', facts);
    const status = evidence === 'timed-out' ? 'EXPIRED' : 'SUPERSEDED';
    const stored = await settleDecision(deps, record, { status }, now);
    return { kind: 'late', reason: evidence, record: stored ?? record };
  }
  // Neither delivered nor refuted: keep the decision, say so, let the same decision be sent again.
  deps.logger?.error('Decision recorded but not confirmed by Step Functions', {
    ...facts,
    ...(answer.kind === 'delivered' ? {} : { errorName: answer.error }),
  });
  return { kind: 'pending', record };
}
