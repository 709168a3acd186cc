/** A sample rotation shared by the task tests: one domain, an old external key, a new selector. */
import { createDkimCertificate } from '../../../shared/dkim/certificate';
import { type DkimKeyPair, generateDkimKeyPair, privateKeyToPem } from '../../../shared/dkim/keys';
import type { KeyMetadata } from '../../../shared/rotation/key-metadata';
import { keyPaths } from '../../../shared/rotation/key-store';
import type { RotationPlan, RotationState } from '../../../shared/rotation/state';
import type { FakeS3 } from './fakes';

export const DOMAIN = 'mail.example.jp';
export const OLD_SELECTOR = 'gooid-21-pro-20250801-1';
export const NEW_SELECTOR = 'gooid-21-pro-20261120-1';
export const REGION = 'ap-northeast-1';

export function plan(overrides: Partial<RotationPlan> = {}): RotationPlan {
  return {
    domain: DOMAIN,
    selector: NEW_SELECTOR,
    executionName: `mail-example-jp-${NEW_SELECTOR}`,
    requestedBy: 'test',
    startedAt: '2026-11-20T00:30:00.000Z',
    regions: [REGION],
    keyLength: 1024,
    certificateValidityDays: 456,
    language: 'both',
    rotationMode: 'MANUAL',
    reminderAfterSeconds: 72 * 3600,
    maxReminders: 3,
    retentionSeconds: 7 * 86_400,
    ...overrides,
  };
}

export function state(
  overrides: Partial<RotationState> = {},
  planOverrides: Partial<RotationPlan> = {},
): RotationState {
  return {
    plan: plan(planOverrides),
    previous: [{ region: REGION, origin: 'EXTERNAL', selector: OLD_SELECTOR }],
    reminders: { count: 0 },
    ...overrides,
  };
}

export function keyReference(selector = NEW_SELECTOR) {
  const paths = keyPaths(DOMAIN, selector);
  return {
    privateKeyKey: paths.privateKey,
    certificateKey: paths.certificate,
    metadataKey: paths.metadata,
    fingerprint: 'SHA256:00',
    certificateExpiresAt: '2028-02-19T00:30:00.000Z',
    reused: false,
  };
}

let cached: Promise<DkimKeyPair[]> | undefined;
/** Two 1024-bit key pairs (fast), generated once per test file. */
export function keyPairs(): Promise<DkimKeyPair[]> {
  cached ??= Promise.all([generateDkimKeyPair(1024), generateDkimKeyPair(1024)]);
  return cached;
}

/** Stores a key and its metadata in the fake S3, as GenerateKey would have. */
export function seedKey(
  s3: FakeS3,
  selector: string,
  pair: DkimKeyPair,
  keyState: KeyMetadata['state'],
): void {
  const paths = keyPaths(DOMAIN, selector);
  s3.seed(paths.privateKey, privateKeyToPem(pair.privateKey));
  const metadata: KeyMetadata = {
    schemaVersion: 1,
    domain: DOMAIN,
    selector,
    state: keyState,
    createdAt: '2025-08-01T00:00:00.000Z',
    history: [{ state: keyState, at: '2025-08-01T00:00:00.000Z', reason: 'seeded' }],
  };
  s3.seed(paths.metadata, JSON.stringify(metadata));
}

/** Stores the certificate of a seeded key (what ConfirmRollback and RetireOldKey read its public key from). */
export async function seedCertificate(s3: FakeS3, selector: string, pair: DkimKeyPair): Promise<void> {
  const certificate = await createDkimCertificate({
    keyPair: pair,
    domain: DOMAIN,
    selector,
    now: new Date('2025-08-01T00:00:00Z'),
  });
  s3.seed(keyPaths(DOMAIN, selector).certificate, certificate.pem);
}

export function metadataOf(s3: FakeS3, selector: string): KeyMetadata {
  return s3.json<KeyMetadata>(keyPaths(DOMAIN, selector).metadata);
}
