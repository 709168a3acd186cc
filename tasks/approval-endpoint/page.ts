/**
 * The approval page's HTML (日本語, then English): pure functions from what the endpoint knows to
 * a complete document. No script; one stylesheet whose SHA-256 the Content-Security-Policy names,
 * so no inline style or script of any other origin can run. Forms POST back to the page's own URL.
 */
import { createHash } from 'node:crypto';
import type { Bilingual } from '../../shared/notifications/model';
import { formatInstant } from '../../shared/notifications/time-format';

const STYLE = `
:root{color-scheme:light;--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--bg:#f0f4f8;--card:#fff;--accent:#0b5cad;--ok:#0e7c3a;--warn:#9a5b00;--bad:#b42318}
*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0;padding:32px 16px;color:var(--ink);font:15px/1.7 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans CJK JP","Noto Sans JP","Yu Gothic UI",Meiryo,sans-serif}
main{max-width:760px;margin:0 auto;background:var(--card);border:1px solid var(--line);border-radius:12px;box-shadow:0 1px 3px rgba(16,42,67,.08);overflow:hidden}
header{padding:24px 32px 20px;border-bottom:1px solid var(--line)}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:13px;letter-spacing:.02em}
h1{margin:0;font-size:24px;line-height:1.35}
h1 .en{display:block;color:var(--muted);font-size:16px;font-weight:500}
.badge{display:inline-block;margin-top:12px;padding:2px 10px;border-radius:999px;font-size:13px;font-weight:600;background:#e6f0fb;color:var(--accent)}
.badge.ok{background:#e3f4e9;color:var(--ok)}.badge.warn{background:#fdf1dc;color:var(--warn)}.badge.bad{background:#fdecea;color:var(--bad)}
section{padding:20px 32px;border-bottom:1px solid var(--line)}
h2{margin:0 0 8px;font-size:15px}
h2 .en{color:var(--muted);font-weight:500;margin-left:6px}
dl{margin:0}
dl>div{display:grid;grid-template-columns:190px 1fr;gap:16px;padding:10px 0;border-top:1px solid #eef2f6}
dl>div:first-child{border-top:0;padding-top:4px}
dt{color:var(--muted);font-size:13px;line-height:1.5}
dt .en{display:block;font-size:12px}
dd{margin:0;min-width:0}
code{display:inline-block;max-width:100%;font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,"Noto Sans Mono CJK JP",monospace;background:#f5f7fa;border:1px solid var(--line);border-radius:4px;padding:1px 6px;overflow-wrap:anywhere}
.when{display:block}.when.utc{color:var(--muted);font-size:13px}
p{margin:0 0 8px}ul{margin:0;padding-left:20px}li{margin:2px 0}
.lang{font-size:12px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;margin-bottom:4px}
.actions{display:flex;flex-wrap:wrap;gap:12px;padding:24px 32px;background:#f8fafc;border-bottom:1px solid var(--line)}
form{margin:0}
button{font:inherit;font-weight:600;cursor:pointer;border-radius:8px;padding:10px 22px;border:1px solid transparent;min-width:180px}
button .en{font-weight:500;margin-left:6px;opacity:.9}
.approve{background:var(--ok);color:#fff}.approve:hover{background:#0a6630}
.reject{background:#fff;color:var(--bad);border-color:#f1b2ab}.reject:hover{background:#fdecea}
button:focus-visible{outline:3px solid #8fc1f0;outline-offset:2px}
footer{padding:16px 32px;color:var(--muted);font-size:13px}
footer p{margin:0}
@media (max-width:560px){body{padding:12px 8px}header,section,.actions,footer{padding-left:18px;padding-right:18px}dl>div{grid-template-columns:1fr;gap:2px}button{width:100%}}
`;

/** `'sha256-…'`: the CSP source that allows exactly this page's stylesheet. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** Headers of every answer of the endpoint: no caching, no framing, no referrer, no script. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bilingual heading or label: Japanese, then English in a muted span. */
function both(text: Bilingual): string {
  return `<span lang="ja">${escapeHtml(text.ja)}</span> <span lang="en" class="en">${escapeHtml(text.en)}</span>`;
}

type Tone = 'info' | 'ok' | 'warn' | 'bad';

function htmlDocument(title: Bilingual, inner: string): string {
  return `<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(`${title.ja} / ${title.en}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${inner}
</main>
</body>
</html>
`;
}

function header(title: Bilingual, badge: { tone: Tone; text: Bilingual }): string {
  return `<header>
<p class="eyebrow">DKIM 鍵ローテーション · DKIM key rotation</p>
<h1>${both(title)}</h1>
<span class="badge ${badge.tone}">${escapeHtml(`${badge.text.ja} · ${badge.text.en}`)}</span>
</header>`;
}

function row(label: Bilingual, valueHtml: string): string {
  return `<div><dt>${both(label)}</dt><dd>${valueHtml}</dd></div>`;
}

function textSections(ja: readonly string[], en: readonly string[]): string {
  const section = (lang: 'ja' | 'en', name: string, paragraphs: readonly string[]) =>
    `<section lang="${lang}"><div class="lang">${name}</div>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</section>`;
  return section('ja', '日本語', ja) + section('en', 'English', en);
}

function contactsFooter(contacts: readonly string[] | undefined): string {
  const list = (contacts ?? []).join(', ');
  const ja = list ? `問い合わせ先 (メール運用担当): ${list}` : '問い合わせ先: メール運用担当';
  const en = list ? `Questions: the mail operations team, ${list}` : 'Questions: the mail operations team';
  return `<footer><p lang="ja">${escapeHtml(ja)}</p><p lang="en">${escapeHtml(en)}</p></footer>`;
}

/** One POST form: the link's hidden fields, the decision, and its button. */
function decisionForm(
  hidden: Readonly<Record<string, string>>,
  decision: 'approve' | 'reject',
  label: Bilingual,
): string {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<form method="post">${fields}<input type="hidden" name="decision" value="${decision}"><button type="submit" class="${decision}">${both(label)}</button></form>`;
}

