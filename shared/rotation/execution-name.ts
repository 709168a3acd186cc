/**
 * The name of a rotation's Step Functions execution, and the test that a name is one of a domain's.
 *
 * Step Functions takes execution names of 1 to 80 characters without white space, brackets,
 * wildcards, `" # % \ ^ | ~ ` $ & , ; : /` or control characters, and CloudWatch Logs only logs
 * executions whose names use `0-9 A-Z a-z - _` (StartExecution API reference, `name`). A name is
 * `<domain-slug>-<selector>`: the slug of a normalised domain is LDH with dots as hyphens and a
 * selector is one LDH label, so every name is in the logging-safe set. A pair too long for 80
 * characters keeps the start of the slug and adds a hash of the whole domain, so the same
 * (domain, selector) always gives the same name and two long domains never share one.
 *
 * `status`, `history`, `redrive` and `startRotation` find a domain's executions with
 * {@link isExecutionNameOf}, i.e. by this same function, never by a prefix of their own: a hashed
 * name keeps only a few characters of the slug, so a prefix test misses it.
 */
import { createHash } from 'node:crypto';
import { domainSlug, normaliseDomain } from '../dkim/domain';
import { assertValidSelector } from '../dkim/selector';

/** Step Functions' limit on execution names (StartExecution, `name`: 1–80 characters). */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/** Length of the domain hash in a shortened name (hex digits of SHA-256). */
const HASH_LENGTH = 8;

/** The name for `slug`/`selector`, with `domain` (normalised) hashed when the pair is too long. */
function nameOf(slug: string, domain: string, selector: string): string {
  const name = `${slug}-${selector}`;
  if (name.length <= MAX_EXECUTION_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(domain).digest('hex').slice(0, HASH_LENGTH);
  // Two hyphens join the three parts; a selector is at most 63 characters, so room is at least 7.
  const room = MAX_EXECUTION_NAME_LENGTH - selector.length - HASH_LENGTH - 2;
  return `${slug.slice(0, Math.max(room, 1)).replace(/-+$/, '')}-${hash}-${selector}`;
}

/**
 * `<domain-slug>-<selector>`, at most {@link MAX_EXECUTION_NAME_LENGTH} characters: a pair too long
 * keeps the start of the slug, then `-<8 hex digits of SHA-256(domain)>-<selector>`.
 * @throws InvalidInputError for an invalid domain or selector.
 */
export function executionName(domain: string, selector: string): string {
  const normalised = normaliseDomain(domain);
  return nameOf(domainSlug(normalised), normalised, assertValidSelector(selector));
}

/** The selector `text` when it is a valid one, else undefined (the selector module's own rule). */
function selectorOrNothing(text: string): string | undefined {
  try {
    return assertValidSelector(text);
  } catch {
    return undefined;
  }
}

/**
 * True when `name` is what {@link executionName} gives for `domain` and some selector. Names alone
 * can be ambiguous (`example.jp` with selector `a-1` and `example.jp.a` with `1` share
 * `example-jp-a-1`): callers that must be sure also compare the execution's input domain.
 * @throws InvalidInputError for an invalid domain.
 */
export function isExecutionNameOf(name: string, domain: string): boolean {
  const normalised = normaliseDomain(domain);
  const slug = domainSlug(normalised);
  // Every hyphen may be the one before the selector: try each suffix that is a valid selector.
  for (let at = name.indexOf('-'); at !== -1; at = name.indexOf('-', at + 1)) {
    const selector = selectorOrNothing(name.slice(at + 1));
    if (selector !== undefined && nameOf(slug, normalised, selector) === name) return true;
  }
  return false;
}
