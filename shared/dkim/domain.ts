import { domainToASCII, domainToUnicode } from 'node:url';
import { InvalidInputError } from '../errors';
import { printable } from '../sanitise';

/** Longest domain name in presentation form, without the trailing dot (RFC 1035 §2.3.4). */
export const MAX_DOMAIN_NAME_LENGTH = 253;
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * What a domain as written may contain: letters, digits and combining marks of any script (an
 * internationalised name), hyphens, and label separators — the ASCII dot and the full stops UTS #46
 * reads as one (。．｡). Anything else (`/`, `%`, `:`, `@`, `#`, spaces, `_`, control and invisible
 * characters) is refused rather than handed to the URL parser, which treats `example.jp/..` as a
 * host and a path and decodes `ex%41mple.jp`, silently turning both into `example.jp`.
 */
const ALLOWED_CHARACTER = /^[\p{L}\p{M}\p{N}.\u3002\uFF0E\uFF61-]$/u;
const LABEL_SEPARATORS = /[.\u3002\uFF0E\uFF61]/g;

/** How the input is shown in an error: escaped (no line breaks, no invisible text) and cut short. */
const shown = (input: string): string => `"${printable(input, 80)}"`;

/**
 * Validates a mail domain and returns its canonical form: lower case, A-labels for
 * internationalised names (UTS #46 via Node's WHATWG URL implementation), no trailing dot. Only
 * the changes UTS #46 shares with Unicode compatibility normalisation (case, full-width forms) are
 * accepted; a name the conversion would otherwise change (characters dropped or rewritten) is
 * refused, so the domain acted on is always the domain written.
 *
 * @throws InvalidInputError naming the domain (escaped) and the rule it breaks.
 */
export function normaliseDomain(input: string): string {
  const trimmed = input.replace(/^ +| +$/g, '').replace(/\.$/, '');
  if (trimmed === '') throw new InvalidInputError('Domain is empty: give a mail domain such as example.jp.');
  const offending = [...trimmed].findIndex((char) => !ALLOWED_CHARACTER.test(char));
  if (offending >= 0) {
    const char = [...trimmed][offending] ?? '';
    throw new InvalidInputError(
      `Domain ${shown(input)} contains ${shown(char)} (character ${offending + 1}): a domain name has letters, digits, hyphens and dots only.`,
    );
  }
  const ascii = domainToASCII(trimmed).toLowerCase();
  if (ascii === '') {
    throw new InvalidInputError(
      `Domain ${shown(input)} is not a valid domain name (IDNA conversion failed).`,
    );
  }
  const written = trimmed.split(LABEL_SEPARATORS);
  const labels = ascii.split('.');
  if (written.length !== labels.length || written.some((label, i) => !sameLabel(label, labels[i] ?? ''))) {
    throw new InvalidInputError(
      `Domain ${shown(input)} would be changed by IDNA into "${printable(ascii, 80)}": write the domain exactly as it is registered.`,
    );
  }
  if (labels.length < 2) {
    throw new InvalidInputError(
      `Domain ${shown(input)} has a single label: give the full mail domain, e.g. example.jp.`,
    );
  }
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH) {
      throw new InvalidInputError(
        `Domain ${shown(input)} has a label longer than ${MAX_LABEL_LENGTH} octets: "${printable(label, 80)}".`,
      );
    }
    if (!LDH_LABEL.test(label)) {
      throw new InvalidInputError(
        `Domain ${shown(input)} has an invalid label "${printable(label, 80)}": use letters, digits and inner hyphens only.`,
      );
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    throw new InvalidInputError(
      `Domain ${shown(input)} ends in a numeric label: an IP address is not a mail domain.`,
    );
  }
  if (ascii.length > MAX_DOMAIN_NAME_LENGTH) {
    throw new InvalidInputError(`Domain ${shown(input)} is longer than ${MAX_DOMAIN_NAME_LENGTH} octets.`);
  }
  return ascii;
}

/**
 * True when `converted` (an ASCII label) is `written` up to what Unicode compatibility
 * normalisation and lower-casing do: an ASCII label must come back the same, an internationalised
 * one must decode back to the same text. Catches the characters UTS #46 drops or rewrites silently
 * (variation selectors, …).
 */
function sameLabel(written: string, converted: string): boolean {
  const canonical = written.normalize('NFKC').toLowerCase();
  if (!/[^ -~]/.test(canonical)) return canonical === converted;
  return domainToUnicode(converted) === canonical;
}

/**
 * A short, stable, name-safe form of a domain for execution names and resource ids:
 * `mail.example.jp` → `mail-example-jp`.
 */
export function domainSlug(domain: string): string {
  return normaliseDomain(domain).replace(/\./g, '-');
}