/** What the approval page shows and posts. */
export interface ApprovalPageInput {
  readonly domain: string;
  readonly recordName: string;
  readonly fingerprint: string;
  readonly expiresAt: Date;
  readonly reminderNumber: number;
  readonly maxReminders?: number;
  readonly contacts?: readonly string[];
  /** Hidden fields each form posts back (exp, sig, csrf). */
  readonly hidden: Readonly<Record<string, string>>;
}

/** The page of an open request: exactly what is approved, and the two buttons. */
export function approvalPage(input: ApprovalPageInput): string {
  const expires = formatInstant(input.expiresAt);
  const [expiresJa, expiresUtc] = expires.ja.split(' / ');
  const form = (decision: 'approve' | 'reject', label: Bilingual) =>
    decisionForm(input.hidden, decision, label);
  const n = input.reminderNumber;
  const badge =
    n > 0
      ? {
          tone: 'warn' as const,
          text: {
            ja: `承認待ち (リマインド ${n}${input.maxReminders ? `/${input.maxReminders}` : ''})`,
            en: `Awaiting approval (reminder ${n}${input.maxReminders ? `/${input.maxReminders}` : ''})`,
          },
        }
      : { tone: 'info' as const, text: { ja: '承認待ち', en: 'Awaiting approval' } };
  const title = { ja: 'DKIM レコードの承認', en: 'Approve the DKIM record' };
  const body = `${header(title, badge)}
<section aria-labelledby="what">
<h2 id="what">${both({ ja: '承認の対象', en: 'What you approve' })}</h2>
<dl>
${row({ ja: 'ドメイン', en: 'Domain' }, `<code>${escapeHtml(input.domain)}</code>`)}
${row({ ja: 'レコード名', en: 'Record name' }, `<code>${escapeHtml(input.recordName)}</code> TXT`)}
${row({ ja: '鍵のフィンガープリント', en: 'Key fingerprint' }, `<code>${escapeHtml(input.fingerprint)}</code>`)}
${row(
  { ja: 'リンクの有効期限', en: 'Link expires' },
  `<span class="when">${escapeHtml(expiresJa ?? expires.ja)}</span><span class="when utc">${escapeHtml(expiresUtc ?? '')}</span>`,
)}
</dl>
</section>
${textSections(
  [
    `${input.domain} の DKIM 鍵の更新に伴い、上記の TXT レコードの登録を承認してください。通知メールの値を登録し、鍵のフィンガープリントが通知メールと一致することを確認してください。`,
    'レコードの公開前に承認しても構いません。ワークフローはすべての権威ネームサーバーで正確な値が配信されるまで待ち、その後に SES へ適用します。',
    '承認・却下は一度だけ有効です。却下すると今回の鍵更新は中止され、SES は変更されません。',
  ],
  [
    `The DKIM key of ${input.domain} is being rotated. Please approve the TXT record above: publish the value from the notification and check that the key fingerprint matches it.`,
    'You may approve before the record is live: the workflow waits until every authoritative name server serves the exact value, and only then applies the key to SES.',
    'You can decide once. Rejecting abandons this rotation; SES stays unchanged.',
  ],
)}
<div class="actions">
${form('approve', { ja: '承認する', en: 'Approve' })}
${form('reject', { ja: '却下する', en: 'Reject' })}
</div>
${contactsFooter(input.contacts)}`;
  return htmlDocument(title, body);
}

/**
 * A page that reports an outcome (decided, refused, expired…): nothing to press, except on a
 * decision recorded but not confirmed, whose one button sends the same decision again.
 */
export interface MessagePageInput {
  readonly tone: Tone;
  readonly badge: Bilingual;
  readonly title: Bilingual;
  readonly ja: readonly string[];
  readonly en: readonly string[];
  /** Shown as a table under the title (domain, record…). */
  readonly facts?: readonly { readonly label: Bilingual; readonly value: string }[];
  readonly contacts?: readonly string[];
  /** The one form of the page: the same decision again, with the link's hidden fields. */
  readonly resend?: {
    readonly decision: 'approve' | 'reject';
    readonly hidden: Readonly<Record<string, string>>;
    readonly label: Bilingual;
  };
}

/** An outcome page. */
export function messagePage(input: MessagePageInput): string {
  const facts =
    input.facts && input.facts.length > 0
      ? `<section><dl>${input.facts
          .map((fact) => row(fact.label, `<code>${escapeHtml(fact.value)}</code>`))
          .join('')}</dl></section>`
      : '';
  return htmlDocument(
    input.title,
    `${header(input.title, { tone: input.tone, text: input.badge })}
${facts}
${textSections(input.ja, input.en)}
${input.resend ? `<div class="actions">${decisionForm(input.resend.hidden, input.resend.decision, input.resend.label)}</div>\n` : ''}${contactsFooter(input.contacts)}`,
  );
}
