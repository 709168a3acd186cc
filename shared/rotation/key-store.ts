/**
 * The S3 key store (ARCHITECTURE "S3 layout").
 *
 * ```
 * dkim/<domain>/<selector>/private-key.pem   written once (If-None-Match: *), never overwritten
 * dkim/<domain>/<selector>/certificate.pem   written once
 * dkim/<domain>/<selector>/metadata.json     state, updated only with If-Match on its ETag
 * dns-requests/<domain>/<selector>.json      written once
 * approvals/<approval-id>.json               written once, then updated with If-Match
 * ```
 * Objects are created with `IfNoneMatch: '*'`, so a retry or a redrive can never replace a key
 * already sent to DNS; state changes use `IfMatch` so two writers cannot both win. This file holds
 * the paths and the generic reads and conditional writes; the JSON objects' contracts (schema,
 * reader, changes) are ./key-metadata.ts, ./dns-request.ts and ./approvals.ts.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { normaliseDomain } from '../dkim/domain';
import { assertValidSelector } from '../dkim/selector';
import { InvalidInputError, KeyNotFoundError } from '../errors';
import { callAws, httpStatusOf } from './aws-errors';

/** S3 keys of one selector's objects. */
export interface KeyPaths {
  readonly privateKey: string;
  readonly certificate: string;
  readonly metadata: string;
}

/** The S3 keys of a selector's key, certificate and metadata. */
export function keyPaths(domain: string, selector: string): KeyPaths {
  const base = `dkim/${normaliseDomain(domain)}/${assertValidSelector(selector)}`;
  return {
    privateKey: `${base}/private-key.pem`,
    certificate: `${base}/certificate.pem`,
    metadata: `${base}/metadata.json`,
  };
}

/** The S3 key of a selector's DNS request. */
export function dnsRequestPath(domain: string, selector: string): string {
  return `dns-requests/${normaliseDomain(domain)}/${assertValidSelector(selector)}.json`;
}

/** A stored object's text and ETag. */
export interface StoredObject {
  readonly body: string;
  readonly etag: string;
}

/** The bucket and client the store works with. */
export interface KeyStoreDeps {
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * S3 refused a read. Keeps S3's error name (`AccessDenied`, what the workflow and operators see)
 * and says which permissions can cause it: S3 answers a missing object with 403, not 404, to a
 * caller that may not s3:ListBucket the bucket (S3 API Reference, GetObject, "Permissions"), so a
 * 403 is never taken for "absent".
 */
export class KeyStoreAccessDeniedError extends Error {
  override readonly name = 'AccessDenied';

  constructor(bucket: string, key: string, options: { cause: unknown }) {
    super(
      `S3 denied GetObject of s3://${bucket}/${key}. The function's role needs s3:GetObject on it and kms:Decrypt on the bucket's key, and s3:ListBucket on the bucket if the object may not exist yet (without it S3 answers 403 instead of 404).`,
      options,
    );
  }
}

/** Reads an object; undefined when it does not exist. @throws KeyStoreAccessDeniedError on 403 */
export async function getObject(deps: KeyStoreDeps, key: string): Promise<StoredObject | undefined> {
  try {
    const output = await callAws(`S3 GetObject ${key}`, () =>
      deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key })),
    );
    const body = (await output.Body?.transformToString('utf8')) ?? '';
    return { body, etag: output.ETag ?? '' };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound' || httpStatusOf(error) === 404) return undefined;
    if (name === 'AccessDenied' || httpStatusOf(error) === 403) {
      throw new KeyStoreAccessDeniedError(deps.bucket, key, { cause: error });
    }
    throw error;
  }
}

/** Reads an object that must exist. @throws KeyNotFoundError naming it. */
export async function getRequiredObject(
  deps: KeyStoreDeps,
  key: string,
  what: string,
): Promise<StoredObject> {
  const object = await getObject(deps, key);
  if (object === undefined) {
    throw new KeyNotFoundError(
      `${what} is missing from s3://${deps.bucket}/${key} (CERTIFICATE_NOT_FOUND): restore it or start a new rotation.`,
    );
  }
  return object;
}

