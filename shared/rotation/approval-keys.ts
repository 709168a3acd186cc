/**
 * The approval signing keys: the versions of the Secrets Manager secret that sign and verify
 * approval links.
 *
 * - AWSCURRENT signs every new link, and the link names its VersionId (`kv=`), so a rotation
 *   never leaves a container checking a link against the wrong key.
 * - AWSPREVIOUS still verifies: links already in the DNS team's mailbox keep working through one
 *   rotation. To revoke a leaked key, rotate twice (or take the AWSPREVIOUS label off it).
 * - Each container re-reads both after {@link APPROVAL_KEYS_TTL_MS}, so a rotation reaches every
 *   warm container within that time instead of never.
 * - A value under {@link MIN_APPROVAL_SECRET_BYTES} bytes is refused: a short HMAC key can be
 *   guessed, and every link signed with it forged.
 *
 * GetSecretValue defaults to AWSCURRENT and answers ResourceNotFoundException for a staging label
 * no version carries (Secrets Manager API Reference, GetSecretValue) — AWSPREVIOUS before the
 * first rotation.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Secret } from '../dkim/secret';
import { InvalidInputError } from '../errors';
import { callAws } from './aws-errors';

/** Shortest approval secret accepted: 256 bits, the HMAC-SHA256 block of security. */
export const MIN_APPROVAL_SECRET_BYTES = 32;

/** How long a container keeps the keys before reading them again. */
export const APPROVAL_KEYS_TTL_MS = 5 * 60_000;

/** One version of the signing secret. */
export interface ApprovalKey {
  /** Secrets Manager's VersionId: carried by the link as `kv`. */
  readonly version: string;
  readonly secret: Secret;
}

/** The keys in force: `current` signs; both verify. */
export interface ApprovalKeys {
  readonly current: ApprovalKey;
  readonly previous?: ApprovalKey;
}

/** The key with this VersionId, when it is current or previous. */
export function keyByVersion(keys: ApprovalKeys, version: string): ApprovalKey | undefined {
  return [keys.current, keys.previous].find((key) => key !== undefined && key.version === version);
}

/** Checks a secret value's length. @throws InvalidInputError naming the version, never the value */
export function assertStrongSecret(value: string, version: string): Secret {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes < MIN_APPROVAL_SECRET_BYTES) {
    throw new InvalidInputError(
      `The approval signing secret (version ${version}) is ${bytes} bytes; at least ${MIN_APPROVAL_SECRET_BYTES} random bytes are required, or approval links could be forged. Put a new value (e.g. openssl rand -base64 48) with aws secretsmanager put-secret-value.`,
    );
  }
  return new Secret(value);
}

function isMissingStage(error: unknown): boolean {
  return (error as Error).name === 'ResourceNotFoundException';
}

/** Reads AWSCURRENT (required, strong) and AWSPREVIOUS (when it exists and is strong). */
export async function readApprovalKeys(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<ApprovalKeys> {
  const read = (stage: 'AWSCURRENT' | 'AWSPREVIOUS') =>
    callAws(`Secrets Manager GetSecretValue ${stage}`, () =>
      client.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage })),
    );
  const current = await read('AWSCURRENT');
  const currentVersion = current.VersionId ?? 'AWSCURRENT';
  const keys: { current: ApprovalKey; previous?: ApprovalKey } = {
    current: {
      version: currentVersion,
      secret: assertStrongSecret(current.SecretString ?? '', currentVersion),
    },
  };
  try {
    const previous = await read('AWSPREVIOUS');
    const version = previous.VersionId ?? 'AWSPREVIOUS';
    // A weak previous value is not an outage: links signed with it are simply refused.
    if (Buffer.byteLength(previous.SecretString ?? '', 'utf8') >= MIN_APPROVAL_SECRET_BYTES) {
      keys.previous = { version, secret: new Secret(previous.SecretString ?? '') };
    }
  } catch (error) {
    if (!isMissingStage(error)) throw error;
  }
  return keys;
}

/** Options of {@link approvalKeysFrom}. */
export interface ApprovalKeysCacheOptions {
  /** @default APPROVAL_KEYS_TTL_MS */
  readonly ttlMs?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * The keys, read on first use and again once `ttlMs` passed. A failed read is not kept, so the
 * next request tries again.
 */
export function approvalKeysFrom(
  secretArn: string,
  client: SecretsManagerClient,
  options: ApprovalKeysCacheOptions = {},
): () => Promise<ApprovalKeys> {
  const ttlMs = options.ttlMs ?? APPROVAL_KEYS_TTL_MS;
  const now = options.now ?? Date.now;
  let cached: { keys: Promise<ApprovalKeys>; readAt: number } | undefined;
  return () => {
    if (cached === undefined || now() - cached.readAt >= ttlMs) {
      const entry = { keys: readApprovalKeys(client, secretArn), readAt: now() };
      entry.keys.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.keys;
  };
}
