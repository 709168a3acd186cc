/**
 * The approval endpoint behind API Gateway: `GET /approvals/{id}?exp&sig` shows what would be
 * approved and never acts (mail scanners fetch links); `POST /approvals/{id}` with the page's CSRF
 * token approves or rejects, once. The task token is read from S3 and handed to Step Functions;
 * it never appears in a URL, a page or a log. Issue 7 polishes the page; the path works now.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Secret } from '../../shared/dkim/secret';
import { ERROR_NAMES } from '../../shared/errors';
import {
  checkApprovalLink,
  checkCsrfToken,
  closeApproval,
  csrfToken,
  readApproval,
  reopenApproval,
} from '../../shared/rotation/approvals';
import { callAws } from '../../shared/rotation/aws-errors';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { ApprovalDecision } from '../../shared/rotation/state';

export interface ApprovalEndpointDeps extends BaseDeps, KeyStoreDeps {
  readonly sfn: SFNClient;
  readonly approvalSecret: () => Promise<Secret>;
}

export interface ApprovalRequest {
  readonly method: string;
  readonly approvalId: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Form fields of a POST (application/x-www-form-urlencoded). */
  readonly form: Readonly<Record<string, string | undefined>>;
}

export interface ApprovalResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(statusCode: number, ja: string, en: string, extra = ''): ApprovalResponse {
  const body = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>DKIM approval</title></head><body><main><p lang="ja">${escapeHtml(ja)}</p><p lang="en">${escapeHtml(en)}</p>${extra}</main></body></html>`;
  return { statusCode, headers: { ...SECURITY_HEADERS }, body };
}

const CLOSED_TEXT: Record<string, [string, string]> = {
  APPROVED: ['この依頼は承認済みです。', 'This request was already approved.'],
  REJECTED: ['この依頼は却下済みです。', 'This request was already rejected.'],
  SUPERSEDED: ['このリンクは新しいリンクに置き換えられました。', 'This link was replaced by a newer one.'],
  EXPIRED: ['このリンクの有効期限が切れました。', 'This link has expired.'],
};

export async function handleApprovalRequest(
  request: ApprovalRequest,
  deps: ApprovalEndpointDeps,
): Promise<ApprovalResponse> {
  if (request.method !== 'GET' && request.method !== 'POST') {
    return page(405, '許可されていない操作です。', 'Method not allowed.');
  }
  const secret = await deps.approvalSecret();
  const now = deps.clock();
  const exp = request.method === 'GET' ? request.query.exp : request.form.exp;
  const sig = request.method === 'GET' ? request.query.sig : request.form.sig;
  const link = checkApprovalLink(secret, request.approvalId, exp, sig, now);
  if (!link.ok) {
    deps.logger.warn('Approval link refused', { approvalId: request.approvalId, reason: link.reason });
    return link.reason === 'expired'
      ? page(
          410,
          'このリンクの有効期限が切れました。何も変更していません。',
          'This link has expired. Nothing was changed.',
        )
      : page(403, 'このリンクは無効です。', 'This link is not valid.');
  }
  const stored = await readApproval(deps, request.approvalId);
  if (stored === undefined) return page(404, '依頼が見つかりません。', 'No such request.');
  const { record } = stored;
  const closed = CLOSED_TEXT[record.status];
  if (closed !== undefined) return page(409, closed[0], closed[1]);

  if (request.method === 'GET') {
    const csrf = csrfToken(secret, record.approvalId, link.expiresEpoch);
    const hidden = (name: string, value: string) =>
      `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    const form = (decision: 'approve' | 'reject', label: string) =>
      `<form method="post">${hidden('exp', String(link.expiresEpoch))}${hidden('sig', sig ?? '')}${hidden('csrf', csrf)}${hidden('decision', decision)}<button type="submit">${label}</button></form>`;
    const details = `<dl><dt>Domain</dt><dd>${escapeHtml(record.domain)}</dd><dt>Record</dt><dd>${escapeHtml(record.recordName)} TXT</dd><dt>Key fingerprint</dt><dd>${escapeHtml(record.fingerprint)}</dd><dt>Expires</dt><dd>${escapeHtml(record.expiresAt)}</dd></dl>`;
    return page(
      200,
      'TXT レコードを登録したら承認してください。ワークフローは全権威サーバーでレコードを確認してから SES に適用します。',
      'Approve once the TXT record is published. The workflow checks every authoritative name server before applying it to SES.',
      `${details}${form('approve', '承認 / Approve')}${form('reject', '却下 / Reject')}`,
    );
  }

  if (!checkCsrfToken(secret, record.approvalId, link.expiresEpoch, request.form.csrf)) {
    deps.logger.warn('Approval POST without a valid CSRF token', { approvalId: record.approvalId });
    return page(
      403,
      'このフォームは無効です。ページを開き直してください。',
      'This form is not valid. Open the page again.',
    );
  }
  const decision = request.form.decision;
  if (decision !== 'approve' && decision !== 'reject') {
    return page(400, '承認か却下を選んでください。', 'Choose approve or reject.');
  }
  const closing = await closeApproval(
    deps,
    record.approvalId,
    decision === 'approve' ? 'APPROVED' : 'REJECTED',
    now,
  );
  if (closing === undefined) return page(404, '依頼が見つかりません。', 'No such request.');
  if (!closing.changed) {
    const text = CLOSED_TEXT[closing.record.status] ?? ['処理済みです。', 'Already decided.'];
    return page(409, text[0], text[1]);
  }
  try {
    if (decision === 'approve') {
      const output: ApprovalDecision = {
        decision: 'APPROVED',
        approvalId: record.approvalId,
        decidedAt: now.toISOString(),
      };
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
            cause: `The DNS team rejected ${record.recordName} (approval ${record.approvalId}).`,
          }),
        ),
      );
    }
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') {
      deps.logger.warn('Decision arrived after the wait closed', { approvalId: record.approvalId, name });
      return page(
        410,
        'この依頼は期限切れです。新しい通知のリンクを使ってください。',
        'This request has expired. Use the link in the newest notification.',
      );
    }
    // The decision did not reach the workflow: reopen the link so the same button works again.
    await reopenApproval(deps, record.approvalId, closing.record);
    throw error;
  }
  deps.logger.info('Decision recorded', { approvalId: record.approvalId, decision, domain: record.domain });
  return decision === 'approve'
    ? page(
        200,
        '承認しました。レコードを確認でき次第、SES に適用します。',
        'Approved. SES is switched as soon as the record is served everywhere.',
      )
    : page(200, '却下しました。SES は変更されません。', 'Rejected. SES will not be changed.');
}
