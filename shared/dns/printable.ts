/**
 * Text that came from DNS (NS host names, CNAME targets, record tags) made safe to show a person:
 * anything outside printable ASCII becomes `\xNN`, so a hostile zone cannot hide text, move the
 * cursor or forge lines in a terminal, a log line or a notification, and it is cut to `max`.
 */
export function printable(text: string, max = 300): string {
  const escaped = text.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\x${(char.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}
