import { createPublicKey, type KeyObject } from 'node:crypto';

/** Something that was written during a run: a state's input or output, a log line, a notification, the template. */
export interface ScannedDocument {
  /** Where it came from, e.g. `history:GenerateKey:output`, `log`, `notification:1`, `template`. */
  readonly source: string;
  readonly text: string;
  /**
   * Text people read as it is (a notification, a Fail cause): AWS identifiers are leaks there too.
   * Other documents legitimately hold ARNs (history holds execution ARNs, the template role ARNs).
   * @default false
   */
  readonly shownToPeople?: boolean;
}

/** What the scan looks for, as the summary lists it (`leaks.kinds`). */
export const LEAK_KINDS = ['private-key', 'task-token', 'aws-identifier'] as const;

/** One of {@link LEAK_KINDS}. */
export type LeakKind = (typeof LEAK_KINDS)[number];

/** What must never appear in those documents. */
export interface LeakSecrets {
  /** Every private key generated or used in the run. */
  readonly privateKeys: readonly KeyObject[];
  /** Every task token minted in the run. */
  readonly taskTokens: readonly string[];
}

/** One leak: where, and what kind of secret (never the secret itself). */
export interface LeakFinding {
  readonly source: string;
  readonly kind: 'pem-private-key' | 'private-key-base64' | 'task-token' | 'aws-identifier';
}

/** The leak scan's result, as the JSON summary reports it. */
export interface LeakReport {
  readonly scanned: number;
  readonly found: number;
  /** What was looked for: {@link LEAK_KINDS}. */
  readonly kinds: readonly LeakKind[];
  readonly findings: readonly LeakFinding[];
}

const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/**
 * An ARN (any partition) or a 12-digit account id standing alone. Deliberately not the
 * sanitiser's own patterns: the scan checks the sanitiser's work, so it must not share its blind
 * spots. "Standing alone" means not inside a longer token of letters and digits: a random hex id
 * (an approval id) holds 12 digits in a row about once in a hundred, and is no account id.
 */
const AWS_IDENTIFIER = /arn:aws[a-z-]*:|(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])/;
/**
 * UUIDs are not account ids even when their last group (12 hex characters) happens to be all
 * digits, once in about 280: an approval link names the secret's version by its VersionId, a UUID.
 */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** A 64-character PEM line is long enough to be unique to one key and short enough to catch fragments. */
const FRAGMENT_LENGTH = 64;

/**
 * Distinctive fragments of a private key in every encoding we produce (PKCS#1 and PKCS#8 DER,
 * base64). Fragments that also occur in the public key's encodings (the modulus is in both) are
 * dropped, so publishing the public key is never reported.
 */
function keyFragments(privateKey: KeyObject): string[] {
  const publicKey = createPublicKey(privateKey);
  const publicForms = (['spki', 'pkcs1'] as const)
    .map((type) => publicKey.export({ type, format: 'der' }).toString('base64'))
    .join(' ');
  const fragments: string[] = [];
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    const base64 = privateKey.export({ type, format: 'der' }).toString('base64');
    // Skip the first line: its ASN.1 header is shared by every key of the same size.
    for (let start = FRAGMENT_LENGTH; start + FRAGMENT_LENGTH <= base64.length; start += FRAGMENT_LENGTH) {
      const fragment = base64.slice(start, start + FRAGMENT_LENGTH);
      if (!publicForms.includes(fragment)) fragments.push(fragment);
    }
  }
  return fragments;
}

/**
 * Scans every document for private key material (PEM armor, or any 64-character fragment of the
 * base64 DER of a key used in the run, in PKCS#1 or PKCS#8 form) and for task tokens, and the
 * documents shown to people (notifications, Fail causes) for AWS identifiers too: an ARN or a
 * 12-digit account id. Returns where each leak is, never the secret. Invariant 4 of
 * ARCHITECTURE.md and the sanitiser (shared/sanitise.ts), measured.
 */
export function scanForLeaks(documents: readonly ScannedDocument[], secrets: LeakSecrets): LeakReport {
  const fragments = secrets.privateKeys.flatMap(keyFragments);
  const tokens = secrets.taskTokens.filter((token) => token.length > 0);
  const findings: LeakFinding[] = [];
  for (const document of documents) {
    const unescaped = document.text.replace(/\\n/g, '\n').replace(/\\\//g, '/');
    if (PEM_PRIVATE_KEY.test(unescaped)) findings.push({ source: document.source, kind: 'pem-private-key' });
    const compact = unescaped.replace(/\s+/g, '');
    if (fragments.some((fragment) => compact.includes(fragment))) {
      findings.push({ source: document.source, kind: 'private-key-base64' });
    }
    if (tokens.some((token) => document.text.includes(token) || unescaped.includes(token))) {
      findings.push({ source: document.source, kind: 'task-token' });
    }
    if (document.shownToPeople === true && AWS_IDENTIFIER.test(unescaped.replace(UUID, '<uuid>'))) {
      findings.push({ source: document.source, kind: 'aws-identifier' });
    }
  }
  return { scanned: documents.length, found: findings.length, kinds: [...LEAK_KINDS], findings };
}
