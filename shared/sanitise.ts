/**
 * The one place where text that did not come from our code is made fit to show a person.
 *
 * Two kinds of foreign text reach people (notifications, Fail causes, the CLI, the approval page):
 *
 * - free text from an error or from DNS (an SDK message, a Lambda cause, a verifier's comment):
 *   {@link sanitise} removes control characters, replaces AWS identifiers (ARNs, account ids,
 *   request ids, access key ids, console links) and caps the length, so a hostile zone cannot
 *   forge lines in a mail and an AccessDenied cannot put the account's role ARNs into it;
 * - names and values a person must read exactly (NS host names, addresses, the records to
 *   publish): {@link printable} escapes what is not printable ASCII instead of dropping it (a
 *   changed name would be a lie) and caps the length, without rewriting anything.
 *
 * Modelled on cert-manager's `stabilizeSolverErrorMessage`: volatile, account-specific detail is
 * replaced by a placeholder, so the same failure always reads the same and says nothing about the
 * account. The full text stays in the function's log, for operators with access to it.
 * No imports: the notification tasks bundle this without the DNS transport.
 */

/** The longest one foreign text (an error message, a DNS detail) may be once sanitised. */
export const SANITISED_MAX_CHARS = 300;

/**
 * The longest a message our code composes from several sanitised texts may be: a verdict over
 * every name server, ConfirmRollback's reason, the cause a task fails with.
 */
export const COMPOSED_MAX_CHARS = 1000;

/**
 * Input beyond this is dropped before anything else, so a 32 KB TXT record costs no more than a
 * short one (the cap below is far shorter anyway).
 */
const MAX_INPUT_CHARS = 16_384;

/** Line and paragraph breaks, tabs and form feeds: each run becomes one space. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/**
 * Control (Cc), format (Cf: bidirectional overrides, zero-width characters, BOM), private-use
 * and lone surrogate code points: removed, so nothing can move the cursor, reorder or hide text.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;

/**
 * AWS identifiers, most specific first. Placeholders contain none of the characters the patterns
 * match, so sanitising twice changes nothing.
 */
const AWS_IDENTIFIERS: ReadonlyArray<readonly [RegExp, string]> = [
  // IAM access denied messages may end with a console link holding an authorization id.
  [/https?:\/\/[\w.-]*console\.aws\.amazon\.com[^\s"'`<>]*/gi, '<console-link>'],
  // arn:partition:service:region:account:resource (aws, aws-cn, aws-us-gov, aws-iso…).
  [/\barn:aws[\w-]*:[^\s"'`<>()[\]{},;]+/g, '<arn>'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, '<access-key-id>'],
  // Request ids: UUIDs (most services), and whatever follows a "Request ID"/"Host ID" label (S3).
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<request-id>'],
  [/\b((?:extended )?(?:request|host)[ _-]?id)(["':= ]+)[A-Za-z0-9+/=-]{8,}/gi, '$1$2<request-id>'],
  // Account ids are 12 digits.
  [/\b\d{12}\b/g, '<account>'],
];

/** Cuts `text` to `max` characters, the last one an ellipsis, never inside a surrogate pair. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/**
 * Free text from an error or from DNS, made safe to show a person: control and invisible
 * characters removed (line breaks become one space, so the text stays one line), AWS identifiers
 * replaced by `<arn>`, `<account>`, `<request-id>`, `<access-key-id>`, `<console-link>`, and the
 * result cut to `max` characters. Idempotent.
 */
export function sanitise(text: string, max: number = SANITISED_MAX_CHARS): string {
  let clean = text
    .slice(0, MAX_INPUT_CHARS)
    .replace(BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, replacement] of AWS_IDENTIFIERS) clean = clean.replace(pattern, replacement);
  return cap(clean, max);
}

/**
 * A name or value a person must read exactly (an NS host name, an address, a record to publish),
 * made safe to show: anything outside printable ASCII becomes `\xNN`, so a hostile zone cannot
 * hide text, move the cursor or forge lines, and it is cut to `max`. Nothing else is rewritten:
 * never use it for error text, which {@link sanitise} handles.
 */
export function printable(text: string, max = SANITISED_MAX_CHARS): string {
  const escaped = text
    .slice(0, MAX_INPUT_CHARS)
    .replace(/[^\x20-\x7e]/g, (char) => `\\x${(char.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`);
  return cap(escaped, max);
}

/**
 * The message of a Step Functions error cause, sanitised. A Lambda function's error reaches a
 * Catch as a JSON string `{"errorType", "errorMessage", "trace"}` (the trace repeats the message):
 * only `errorMessage` is kept. Other causes (a Fail state's, a States.* error's) are taken whole.
 */
export function causeText(cause: string | null | undefined, max: number = SANITISED_MAX_CHARS): string {
  if (!cause) return '';
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown } | null;
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // not JSON: the cause is the message itself
  }
  return sanitise(text, max);
}

/**
 * The same error with its message (and the first line of its stack, which repeats the message)
 * sanitised, for the cause a task fails with: Lambda reports `errorType` (the name, which Retry
 * and Catch match, kept), `errorMessage` and the stack as `trace`. The class, `name` and `cause`
 * are kept; a thrown non-Error becomes an Error.
 */
export function sanitiseError(error: unknown, max: number = COMPOSED_MAX_CHARS): Error {
  if (!(error instanceof Error)) return new Error(sanitise(String(error), max));
  const message = sanitise(error.message, max);
  if (message === error.message) return error;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  error.message = message;
  error.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  return error;
}

/**
 * How a served value departs from the expected one, without quoting it: DNS verdicts never repeat
 * record content (whoever runs a name server writes it), they give both lengths and the first
 * character (1-based) where the two differ, e.g. `410 characters, expected 410; first difference at
 * character 57`.
 */
export function describeDifference(found: string, expected: string): string {
  let index = 0;
  while (index < found.length && index < expected.length && found[index] === expected[index]) index += 1;
  const where = found === expected ? 'identical' : `first difference at character ${index + 1}`;
  return `${found.length} characters, expected ${expected.length}; ${where}`;
}
