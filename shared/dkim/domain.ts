import { domainToASCII } from 'node:url';
import { InvalidInputError } from '../errors';

/** Longest domain name in presentation form, without the trailing dot (RFC 1035 §2.3.4). */
export const MAX_DOMAIN_NAME_LENGTH = 253;
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Validates a mail domain and returns its canonical form: lower case, A-labels for
 * internationalised names (UTS #46 via Node's WHATWG URL implementation), no trailing dot.
 *
 * @throws InvalidInputError naming the domain and the rule it breaks.
 */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '') throw new InvalidInputError('Domain is empty: give a mail domain such as example.jp.');
  const ascii = domainToASCII(trimmed).toLowerCase();
  if (ascii === '') {
    throw new InvalidInputError(`Domain "${input}" is not a valid domain name (IDNA conversion failed).`);
  }
  const labels = ascii.split('.');
  if (labels.length < 2) {
    throw new InvalidInputError(
      `Domain "${input}" has a single label: give the full mail domain, e.g. example.jp.`,
    );
  }
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH) {
      throw new InvalidInputError(
        `Domain "${input}" has a label longer than ${MAX_LABEL_LENGTH} octets: "${label}".`,
      );
    }
    if (!LDH_LABEL.test(label)) {
      throw new InvalidInputError(
        `Domain "${input}" has an invalid label "${label}": use letters, digits and inner hyphens only.`,
      );
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) {
    throw new InvalidInputError(
      `Domain "${input}" ends in a numeric label: an IP address is not a mail domain.`,
    );
  }
  if (ascii.length > MAX_DOMAIN_NAME_LENGTH) {
    throw new InvalidInputError(`Domain "${input}" is longer than ${MAX_DOMAIN_NAME_LENGTH} octets.`);
  }
  return ascii;
}

/**
 * A short, stable, name-safe form of a domain for execution names and resource ids:
 * `mail.example.jp` → `mail-example-jp`.
 */
export function domainSlug(domain: string): string {
  return normaliseDomain(domain).replace(/\./g, '-');
}
