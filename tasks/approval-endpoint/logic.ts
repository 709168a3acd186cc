/**
 * The approval endpoint behind API Gateway: `GET /approvals/{id}?exp&sig` shows what would be
 * approved and never acts (mail scanners fetch links); `POST /approvals/{id}` with the page's CSRF
 * token approves or rejects, once. The task token is read from S3 and handed to Step Functions;
 * it never appears in a URL, a page or a log. The HTML is in ./page.ts.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { formatInstant } from '../../shared/notifications/time-format';
import { decideApproval } from '../../shared/rotation/approval-decision';
import type { ApprovalKeys } from '../../shared/rotation/approval-keys';
import {
  checkApprovalLink,
  checkCsrfToken,
  csrfToken,
  type LinkKey,
} from '../../shared/rotation/approval-links';
import { type ApprovalRecord, awaitsDelivery, readApproval } from '../../shared/rotation/approvals';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { approvalPage, type MessagePageInput, messagePage, SECURITY_HEADERS } from './page';

/** What the endpoint needs. */
export interface ApprovalEndpointDeps extends BaseDeps, KeyStoreDeps {
  readonly sfn: SFNClient;
  /** The signing keys: AWSCURRENT and AWSPREVIOUS both verify links and forms. */
  readonly approvalKeys: () => Promise<ApprovalKeys>;
}

/** Why a POST body was not taken as the page's form; the request is refused with its own page. */
export type BodyRefusal =
  /** Over {@link MAX_FORM_BYTES}: the page's form never is. */
  | 'too-large'
  /** Not `application/x-www-form-urlencoded`, what the page's form sends. */
  | 'not-a-form';

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

/** What the endpoint answers. */
export interface ApprovalResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export { SECURITY_HEADERS };

function respond(
  statusCode: number,
  body: string,
  extraHeaders: Record<string, string> = {},
): ApprovalResponse {
  return { statusCode, headers: { ...SECURITY_HEADERS, ...extraHeaders }, body };
}

/** One outcome page (nothing to press) with its status code. */
function outcome(statusCode: number, page: MessagePageInput): ApprovalResponse {
  return respond(statusCode, messagePage(page));
}

const NOTHING_CHANGED = { ja: '何も変更していません。', en: 'Nothing was changed.' };

