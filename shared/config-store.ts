/**
 * The deployed configuration as data: one JSON object in the key-store bucket, written by the
 * stack at deployment and read by the functions (and the CLI) that need the domains.
 *
 * Why an S3 object: the configuration of 1,000 domains is a few hundred kilobytes, past every
 * limit of the alternatives (a Lambda environment holds 4 KB, an SSM advanced parameter 8 KB); the
 * key-store bucket already exists, is KMS-encrypted, TLS-only and versioned, and a reader needs
 * s3:GetObject on one key. The key carries a hash of the content, so one key always holds the
 * same configuration: a reader may cache it for the life of its container, and a deployment that
 * changes the configuration changes the key in the functions' environment (so Lambda starts new
 * containers with it).
 */
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseConfig, type RotationConfig } from './config';
import { InvalidInputError } from './errors';
import { getObject } from './rotation/key-store';

/** Prefix of configuration objects in the key-store bucket (no private key is ever under it). */
export const CONFIG_OBJECT_PREFIX = 'config/';

/** Stack output naming the configuration object's key, read by the CLI. */
export const CONFIG_KEY_OUTPUT = 'ConfigurationKey';

/** Format tag of the object, so a later release can read an earlier one (or refuse it clearly). */
export const CONFIG_OBJECT_FORMAT = 'byodkim-rotation/config@1';

/** The stored object: the configuration after validation and defaults. */
export interface ConfigObject {
  readonly format: typeof CONFIG_OBJECT_FORMAT;
  readonly config: RotationConfig;
}

/** The object's body: stable JSON of the validated configuration. */
export function configObjectBody(config: RotationConfig): string {
  const object: ConfigObject = { format: CONFIG_OBJECT_FORMAT, config };
  return `${JSON.stringify(object)}\n`;
}

/** The object's key: `config/rotation-config-<first 32 hex of SHA-256 of the body>.json`. */
export function configObjectKey(body: string): string {
  const digest = createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 32);
  return `${CONFIG_OBJECT_PREFIX}rotation-config-${digest}.json`;
}

/**
 * Validates a stored object's body.
 * @throws InvalidInputError naming the object when it is not JSON, has another format or fails the schema.
 */
export function parseConfigObject(body: string, source: string): RotationConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new InvalidInputError(`The configuration object ${source} is not JSON: redeploy the stack.`, {
      cause,
    });
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== CONFIG_OBJECT_FORMAT) {
    throw new InvalidInputError(
      `The configuration object ${source} has format ${JSON.stringify(format ?? null)}, expected "${CONFIG_OBJECT_FORMAT}": deploy this release's stack, or use the release that deployed it.`,
    );
  }
  return parseConfig((raw as { config?: unknown }).config, source);
}

/** What reading the deployed configuration needs. */
export interface ConfigStoreDeps {
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * Reads and validates the deployed configuration.
 * @throws InvalidInputError when the object is absent or invalid;
 *   KeyStoreAccessDeniedError (name `AccessDenied`) when S3 refuses the read.
 */
export async function readDeployedConfig(deps: ConfigStoreDeps, key: string): Promise<RotationConfig> {
  const source = `s3://${deps.bucket}/${key}`;
  const object = await getObject(deps, key);
  if (object === undefined) {
    throw new InvalidInputError(
      `The configuration object ${source} does not exist: the stack writes it at deployment, so deploy (or redeploy) the stack.`,
    );
  }
  return parseConfigObject(object.body, source);
}

const cache = new Map<string, Promise<RotationConfig>>();

/**
 * {@link readDeployedConfig}, once per container and key: the key names immutable content, so the
 * cached value never goes stale. A failed read is forgotten, so the next invocation tries again.
 */
export function cachedDeployedConfig(deps: ConfigStoreDeps, key: string): Promise<RotationConfig> {
  const cacheKey = `${deps.bucket}/${key}`;
  let pending = cache.get(cacheKey);
  if (pending === undefined) {
    pending = readDeployedConfig(deps, key);
    cache.set(cacheKey, pending);
    pending.catch(() => cache.delete(cacheKey));
  }
  return pending;
}

/** Empties the per-container cache (tests). */
export function forgetCachedConfig(): void {
  cache.clear();
}

/**
 * Where a task gets the configuration: the value itself (tests, the CLI's `--config`) or a
 * reader of the deployed object, called once per invocation and cached per container.
 */
export type ConfigSource = RotationConfig | (() => Promise<RotationConfig>);

/** The configuration a source gives. */
export async function resolveConfig(source: ConfigSource): Promise<RotationConfig> {
  return typeof source === 'function' ? source() : source;
}

/** A source reading the deployed object `key` of `deps.bucket` (once per container). */
export function deployedConfigSource(deps: ConfigStoreDeps, key: string): () => Promise<RotationConfig> {
  return () => cachedDeployedConfig(deps, key);
}
