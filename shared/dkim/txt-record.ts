import type { KeyObject } from 'node:crypto';
import { InvalidInputError } from '../errors';
import { describeDifference } from '../sanitise';

/** Longest DNS character-string, in octets (RFC 1035 §3.3). */
export const MAX_CHARACTER_STRING_OCTETS = 255;

/** The base64 SubjectPublicKeyInfo of a public key: the `p=` value of its DKIM record. */
export function publicKeyBase64(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** The DKIM key record for a public key: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`. */
export function dkimTxtValue(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidInputError(`DKIM records here carry RSA keys, not ${publicKey.asymmetricKeyType}.`);
  }
  return `v=DKIM1; k=rsa; p=${publicKeyBase64(publicKey)}`;
}

/**
 * Splits a TXT value into character-strings of at most `maxOctets` octets (255 in DNS), in order.
 * A verifier joins them with nothing in between (RFC 6376 §3.6.2.2), so any split point is valid.
 * @throws InvalidInputError for characters outside printable ASCII, which DKIM records never need.
 */
export function splitCharacterStrings(
  value: string,
  maxOctets: number = MAX_CHARACTER_STRING_OCTETS,
): string[] {
  if (!/^[\x20-\x7e]*$/.test(value)) {
    throw new InvalidInputError('A DKIM TXT value must be printable ASCII.');
  }
  if (!Number.isInteger(maxOctets) || maxOctets < 1 || maxOctets > MAX_CHARACTER_STRING_OCTETS) {
    throw new InvalidInputError(
      `A character-string holds 1 to ${MAX_CHARACTER_STRING_OCTETS} octets, not ${maxOctets}.`,
    );
  }
  const strings: string[] = [];
  for (let start = 0; start < value.length; start += maxOctets)
    strings.push(value.slice(start, start + maxOctets));
  return strings.length > 0 ? strings : [''];
}

/** Joins the character-strings of one TXT record as a DKIM verifier does: no separator. */
export function joinCharacterStrings(strings: readonly (string | Uint8Array)[]): string {
  return strings
    .map((part) => (typeof part === 'string' ? part : Buffer.from(part).toString('latin1')))
    .join('');
}

function quoteCharacterString(part: string): string {
  return `"${part.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** Options of {@link zoneFileLine}. */
export interface ZoneFileLineOptions {
  /** TTL in seconds. @default 3600 */
  readonly ttl?: number;
}

/**
 * One zone-file line (RFC 1035 master file format) for the record, its value in quoted 255-octet
 * strings: `sel._domainkey.example.jp. 3600 IN TXT "v=DKIM1; k=rsa; p=MIIB…" "…"`.
 */
export function zoneFileLine(recordName: string, value: string, options: ZoneFileLineOptions = {}): string {
  const ttl = options.ttl ?? 3600;
  const strings = splitCharacterStrings(value).map(quoteCharacterString).join(' ');
  return `${recordName.replace(/\.?$/, '.')} ${ttl} IN TXT ${strings}`;
}

/**
 * The TXT `Value` Route 53 (and most DNS APIs) take: each 255-octet string quoted, separated by a
 * space (Route 53 Developer Guide, "TXT record type").
 */
export function route53TxtValue(value: string): string {
  return splitCharacterStrings(value).map(quoteCharacterString).join(' ');
}

/** A parsed DKIM key record (RFC 6376 §3.6.1). */
export interface DkimKeyRecord {
  /** `v=`, when present (always `DKIM1`). */
  readonly version?: string;
  /** `k=`, `rsa` when absent. */
  readonly keyType: string;
  /** `p=` with whitespace removed; empty means the key is revoked. */
  readonly publicKey: string;
  /** `t=` flags (`y` testing, `s` strict). */
  readonly flags: readonly string[];
  /** `h=` acceptable hash algorithms, undefined when absent (all allowed). */
  readonly hashAlgorithms?: readonly string[];
  /** `s=` service types, `*` when absent. */
  readonly serviceTypes: readonly string[];
}

const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const WHITESPACE = /[ \t\r\n]+/g;

/**
 * Parses a tag-list (RFC 6376 §3.2): `tag=value` pairs split by `;`, whitespace around names and
 * values ignored, empty specs skipped, a repeated tag invalid.
 * @throws InvalidInputError describing the first syntax error by position, never quoting the text
 * (it usually comes from a name server: see checkDkimRecords).
 */
export function parseTagList(text: string): Map<string, string> {
  const tags = new Map<string, string>();
  let position = 0;
  for (const spec of text.split(';')) {
    // RFC 6376 allows one trailing ";"; an empty spec elsewhere (";;") is harmless and every major
    // verifier skips it, so we do too rather than block a rotation on it.
    if (spec.trim() === '') continue;
    position += 1;
    const equals = spec.indexOf('=');
    if (equals < 0) throw new InvalidInputError(`tag ${position} is not tag=value`);
    const name = spec.slice(0, equals).trim();
    const value = spec.slice(equals + 1).trim();
    if (!TAG_NAME.test(name)) throw new InvalidInputError(`tag ${position} has an invalid name`);
    if (tags.has(name)) throw new InvalidInputError(`tag ${position} repeats an earlier tag`);
    tags.set(name, value);
  }
  return tags;
}

/**
 * Parses a DKIM key record's text (the joined character-strings) per RFC 6376 §3.6.1.
 * @throws InvalidInputError when it is not a valid key record.
 */
export function parseDkimKeyRecord(text: string): DkimKeyRecord {
  const tags = parseTagList(text);
  const version = tags.get('v');
  if (version !== undefined) {
    if (version !== 'DKIM1') throw new InvalidInputError('v= is not DKIM1');
    if (tags.keys().next().value !== 'v') throw new InvalidInputError('v=DKIM1 must be the first tag');
  }
  const publicKey = tags.get('p');
  if (publicKey === undefined) throw new InvalidInputError('the record has no p= tag');
  const list = (value: string | undefined, separator: string): string[] | undefined =>
    value === undefined
      ? undefined
      : value
          .split(separator)
          .map((item) => item.trim())
          .filter((item) => item !== '');
  return {
    ...(version === undefined ? {} : { version }),
    keyType: tags.get('k') ?? 'rsa',
    publicKey: publicKey.replace(WHITESPACE, ''),
    flags: list(tags.get('t'), ':') ?? [],
    ...(tags.has('h') ? { hashAlgorithms: list(tags.get('h'), ':') ?? [] } : {}),
    serviceTypes: list(tags.get('s'), ':') ?? ['*'],
  };
}

/** Why a served DKIM record does not carry the expected key. */
export type DkimMismatchReason =
  | 'different-key'
  | 'testing-flag'
  | 'revoked'
  | 'multiple-records'
  | 'key-type'
  | 'hash-algorithms'
  | 'service-type'
  | 'malformed';

/** The outcome of comparing one name server's TXT answer with the expected key. */
export type DkimRecordCheck =
  | { readonly result: 'match'; readonly detail: string }
  | { readonly result: 'missing'; readonly detail: string }
  | { readonly result: 'mismatch'; readonly reason: DkimMismatchReason; readonly detail: string };

/** True when a TXT record's text looks like a DKIM key record (so a typo in it is reported). */
function looksLikeDkimRecord(text: string): boolean {
  return /^\s*v\s*=\s*DKIM/i.test(text) || /(^|;)\s*p\s*=/.test(text);
}

/**
 * Compares the TXT records served at a selector's name with the key we expect there.
 *
 * `records` holds one entry per TXT record, each the array of its character-strings, as a DNS
 * answer carries them. Non-DKIM TXT records are ignored; more than one DKIM record is ambiguous
 * (RFC 6376 §3.6.2.2 leaves the choice to each verifier) and never a match.
 */
export function checkDkimRecords(
  records: readonly (readonly (string | Uint8Array)[])[],
  expectedPublicKey: KeyObject,
): DkimRecordCheck {
  const candidates = records.map(joinCharacterStrings).filter(looksLikeDkimRecord);
  if (candidates.length === 0) {
    const others = records.length === 0 ? '' : ` (${records.length} other TXT record(s) ignored)`;
    return { result: 'missing', detail: `no DKIM record${others}` };
  }
  if (candidates.length > 1) {
    return {
      result: 'mismatch',
      reason: 'multiple-records',
      detail: `${candidates.length} DKIM records at this name: keep exactly one`,
    };
  }
  return compareKeyRecord(candidates[0] ?? '', expectedPublicKey);
}

function compareKeyRecord(text: string, expectedPublicKey: KeyObject): DkimRecordCheck {
  // Details never quote the record (a name server's operator writes it, and details reach mail and
  // Fail causes): they say what is wrong in our words, with lengths and where the text differs.
  const differs = () => `(record: ${describeDifference(text, dkimTxtValue(expectedPublicKey))})`;
  let record: DkimKeyRecord;
  try {
    record = parseDkimKeyRecord(text);
  } catch (error) {
    return {
      result: 'mismatch',
      reason: 'malformed',
      detail: `malformed DKIM record, ${(error as Error).message} ${differs()}`,
    };
  }
  if (record.keyType !== 'rsa') {
    return { result: 'mismatch', reason: 'key-type', detail: `k= is not rsa ${differs()}` };
  }
  if (record.publicKey === '') {
    return { result: 'mismatch', reason: 'revoked', detail: 'p= is empty: the key is revoked' };
  }
  const expected = publicKeyBase64(expectedPublicKey);
  if (record.publicKey !== expected) {
    return {
      result: 'mismatch',
      reason: 'different-key',
      detail: `another key: p= differs (${describeDifference(record.publicKey, expected)})`,
    };
  }
  if (record.flags.includes('y')) {
    return { result: 'mismatch', reason: 'testing-flag', detail: 't=y (testing) is set: remove it' };
  }
  if (record.hashAlgorithms && !record.hashAlgorithms.includes('sha256')) {
    return {
      result: 'mismatch',
      reason: 'hash-algorithms',
      detail: `h= excludes sha256, which SES signs with ${differs()}`,
    };
  }
  if (!record.serviceTypes.includes('*') && !record.serviceTypes.includes('email')) {
    return {
      result: 'mismatch',
      reason: 'service-type',
      detail: `s= excludes email ${differs()}`,
    };
  }
  return { result: 'match', detail: 'the exact key is published' };
}
