/**
 * Every answer of the approval endpoint as a page: the decision pages (pending, closed, expired,
 * late, decided) and the refusals (bad method, body, link, form, decision). ./logic.ts chooses
 * which; ./page.ts renders the HTML. Every refusal says that nothing was changed.
 */
import { formatInstant } from '../../shared/notifications/time-format';
import { type ApprovalRecord, awaitsDelivery } from '../../shared/rotation/approvals';
import { approvalPage, type MessagePageInput, messagePage, SECURITY_HEADERS } from './page';

/** Why a POST body was not taken as the page's form; the request is refused with its own page. */
export type BodyRefusal =
  /** Over `MAX_FORM_BYTES` (./logic.ts): the page's form never is. */
  | 'too-large'
  /** Not `application/x-www-form-urlencoded`, what the page's form sends. */
  | 'not-a-form';

/** What the endpoint answers. */
export interface ApprovalResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A response with the security headers every answer carries (and any of its own). */
export function respond(
  statusCode: number,
  body: string,
  extraHeaders: Record<string, string> = {},
): ApprovalResponse {
  return { statusCode, headers: { ...SECURITY_HEADERS, ...extraHeaders }, body };
}

/** One outcome page (nothing to press) with its status code. */
export function outcome(statusCode: number, page: MessagePageInput): ApprovalResponse {
  return respond(statusCode, messagePage(page));
}

/** The closing line of every refusal: the request had no effect. */
const NOTHING_CHANGED = { ja: '何も変更していません。', en: 'Nothing was changed.' };

/** What the request is about, shown on every page that has a record. */
export function factsOf(record: ApprovalRecord): MessagePageInput['facts'] {
  return [
    { label: { ja: 'ドメイン', en: 'Domain' }, value: record.domain },
    { label: { ja: 'レコード名', en: 'Record name' }, value: `${record.recordName} TXT` },
    { label: { ja: '鍵のフィンガープリント', en: 'Key fingerprint' }, value: record.fingerprint },
  ];
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

/** The page of an expired link (410), with the operators' contacts when the record is known. */
export function expiredPage(contacts?: readonly string[]): ApprovalResponse {
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

/** A link that fails its signature check (403): cut short, altered or signed with a retired key. */
export const FORGED_PAGE: MessagePageInput = {
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

/** An approval id with no record (404). */
export const NOT_FOUND_PAGE: MessagePageInput = {
  tone: 'bad',
  badge: { ja: '見つかりません', en: 'Not found' },
  title: { ja: '依頼が見つかりません', en: 'No such request' },
  ja: ['この承認依頼は存在しません。最新の通知メールのリンクを使ってください。', NOTHING_CHANGED.ja],
  en: ['There is no such approval request. Use the link in the newest message.', NOTHING_CHANGED.en],
};

/** The refusal of each {@link BodyRefusal}: its status code and page. */
export const BODY_REFUSALS: Record<BodyRefusal, { statusCode: number; page: MessagePageInput }> = {
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

/** The page of a decision that came too late: the wait had timed out, or the rotation had ended (410). */
export function latePage(record: ApprovalRecord, reason: 'timed-out' | 'ended'): ApprovalResponse {
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

/** The answer to a method other than GET, HEAD and POST (405, with `allow`). */
export function methodNotAllowed(): ApprovalResponse {
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

/** The approval page of an open request: what would be approved, and the two buttons (200). */
export function approvalFormPage(
  record: ApprovalRecord,
  expiresEpoch: number,
  hidden: Readonly<Record<string, string>>,
): ApprovalResponse {
  return respond(
    200,
    approvalPage({
      domain: record.domain,
      recordName: record.recordName,
      fingerprint: record.fingerprint,
      expiresAt: new Date(expiresEpoch * 1000),
      reminderNumber: record.reminderNumber,
      ...(record.maxReminders !== undefined ? { maxReminders: record.maxReminders } : {}),
      ...(record.operatorContacts ? { contacts: record.operatorContacts } : {}),
      hidden,
    }),
  );
}

/** A POST whose CSRF token does not match its link (403): open the page again. */
export function invalidFormPage(record: ApprovalRecord): ApprovalResponse {
  return outcome(403, {
    tone: 'bad',
    badge: { ja: '無効なフォーム', en: 'Invalid form' },
    title: { ja: 'このフォームは無効です', en: 'This form is not valid' },
    ja: ['承認ページを開き直して、ボタンを押してください。', NOTHING_CHANGED.ja],
    en: ['Open the approval page again and press the button there.', NOTHING_CHANGED.en],
    ...(record.operatorContacts ? { contacts: record.operatorContacts } : {}),
  });
}

/** A POST that is neither approve nor reject (400). */
export function noDecisionPage(): ApprovalResponse {
  return outcome(400, {
    tone: 'bad',
    badge: { ja: 'エラー', en: 'Error' },
    title: { ja: '承認か却下を選んでください', en: 'Choose approve or reject' },
    ja: ['承認ページを開き直して、どちらかのボタンを押してください。', NOTHING_CHANGED.ja],
    en: ['Open the approval page again and press one of the buttons.', NOTHING_CHANGED.en],
  });
}

/**
 * A decision recorded but not confirmed by Step Functions in this request (503: the endpoint
 * could not finish the job; the handler counts it for the alarm), with `retry-after`.
 */
export function unconfirmedPage(
  record: ApprovalRecord & { status: 'APPROVED' | 'REJECTED' },
  hidden: Readonly<Record<string, string>>,
): ApprovalResponse {
  return {
    ...pendingPage(record, 503, hidden),
    headers: { ...SECURITY_HEADERS, 'retry-after': '30' },
  };
}

/** The page of a decision recorded and handed to the workflow (200). */
export function decidedPage(record: ApprovalRecord, decision: 'approve' | 'reject'): ApprovalResponse {
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
