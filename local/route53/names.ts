/**
 * Record names as Route 53 treats them: case-insensitive, with or without the trailing dot, and
 * listed in its own order (labels reversed, then by type).
 */

/** Canonical form for comparisons and for the local DNS: lower case, no trailing dot. */
export function canonicalName(name: string): string {
  return name.trim().replace(/\.$/, '').toLowerCase();
}

/** The fully qualified form Route 53 answers with: `sel._domainkey.example.jp.` */
export function absoluteName(name: string): string {
  return `${canonicalName(name)}.`;
}

/** Whether `name` is the zone's apex or below it (both canonical). */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Why `name` (canonical) is not a valid DNS name (RFC 1035 §2.3.4 lengths), worded as Route 53's
 * InvalidChangeBatch messages, or undefined.
 */
export function nameProblem(name: string): string | undefined {
  const fatal = (problem: string, detail: string, subject: string) =>
    `FATAL problem: ${problem} (${detail}) encountered with '${subject}'`;
  if (name.length > 253) return fatal('DomainNameTooLong', 'Domain name is too long', `${name}.`);
  const labels = name.split('.');
  if (labels.some((label) => label.length === 0)) {
    return fatal('DomainLabelEmpty', 'Domain label is empty', `${name}.`);
  }
  const long = labels.find((label) => label.length > 63);
  return long === undefined ? undefined : fatal('DomainLabelTooLong', 'Domain label is too long', long);
}

/**
 * Route 53's listing key for a name: the labels reversed with a trailing dot (`jp.example.sel.`),
 * compared as ASCII. The dot matters: it sorts `a-b` before `a` when '-' < '.'.
 */
export function route53SortKey(name: string): string {
  return `${canonicalName(name).split('.').reverse().join('.')}.`;
}

/** Orders (name, type) pairs as ListResourceRecordSets does: by reversed name, then by type. */
export function compareRecordPosition(
  a: { readonly name: string; readonly type: string },
  b: { readonly name: string; readonly type: string },
): number {
  const byName = compareAscii(route53SortKey(a.name), route53SortKey(b.name));
  return byName !== 0 ? byName : compareAscii(a.type, b.type);
}

function compareAscii(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
