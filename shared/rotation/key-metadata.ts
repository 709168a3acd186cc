/**
 * The key metadata contract: `dkim/<domain>/<selector>/metadata.json`, where each key's life cycle
 * stands (PENDING → ACTIVE → PREVIOUS → RETIRED, or ABANDONED) with its history. Every task reads
 * it before acting, so a re-run is a no-op or a clear error; it changes only through
 * {@link transitionKey}, under If-Match. Writers: GenerateKey (PENDING), `byodkim import` and the
 * local environment (ACTIVE or PREVIOUS), and every transition. The generic S3 reads and
 * conditional writes are in ./key-store.ts.
 */
import { z } from 'zod';
import { normaliseDomain } from '../dkim/domain';
import { InvalidInputError, KeyNotFoundError } from '../errors';
import { getObject, type KeyStoreDeps, keyPaths, updateJson } from './key-store';
import { parseStoredJson, type StoredContract } from './stored-json';

/** Life cycle of a key (modelled on Secrets Manager's PENDING / CURRENT / PREVIOUS labels). */
export const KEY_STATES = ['PENDING', 'ACTIVE', 'PREVIOUS', 'RETIRED', 'ABANDONED'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** Allowed moves. Staying in the same state is always allowed (idempotent re-run). */
export const KEY_TRANSITIONS: Readonly<Record<KeyState, readonly KeyState[]>> = {
  PENDING: ['ACTIVE', 'ABANDONED'],
  // ACTIVE → ABANDONED: a rollback after SES confirmed the new key.
  ACTIVE: ['PREVIOUS', 'ABANDONED'],
  // PREVIOUS → ACTIVE: a rollback restores the previous key.
  PREVIOUS: ['RETIRED', 'ACTIVE'],
  RETIRED: [],
  ABANDONED: [],
};

/** metadata.json of one key. */
export interface KeyMetadata {
  readonly schemaVersion: 1;
  readonly domain: string;
  readonly selector: string;
  readonly state: KeyState;
  readonly keyLength?: number;
  readonly fingerprint?: string;
  readonly createdAt: string;
  readonly certificateExpiresAt?: string;
  /** The approval whose link is live now; older links are superseded. */
  readonly openApprovalId?: string;
  /** When the DNS team was asked to revoke or remove this key's record (AUTO: when the workflow deleted it). */
  readonly retirementRequestedAt?: string;
  /** AUTO: when the workflow published this key's record through Route 53 and told the DNS team. */
  readonly publishedAt?: string;
  readonly history: readonly { readonly state: KeyState; readonly at: string; readonly reason: string }[];
}

/**
 * The stored object's shape, checked by every reader. Fields added after the first release
 * (publishedAt) and those a writer may leave out (a key imported or seeded has no
 * openApprovalId) are optional; fields no release knows are kept as they are, not refused, so
 * a read-modify-write never drops them.
 */
export const KeyMetadataSchema = z.looseObject({
  schemaVersion: z.literal(1),
  domain: z.string().min(1),
  selector: z.string().min(1),
  state: z.enum(KEY_STATES),
  keyLength: z.number().int().positive().optional(),
  fingerprint: z.string().min(1).optional(),
  createdAt: z.string().min(1),
  certificateExpiresAt: z.string().min(1).optional(),
  openApprovalId: z.string().min(1).optional(),
  retirementRequestedAt: z.string().min(1).optional(),
  publishedAt: z.string().min(1).optional(),
  history: z.array(z.looseObject({ state: z.enum(KEY_STATES), at: z.string(), reason: z.string() })),
});

const KEY_METADATA: StoredContract = {
  title: 'The key metadata',
  kind: 'key metadata',
  root: 'metadata',
  schema: KeyMetadataSchema,
};

/**
 * A metadata.json's text, checked.
 * @param source where it was read (`s3://<bucket>/<key>`), named in the error
 * @throws InvalidInputError naming `source` when it is not JSON or not key metadata
 */
export function parseKeyMetadata(body: string, source: string): KeyMetadata {
  return parseStoredJson<KeyMetadata>(KEY_METADATA, body, source);
}

/**
 * Reads a key's metadata.json; undefined when absent.
 * @throws InvalidInputError naming the object when it is not key metadata
 */
export async function readMetadata(
  deps: KeyStoreDeps,
  domain: string,
  selector: string,
): Promise<KeyMetadata | undefined> {
  const key = keyPaths(domain, selector).metadata;
  const object = await getObject(deps, key);
  return object === undefined ? undefined : parseKeyMetadata(object.body, `s3://${deps.bucket}/${key}`);
}

/** Options of {@link transitionKey}. */
export interface TransitionOptions {
  readonly at: Date;
  readonly reason: string;
  /**
   * Create the metadata in `to` when it does not exist (a key migrated from the phase-based system
   * has none). @default false
   */
  readonly createIfMissing?: boolean;
  /** Other fields to set in the same write. */
  readonly patch?: Partial<Pick<KeyMetadata, 'openApprovalId' | 'retirementRequestedAt' | 'publishedAt'>>;
}

/**
 * Moves a key to `to` under `If-Match`. Already in `to`: a no-op (idempotent). A move that
 * {@link KEY_TRANSITIONS} does not allow throws, so a re-run can never resurrect a retired key.
 */
export async function transitionKey(
  deps: KeyStoreDeps,
  domain: string,
  selector: string,
  to: KeyState,
  options: TransitionOptions,
): Promise<KeyMetadata> {
  const key = keyPaths(domain, selector).metadata;
  const result = await updateJson<KeyMetadata>(deps, key, parseKeyMetadata, (current) => {
    if (current === undefined) {
      if (!options.createIfMissing) {
        throw new KeyNotFoundError(
          `No metadata for selector ${selector} of ${domain} at s3://${deps.bucket}/${key} (CERTIFICATE_NOT_FOUND).`,
        );
      }
      const at = options.at.toISOString();
      return {
        schemaVersion: 1,
        domain: normaliseDomain(domain),
        selector,
        state: to,
        createdAt: at,
        ...options.patch,
        history: [{ state: to, at, reason: options.reason }],
      };
    }
    const patched = Object.entries(options.patch ?? {}).some(
      ([field, value]) => (current as unknown as Record<string, unknown>)[field] !== value,
    );
    if (current.state === to && !patched) return undefined;
    if (current.state !== to && !KEY_TRANSITIONS[current.state].includes(to)) {
      throw new InvalidInputError(
        `Key ${selector} of ${domain} is ${current.state} and cannot become ${to}: start a new rotation instead.`,
      );
    }
    return {
      ...current,
      ...options.patch,
      state: to,
      history:
        current.state === to
          ? current.history
          : [...current.history, { state: to, at: options.at.toISOString(), reason: options.reason }],
    };
  });
  if (result === undefined) throw new KeyNotFoundError(`Metadata of ${selector} vanished while updating it.`);
  return result;
}
