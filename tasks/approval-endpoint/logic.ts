/**
 * The approval endpoint behind API Gateway: `GET /approvals/{id}?exp&sig` shows what would be
 * approved and never acts (mail scanners fetch links); `POST /approvals/{id}` with the page's CSRF
 * token approves or rejects, once. The task token is read from S3 and handed to Step Functions;
 * it never appears in a URL, a page or a log. The pages it answers with are in ./responses.ts,
 * their HTML in ./page.ts.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { decideApproval } from '../../shared/rotation/approval-decision';
import type { ApprovalKeys } from '../../shared/rotation/approval-keys';
import {
  checkApprovalLink,
  checkCsrfToken,
  csrfToken,
  type LinkKey,
} from '../../shared/rotation/approval-links';
import { awaitsDelivery, readApproval } from '../../shared/rotation/approvals';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import {
  type ApprovalResponse,
  approvalFormPage,
  BODY_REFUSALS,
  type BodyRefusal,
  closedPage,
  decidedPage,
  expiredPage,
  FORGED_PAGE,
  invalidFormPage,
  latePage,
  methodNotAllowed,
  NOT_FOUND_PAGE,
  noDecisionPage,
  outcome,
  pendingPage,
  unconfirmedPage,
} from './responses';

/** What the endpoint needs. */
export interface ApprovalEndpointDeps extends BaseDeps, KeyStoreDeps {
  readonly sfn: SFNClient;
  /** The signing keys: AWSCURRENT and AWSPREVIOUS both verify links and forms. */
  readonly approvalKeys: () => Promise<ApprovalKeys>;
}

/** The page's form is a few hundred bytes; anything over this is not it. */
export const MAX_FORM_BYTES = 4096;

/** One request, as the handler parsed it from API Gateway's event. */
export interface ApprovalRequest {
  readonly method: string;
  readonly approvalId: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Form fields of a POST (application/x-www-form-urlencoded). */
  readonly form: Readonly<Record<string, string | undefined>>;
  /** Set when the POST body was refused before reading it as a form. */
  readonly bodyRefusal?: BodyRefusal;
}

/** The hidden fields a form of this link posts back: the link's own parameters and its CSRF token. */
function hiddenFields(linkKey: LinkKey, approvalId: string, expiresEpoch: number, sig: string) {
  return {
    exp: String(expiresEpoch),
    ...(linkKey.legacy ? {} : { kv: linkKey.key.version }),
    sig,
    csrf: csrfToken(linkKey, approvalId, expiresEpoch),
  };
}

/** Answers one request: GET shows, POST (with the page's CSRF token) decides, once. */
export async function handleApprovalRequest(
  request: ApprovalRequest,
  deps: ApprovalEndpointDeps,
): Promise<ApprovalResponse> {
  // HEAD is a GET without a body (the server drops it): scanners send both; neither acts.
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (method !== 'GET' && method !== 'POST') return methodNotAllowed();
  if (method === 'POST' && request.bodyRefusal !== undefined) {
    const refusal = BODY_REFUSALS[request.bodyRefusal];
    deps.logger.warn('Approval POST body refused', {
      approvalId: request.approvalId,
      reason: request.bodyRefusal,
    });
    return outcome(refusal.statusCode, refusal.page);
  }
  const keys = await deps.approvalKeys();
  const now = deps.clock();
  const params = method === 'GET' ? request.query : request.form;
  const link = checkApprovalLink(
    keys,
    request.approvalId,
    { exp: params.exp, kv: params.kv, sig: params.sig },
    now,
  );
  if (!link.ok) {
    deps.logger.warn('Approval link refused', { approvalId: request.approvalId, reason: link.reason });
    return link.reason === 'expired' ? expiredPage() : outcome(403, FORGED_PAGE);
  }
  const stored = await readApproval(deps, request.approvalId);
  if (stored === undefined) return outcome(404, NOT_FOUND_PAGE);
  const { record } = stored;
  const hidden = hiddenFields(link.linkKey, record.approvalId, link.expiresEpoch, params.sig ?? '');
  const pending = awaitsDelivery(record);
  if (record.status !== 'OPEN' && !pending) return closedPage(record);

  if (method === 'GET') {
    if (pending) return pendingPage(record, 200, hidden);
    return approvalFormPage(record, link.expiresEpoch, hidden);
  }

  if (!checkCsrfToken(link.linkKey, record.approvalId, link.expiresEpoch, request.form.csrf)) {
    deps.logger.warn('Approval POST without a valid CSRF token', { approvalId: record.approvalId });
    return invalidFormPage(record);
  }
  const decision = request.form.decision;
  if (decision !== 'approve' && decision !== 'reject') return noDecisionPage();
  const decided = await decideApproval(deps, record.approvalId, decision, now);
  switch (decided.kind) {
    case 'not-found':
      return outcome(404, NOT_FOUND_PAGE);
    case 'already-closed':
      return closedPage(decided.record, hidden);
    case 'late':
      return latePage(decided.record, decided.reason);
    case 'pending':
      return awaitsDelivery(decided.record)
        ? unconfirmedPage(decided.record, hidden)
        : closedPage(decided.record, hidden);
    default:
      break;
  }
  deps.logger.info('Decision recorded', { approvalId: record.approvalId, decision, domain: record.domain });
  return decidedPage(record, decision);
}