function isPreconditionFailed(error: unknown): boolean {
  return (error as Error).name === 'PreconditionFailed' || httpStatusOf(error) === 412;
}

/**
 * S3's 409 ConditionalRequestConflict: another write of the same key was in flight while ours was
 * evaluated. For an If-Match write AWS says to fetch the object's ETag and retry (S3 API Reference,
 * PutObject `If-Match`): it is a lost race, like a 412, not a service fault. `callAws` may already
 * have wrapped it as transient, so the cause is looked at too.
 */
export function isConditionalConflict(error: unknown): boolean {
  const candidates = [error, (error as { cause?: unknown } | undefined)?.cause];
  return candidates.some(
    (candidate) =>
      typeof candidate === 'object' &&
      candidate !== null &&
      ((candidate as Error).name === 'ConditionalRequestConflict' || httpStatusOf(candidate) === 409),
  );
}

/**
 * Creates an object only if it does not exist yet (`If-None-Match: *`).
 * @returns `created`, or `exists` when an earlier writer got there first (nothing is replaced).
 */
export async function putIfAbsent(
  deps: KeyStoreDeps,
  key: string,
  body: string,
  contentType: string,
): Promise<'created' | 'exists'> {
  try {
    await callAws(`S3 PutObject ${key}`, () =>
      deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: '*',
        }),
      ),
    );
    return 'created';
  } catch (error) {
    if (isPreconditionFailed(error)) return 'exists';
    throw error;
  }
}

/**
 * Replaces an object only if it still has `etag` (`If-Match`).
 * @returns false when it changed: 412 PreconditionFailed, or 409 ConditionalRequestConflict (a
 * concurrent write won while ours was in flight). Either way the caller re-reads and decides again.
 */
export async function putIfMatch(
  deps: KeyStoreDeps,
  key: string,
  body: string,
  etag: string,
  contentType = 'application/json',
): Promise<boolean> {
  try {
    await callAws(`S3 PutObject ${key}`, () =>
      deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfMatch: etag,
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isPreconditionFailed(error) || isConditionalConflict(error)) return false;
    throw error;
  }
}

const MAX_CONDITIONAL_ATTEMPTS = 5;

/**
 * Read-modify-write of a JSON object under `If-Match`, re-reading when another writer won.
 * `parse` checks the stored text (`source` is `s3://<bucket>/<key>`, for its errors); `change`
 * returns the new value, or undefined to leave the object as it is.
 * @returns the value stored at the end.
 */
export async function updateJson<T>(
  deps: KeyStoreDeps,
  key: string,
  parse: (body: string, source: string) => T,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < MAX_CONDITIONAL_ATTEMPTS; attempt++) {
    const current = await getObject(deps, key);
    const value = current === undefined ? undefined : parse(current.body, `s3://${deps.bucket}/${key}`);
    const next = change(value);
    if (next === undefined) return value;
    const body = `${JSON.stringify(next, null, 2)}\n`;
    const written =
      current === undefined
        ? (await putIfAbsent(deps, key, body, 'application/json')) === 'created'
        : await putIfMatch(deps, key, body, current.etag);
    if (written) return next;
  }
  throw new InvalidInputError(`s3://${deps.bucket}/${key} kept changing under us; run the step again.`);
}

/** Every selector that has objects under `dkim/<domain>/`. */
export async function listSelectors(deps: KeyStoreDeps, domain: string): Promise<string[]> {
  const prefix = `dkim/${normaliseDomain(domain)}/`;
  const selectors: string[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await callAws(`S3 ListObjectsV2 ${prefix}`, () =>
      deps.s3.send(
        new ListObjectsV2Command({
          Bucket: deps.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      ),
    );
    for (const common of page.CommonPrefixes ?? []) {
      const selector = common.Prefix?.slice(prefix.length).replace(/\/$/, '');
      if (selector) selectors.push(selector);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return selectors;
}