function factsOf(record: ApprovalRecord): MessagePageInput['facts'] {
  return [
    { label: { ja: 'ドメイン', en: 'Domain' }, value: record.domain },
    { label: { ja: 'レコード名', en: 'Record name' }, value: `${record.recordName} TXT` },
    { label: { ja: '鍵のフィンガープリント', en: 'Key fingerprint' }, value: record.fingerprint },
  ];
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

const DECISION_WORDS = {
  APPROVED: {
    ja: '承認',
    en: 'approved',
    noun: 'approval',
    button: { ja: 'もう一度送信 (承認)', en: 'Send again (approve)' },
  },
  REJECTED: {
    ja: '却下',
    en: 'rejected',
    noun: 'rejection',
    button: { ja: 'もう一度送信 (却下)', en: 'Send again (reject)' },
  },
} as const;

/**
 * The page of a decision recorded but not confirmed by Step Functions: it is kept (never reopened),
 * and the one button sends the same decision again.
 */
export function pendingPage(
  record: ApprovalRecord & { status: 'APPROVED' | 'REJECTED' },
  statusCode: number,
  hidden: Readonly<Record<string, string>>,
  note?: { ja: string; en: string },
): ApprovalResponse {
  const words = DECISION_WORDS[record.status];
  return outcome(statusCode, {
    tone: 'warn',
    badge: { ja: '記録済み・確認待ち', en: 'Recorded, not confirmed' },
    title: {
      ja: `${words.ja}は記録済みです (確認待ち)`,
      en: `Your ${words.noun} is recorded, not yet confirmed`,
    },
    facts: factsOf(record),
    ja: [
      ...(note ? [note.ja] : []),
      `この依頼は${words.ja}として記録されています。ただし、ワークフロー (AWS Step Functions) からの受領確認がまだ取れていません。記録した判断が変わったり失われたりすることはありません。`,
      '少し待ってから下のボタンを押して、同じ判断をもう一度送信してください。確認が取れない場合は、その結果をこのページでお知らせします。',
    ],
    en: [
      ...(note ? [note.en] : []),
      `This request is recorded as ${words.en}, but the workflow (AWS Step Functions) has not confirmed receiving it yet. The recorded decision will not change or be lost.`,
      'Wait a moment, then press the button below to send the same decision again. If it cannot be confirmed, this page will tell you what happened.',
    ],
    ...(record.operatorContacts ? { contacts: record.operatorContacts } : {}),
    resend: { decision: record.status === 'APPROVED' ? 'approve' : 'reject', hidden, label: words.button },
  });
}

/**
 * The page of a request that was already closed: decided, replaced by a newer link, or expired.
 * A decision not yet confirmed is shown as such, with its "send again" button when `hidden` is given.
 */
export function closedPage(
  record: ApprovalRecord,
  hidden?: Readonly<Record<string, string>>,
): ApprovalResponse {
  if (awaitsDelivery(record) && hidden !== undefined) {
    const words = DECISION_WORDS[record.status];
    return pendingPage(record, 409, hidden, {
      ja: `この依頼はすでに${words.ja}されています。今回の操作では何も変更していません。`,
      en: `This request was already ${words.en}. Your request changed nothing.`,
    });
  }
  const when = record.decidedAt ? formatInstant(new Date(record.decidedAt)) : undefined;
  const common = { facts: factsOf(record), contacts: record.operatorContacts };
  switch (record.status) {
    case 'APPROVED':
    case 'REJECTED': {
      const approved = record.status === 'APPROVED';
      return outcome(409, {
        ...common,
        tone: approved ? 'ok' : 'bad',
        badge: approved ? { ja: '承認済み', en: 'Approved' } : { ja: '却下済み', en: 'Rejected' },
        title: { ja: 'この依頼は処理済みです', en: 'Already decided' },
        ja: [
          `この依頼はすでに${approved ? '承認' : '却下'}されています${when ? ` (${when.ja})` : ''}。承認・却下は一度だけ有効です。`,
          NOTHING_CHANGED.ja,
        ],
        en: [
          `This request was already ${approved ? 'approved' : 'rejected'}${when ? ` (${when.en})` : ''}. A request can be decided once.`,
          NOTHING_CHANGED.en,
        ],
      });
    }
    case 'SUPERSEDED':
      return outcome(409, {
        ...common,
        tone: 'warn',
        badge: { ja: '無効', en: 'No longer valid' },
        title: { ja: 'このリンクは置き換えられました', en: 'This link was replaced' },
        ja: [
          'このリンクは新しい通知のリンクに置き換えられたか、鍵更新が中止されました。最新の通知メールのリンクを使ってください。',
          NOTHING_CHANGED.ja,
        ],
        en: [
          'This link was replaced by the link of a newer notification, or the rotation was abandoned. Use the link in the newest message.',
          NOTHING_CHANGED.en,
        ],
      });
    default:
      return expiredPage(record.operatorContacts);
  }
}

function expiredPage(contacts?: readonly string[]): ApprovalResponse {
  return outcome(410, {
    tone: 'warn',
    badge: { ja: '期限切れ', en: 'Expired' },
    title: { ja: 'このリンクの有効期限が切れました', en: 'This link has expired' },
    ja: [
      '承認の期限を過ぎました。新しいリンク付きのリマインドが届きます (回数の上限に達した場合は鍵更新が中止されます)。最新の通知メールのリンクを使ってください。',
      NOTHING_CHANGED.ja,
    ],
    en: [
      'The approval deadline has passed. A reminder with a new link follows (unless the last reminder was sent, in which case the rotation is abandoned). Use the link in the newest message.',
      NOTHING_CHANGED.en,
    ],
    ...(contacts ? { contacts } : {}),
  });
}

const FORGED_PAGE: MessagePageInput = {
  tone: 'bad',
  badge: { ja: '無効なリンク', en: 'Invalid link' },
  title: { ja: 'このリンクは無効です', en: 'This link is not valid' },
  ja: [
    'リンクが途中で切れているか、改変されているか、すでに廃止された署名鍵で署名されています。通知メールのリンク全体をコピーして開くか、最新の通知メールのリンクを使ってください。',
    NOTHING_CHANGED.ja,
  ],
  en: [
    'The link is incomplete, was altered, or was signed with a key that has since been retired. Copy the whole link from the notification, or use the link in the newest message.',
    NOTHING_CHANGED.en,
  ],
};

const NOT_FOUND_PAGE: MessagePageInput = {
  tone: 'bad',
  badge: { ja: '見つかりません', en: 'Not found' },
  title: { ja: '依頼が見つかりません', en: 'No such request' },
  ja: ['この承認依頼は存在しません。最新の通知メールのリンクを使ってください。', NOTHING_CHANGED.ja],
  en: ['There is no such approval request. Use the link in the newest message.', NOTHING_CHANGED.en],
};

const BODY_REFUSALS: Record<BodyRefusal, { statusCode: number; page: MessagePageInput }> = {
  'too-large': {
    statusCode: 413,
    page: {
      tone: 'bad',
      badge: { ja: 'エラー', en: 'Error' },
      title: { ja: '送信内容が大きすぎます', en: 'Request too large' },
      ja: [
        '承認ページのフォームはこの大きさになりません。通知メールのリンクを開き、ページのボタンを押してください。',
        NOTHING_CHANGED.ja,
      ],
      en: [
        "The approval page's form is never this large. Open the link from the notification and press the button on the page.",
        NOTHING_CHANGED.en,
      ],
    },
  },
  'not-a-form': {
    statusCode: 415,
    page: {
      tone: 'bad',
      badge: { ja: 'エラー', en: 'Error' },
      title: { ja: '承認ページのフォームではありません', en: "Not the approval page's form" },
      ja: [
        '承認・却下は承認ページのフォームから送信してください。通知メールのリンクを開き、ページのボタンを押してください。',
        NOTHING_CHANGED.ja,
      ],
      en: [
        "Decisions are sent by the approval page's form. Open the link from the notification and press the button on the page.",
        NOTHING_CHANGED.en,
      ],
    },
  },
};

function latePage(record: ApprovalRecord, reason: 'timed-out' | 'ended'): ApprovalResponse {
  const contacts = record.operatorContacts ? { contacts: record.operatorContacts } : {};
  return outcome(410, {
    tone: 'warn',
    badge: { ja: '期限切れ', en: 'Expired' },
    title: { ja: 'この依頼は期限切れです', en: 'This request has expired' },
    facts: factsOf(record),
    ...(reason === 'timed-out'
      ? {
          ja: [
            '承認の待ち時間が終わった後に届いたため、この操作はワークフローに反映されていません。新しいリンク付きのリマインドが届きます (回数の上限に達した場合は鍵更新が中止されます)。最新の通知メールのリンクを使ってください。',
          ],
          en: [
            'The decision arrived after the wait had closed, so it did not reach the workflow. A reminder with a new link follows (unless the last reminder was sent, in which case the rotation is abandoned); use the link in the newest message.',
          ],
        }
      : {
          ja: [
            'この依頼を待っていた鍵更新のワークフローはすでに終了しているため、この操作は反映されていません。何も変更していません。メール運用担当に連絡してください。',
          ],
          en: [
            'The rotation that was waiting for this request has already ended, so the decision did not reach it. Nothing was changed. Please contact the mail operations team.',
          ],
        }),
    ...contacts,
  });
}

/** Answers one request: GET shows, POST (with the page's CSRF token) decides, once. */
export async function handleApprovalRequest(
  request: ApprovalRequest,
  deps: ApprovalEndpointDeps,
): Promise<ApprovalResponse> {
  // HEAD is a GET without a body (the server drops it): scanners send both; neither acts.
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (method !== 'GET' && method !== 'POST') {
    return respond(
      405,
      messagePage({
        tone: 'bad',
        badge: { ja: 'エラー', en: 'Error' },
        title: { ja: '許可されていない操作です', en: 'Method not allowed' },
        ja: ['通知メールのリンクを開いてください。', NOTHING_CHANGED.ja],
        en: ['Open the link from the notification.', NOTHING_CHANGED.en],
      }),
      { allow: 'GET, HEAD, POST' },
    );
  }
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
    return respond(
      200,
      approvalPage({
        domain: record.domain,
        recordName: record.recordName,
        fingerprint: record.fingerprint,
        expiresAt: new Date(link.expiresEpoch * 1000),
        reminderNumber: record.reminderNumber,
        ...(record.maxReminders !== undefined ? { maxReminders: record.maxReminders } : {}),
        ...(record.operatorContacts ? { contacts: record.operatorContacts } : {}),
        hidden,
      }),
    );
  }

  if (!checkCsrfToken(link.linkKey, record.approvalId, link.expiresEpoch, request.form.csrf)) {
    deps.logger.warn('Approval POST without a valid CSRF token', { approvalId: record.approvalId });
    return outcome(403, {
      tone: 'bad',
      badge: { ja: '無効なフォーム', en: 'Invalid form' },
      title: { ja: 'このフォームは無効です', en: 'This form is not valid' },
      ja: ['承認ページを開き直して、ボタンを押してください。', NOTHING_CHANGED.ja],
      en: ['Open the approval page again and press the button there.', NOTHING_CHANGED.en],
      ...(record.operatorContacts ? { contacts: record.operatorContacts } : {}),
    });
  }
  const decision = request.form.decision;
  if (decision !== 'approve' && decision !== 'reject') {
    return outcome(400, {
      tone: 'bad',
      badge: { ja: 'エラー', en: 'Error' },
      title: { ja: '承認か却下を選んでください', en: 'Choose approve or reject' },
      ja: ['承認ページを開き直して、どちらかのボタンを押してください。', NOTHING_CHANGED.ja],
      en: ['Open the approval page again and press one of the buttons.', NOTHING_CHANGED.en],
    });
  }
  const decided = await decideApproval(deps, record.approvalId, decision, now);
  switch (decided.kind) {
    case 'not-found':
      return outcome(404, NOT_FOUND_PAGE);
    case 'already-closed':
      return closedPage(decided.record, hidden);
    case 'late':
      return latePage(decided.record, decided.reason);
    case 'pending':
      // 503: the endpoint could not finish the job (counted by the handler for the alarm).
      return awaitsDelivery(decided.record)
        ? {
            ...pendingPage(decided.record, 503, hidden),
            headers: { ...SECURITY_HEADERS, 'retry-after': '30' },
          }
        : closedPage(decided.record, hidden);
    default:
      break;
  }
  deps.logger.info('Decision recorded', { approvalId: record.approvalId, decision, domain: record.domain });
  const contacts = record.operatorContacts ? { contacts: record.operatorContacts } : {};
  return decision === 'approve'
    ? outcome(200, {
        tone: 'ok',
        badge: { ja: '承認済み', en: 'Approved' },
        title: { ja: '承認しました', en: 'Approved' },
        facts: factsOf(record),
        ja: [
          'ありがとうございます。ワークフローはすべての権威ネームサーバーでこのレコードが配信されていることを確認してから、SES に新しい鍵を適用します。レコードがまだ公開されていなければ、公開されるまで待ちます。',
          '切り替えが完了するとメールでお知らせします。このページは閉じて構いません。',
        ],
        en: [
          'Thank you. The workflow checks that every authoritative name server serves this record, then applies the new key to SES; if the record is not live yet, it waits for it.',
          'You will get a message when the switch is done. You may close this page.',
        ],
        ...contacts,
      })
    : outcome(200, {
        tone: 'bad',
        badge: { ja: '却下済み', en: 'Rejected' },
        title: { ja: '却下しました', en: 'Rejected' },
        facts: factsOf(record),
        ja: [
          '今回の鍵更新は中止されます。SES は変更されず、現在の鍵で署名を続けます。このレコードを登録済みなら削除して構いません。',
        ],
        en: [
          'This rotation is abandoned. SES is not changed and keeps signing with the current key. If you already published this record, you may delete it.',
        ],
        ...contacts,
      });
}
