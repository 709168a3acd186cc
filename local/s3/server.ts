/**
 * An S3-compatible server for the local environment.
 *
 * Why not s3rver: it ignores `If-None-Match: *` and `If-Match` on PutObject, and invariant 5
 * (GenerateKey never replaces a key already sent to DNS) rests on exactly those headers; it is
 * also unmaintained and predates the SDK's default aws-chunked checksum uploads. MinIO and
 * LocalStack need Docker or a JVM/Python stack we do not have offline. So this is a small
 * node:http server implementing only what the rotation uses, the way S3 does it: path-style
 * addressing, CreateBucket/HeadBucket/DeleteBucket, PutObject (conditional writes, flexible
 * checksums, aws-chunked bodies), GetObject, HeadObject, DeleteObject and ListObjectsV2.
 * Signatures are not verified: every caller is local.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FaultInjector, type FaultSpec } from '../faults';
import { type Clock, closeServer, header, listenOnLoopback, readBody, systemClock } from '../http';
import {
  bucketArn,
  objectArn,
  S3AccessDenied,
  type S3Authorization,
  S3RequestAuthorizer,
} from './authorization';
import { AwsChunkedDecodeError, decodeAwsChunked } from './aws-chunked';
import { type ChecksumAlgorithm, computeChecksum, isChecksumAlgorithm, md5Etag } from './checksums';
import { type DumpedObject, type DumpOptions, S3Store, type StoredObject } from './store';
import { xmlDocument, xmlElement } from './xml';

/** Options of {@link startS3StandIn}. */
export interface S3StandInOptions {
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
  /** Buckets that exist from the start. @default [] */
  readonly buckets?: readonly string[];
  /** Injected failures, e.g. `{ operation: 'PutObject', error: 'InternalError', times: 1 }`. */
  readonly faults?: readonly FaultSpec[];
  /** Clock for LastModified. @default Date.now */
  readonly clock?: Clock;
  /** IAM for every request (the caller is the SigV4 access key). @default every request allowed */
  readonly authorization?: S3Authorization;
}

/** A running S3 stand-in. */
export interface S3StandIn {
  /** `http://127.0.0.1:<port>`: the S3Client `endpoint` (with `forcePathStyle: true`). */
  readonly endpoint: string;
  /** The objects, for assertions and the leak scanner. */
  readonly store: S3Store;
  /** Fault injection; add faults while running. */
  readonly faults: FaultInjector;
  /** Every object (and with `includeHistory` every version ever written). */
  dump(options?: DumpOptions): DumpedObject[];
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/** HTTP status S3 answers with for an error code (for injected faults). */
export function s3ErrorStatus(code: string): number {
  const statuses: Record<string, number> = {
    AccessDenied: 403,
    BadDigest: 400,
    BucketAlreadyOwnedByYou: 409,
    BucketNotEmpty: 409,
    ConditionalRequestConflict: 409,
    InternalError: 500,
    InvalidArgument: 400,
    InvalidBucketName: 400,
    InvalidRequest: 400,
    NoSuchBucket: 404,
    NoSuchKey: 404,
    NotImplemented: 501,
    PreconditionFailed: 412,
    RequestTimeout: 400,
    ServiceUnavailable: 503,
    SlowDown: 503,
  };
  return statuses[code] ?? 500;
}

/** An S3 error response. */
class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = s3ErrorStatus(code),
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_KEYS = 1000;

/** Starts the S3 stand-in on 127.0.0.1. */
export async function startS3StandIn(options: S3StandInOptions = {}): Promise<S3StandIn> {
  const clock = options.clock ?? systemClock;
  const store = new S3Store();
  for (const bucket of options.buckets ?? []) store.createBucket(bucket, new Date(clock()));
  const faults = new FaultInjector(options.faults ?? [], s3ErrorStatus);
  const handler = new S3Handler(store, faults, clock, options.authorization);
  const server: Server = createServer((request, response) => {
    handler.handle(request, response).catch((error: unknown) => {
      // A bug in the handler must surface as a 500 the SDK can read, not a hung request.
      if (!response.headersSent) sendError(response, request, new S3Error('InternalError', String(error)));
      else response.destroy();
    });
  });
  const endpoint = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint,
    store,
    faults,
    dump: (dumpOptions) => store.dump(dumpOptions),
    stop: () => closeServer(server),
  };
}

interface Route {
  readonly bucket: string;
  readonly key?: string;
  readonly query: URLSearchParams;
}

function parseRoute(url: string): Route {
  const parsed = new URL(url, 'http://localhost');
  const [bucketSegment = '', ...keySegments] = parsed.pathname.slice(1).split('/');
  const bucket = decodeURIComponent(bucketSegment);
  // Keys keep their slashes: decode segment by segment and join them back.
  const key = keySegments.length > 0 ? keySegments.map(decodeURIComponent).join('/') : undefined;
  return { bucket, ...(key === undefined || key === '' ? {} : { key }), query: parsed.searchParams };
}

function operationOf(method: string, route: Route): string {
  if (route.key === undefined) {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'GET' && route.query.get('list-type') === '2') return 'ListObjectsV2';
    return `Unsupported ${method} bucket`;
  }
  const byMethod: Record<string, string> = {
    PUT: 'PutObject',
    GET: 'GetObject',
    HEAD: 'HeadObject',
    DELETE: 'DeleteObject',
  };
  return byMethod[method] ?? `Unsupported ${method} object`;
}

// Sub-resources (`?tagging`, `?acl`, `?uploads`, …) select other operations that we do not
// implement; answering them as plain object calls would silently do the wrong thing.
const IGNORED_QUERY = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
]);

class S3Handler {
  constructor(
    private readonly store: S3Store,
    private readonly faults: FaultInjector,
    private readonly clock: Clock,
    private readonly authorization: S3Authorization | undefined,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const route = parseRoute(request.url ?? '/');
    // What the store looked like when this request arrived: a conditional write that another
    // write of the same key overtakes while it is in flight gets 409 (see putObject).
    const arrivedAt = this.store.sequence;
    // Read the body first: answering before the client finished sending breaks keep-alive.
    const body = await readBody(request);
    try {
      const unsupported = [...route.query.keys()].find((name) => !IGNORED_QUERY.has(name));
      const operation = operationOf(method, route);
      if (unsupported !== undefined || operation.startsWith('Unsupported') || route.bucket === '') {
        throw new S3Error(
          'NotImplemented',
          `The S3 stand-in does not implement ${method} ${request.url ?? ''}.`,
        );
      }
      const auth = new S3RequestAuthorizer(this.authorization, request);
      await this.#authorize(auth, operation, route, request);
      const fault = this.faults.take({
        operation,
        resource: route.key === undefined ? route.bucket : `${route.bucket}/${route.key}`,
      });
      if (fault) throw new S3Error(fault.error, fault.message, fault.httpStatus);
      switch (operation) {
        case 'CreateBucket':
          return this.createBucket(route, response);
        case 'HeadBucket':
          return this.headBucket(route, response);
        case 'DeleteBucket':
          return this.deleteBucket(route, response);
        case 'ListObjectsV2':
          return this.listObjectsV2(route, response);
        case 'PutObject':
          await auth.requireKmsFor(route.bucket, 'kms:GenerateDataKey');
          return this.putObject(route, request, body, response, arrivedAt);
        case 'GetObject':
        case 'HeadObject':
          return await this.getObject(route, request, response, method === 'HEAD', auth);
        default:
          return this.deleteObject(route, response);
      }
    } catch (error) {
      if (error instanceof S3AccessDenied) {
        return sendError(response, request, new S3Error('AccessDenied', error.message, 403), route);
      }
      if (error instanceof S3Error) return sendError(response, request, error, route);
      throw error;
    }
  }

  /** The permission each operation needs (Service Authorization Reference, Amazon S3). */
  async #authorize(
    auth: S3RequestAuthorizer,
    operation: string,
    route: Route,
    request: IncomingMessage,
  ): Promise<void> {
    const bucket = bucketArn(route.bucket);
    const object = objectArn(route.bucket, route.key ?? '');
    switch (operation) {
      case 'CreateBucket':
        return auth.require('s3:CreateBucket', bucket);
      case 'DeleteBucket':
        return auth.require('s3:DeleteBucket', bucket);
      case 'HeadBucket':
        return auth.require('s3:ListBucket', bucket);
      case 'ListObjectsV2': {
        const context: Record<string, string> = {};
        for (const [parameter, key] of [
          ['prefix', 's3:prefix'],
          ['delimiter', 's3:delimiter'],
          ['max-keys', 's3:max-keys'],
        ] as const) {
          const value = route.query.get(parameter);
          if (value !== null) context[key] = value;
        }
        return auth.require('s3:ListBucket', bucket, context);
      }
      case 'PutObject': {
        // Conditional-write headers reach IAM as s3:if-none-match / s3:if-match (S3 User Guide,
        // "Enforce conditional writes on Amazon S3 buckets"): a bucket policy may require them.
        const conditions: Record<string, string> = {};
        const ifNoneMatch = header(request, 'if-none-match');
        const ifMatchHeader = header(request, 'if-match');
        if (ifNoneMatch !== undefined) conditions['s3:if-none-match'] = ifNoneMatch;
        if (ifMatchHeader !== undefined) conditions['s3:if-match'] = ifMatchHeader;
        await auth.require('s3:PutObject', object, conditions);
        // S3 User Guide, conditional writes: an If-Match write also needs s3:GetObject.
        if (ifMatchHeader !== undefined) await auth.require('s3:GetObject', object);
        return;
      }
      case 'GetObject':
      case 'HeadObject':
        return auth.require('s3:GetObject', object);
      default:
        return auth.require('s3:DeleteObject', object);
    }
  }

  private requireBucket(bucket: string): void {
    if (!this.store.hasBucket(bucket)) {
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
    }
  }

  private createBucket(route: Route, response: ServerResponse): void {
    if (!BUCKET_NAME.test(route.bucket) || route.bucket.includes('..')) {
      throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, {
        BucketName: route.bucket,
      });
    }
    if (!this.store.createBucket(route.bucket, new Date(this.clock()))) {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
        { BucketName: route.bucket },
      );
    }
    respond(response, 200, { Location: `/${route.bucket}` });
  }

  private headBucket(route: Route, response: ServerResponse): void {
    this.requireBucket(route.bucket);
    respond(response, 200, { 'x-amz-bucket-region': 'us-east-1' });
  }

  private deleteBucket(route: Route, response: ServerResponse): void {
    const outcome = this.store.deleteBucket(route.bucket);
    if (outcome === 'missing') this.requireBucket(route.bucket);
    if (outcome === 'not-empty') {
      throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
        BucketName: route.bucket,
      });
    }
    respond(response, 204);
  }

  private putObject(
    route: Route,
    request: IncomingMessage,
    rawBody: Buffer,
    response: ServerResponse,
    arrivedAt: number,
  ): void {
    this.requireBucket(route.bucket);
    const key = route.key ?? '';
    if (header(request, 'x-amz-copy-source') !== undefined) {
      throw new S3Error('NotImplemented', 'CopyObject is not implemented by the S3 stand-in.');
    }
    const { payload, checksum, contentEncoding } = decodeUpload(request, rawBody);

    // Conditional writes (S3 User Guide, "Add preconditions to S3 operations with conditional
    // requests"): If-None-Match only takes "*"; If-Match on a missing key is 404 NoSuchKey.
    const existing = this.store.get(route.bucket, key);
    const ifNoneMatch = header(request, 'if-none-match');
    const ifMatch = header(request, 'if-match');
    // "If a conflicting operation occurs during the upload S3 returns a 409
    // ConditionalRequestConflict response" (S3 API Reference, PutObject If-Match / If-None-Match):
    // a write or delete of this key that completed while this conditional write was in flight.
    // One that completed before it arrived is judged by the precondition (412) below.
    if (
      (ifNoneMatch !== undefined || ifMatch !== undefined) &&
      this.store.lastChange(route.bucket, key) > arrivedAt
    ) {
      throw new S3Error(
        'ConditionalRequestConflict',
        'The conditional request cannot succeed due to a conflicting operation against this resource.',
        409,
        { Key: key },
      );
    }
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch.trim() !== '*') {
        throw new S3Error(
          'NotImplemented',
          'A header you provided implies functionality that is not implemented',
          501,
          { Header: 'If-None-Match' },
        );
      }
      if (existing) {
        throw new S3Error(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          412,
          {
            Condition: 'If-None-Match',
          },
        );
      }
    }
    if (ifMatch !== undefined) {
      if (!existing) {
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
      }
      if (!etagMatches(ifMatch, existing.etag)) {
        throw new S3Error(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          412,
          {
            Condition: 'If-Match',
          },
        );
      }
    }

    const stored = this.store.put({
      bucket: route.bucket,
      key,
      body: payload,
      etag: md5Etag(payload),
      lastModified: new Date(this.clock()),
      contentType: header(request, 'content-type') ?? 'binary/octet-stream',
      ...(contentEncoding ? { contentEncoding } : {}),
      metadata: userMetadata(request),
      ...(checksum ? { checksum } : {}),
      encryption: encryptionHeaders(request),
    });
    respond(response, 200, {
      ETag: stored.etag,
      ...stored.encryption,
      ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}),
      ...(checksum ? { 'x-amz-checksum-type': 'FULL_OBJECT' } : {}),
    });
  }

  private async getObject(
    route: Route,
    request: IncomingMessage,
    response: ServerResponse,
    head: boolean,
    auth: S3RequestAuthorizer,
  ): Promise<void> {
    this.requireBucket(route.bucket);
    const object = this.store.get(route.bucket, route.key ?? '');
    if (!object) {
      if (!(await auth.missingKeyIsVisible(route.bucket)))
        throw new S3Error('AccessDenied', 'Access Denied', 403);
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: route.key ?? '' });
    }
    await auth.requireKmsFor(route.bucket, 'kms:Decrypt');
    const ifMatch = header(request, 'if-match');
    if (ifMatch !== undefined && !etagMatches(ifMatch, object.etag)) {
      throw new S3Error(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: 'If-Match',
        },
      );
    }
    const ifNoneMatch = header(request, 'if-none-match');
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, object.etag)) {
      respond(response, 304, { ETag: object.etag });
      return;
    }
    const headers: Record<string, string> = {
      ...objectHeaders(object),
      'Content-Length': String(object.body.length),
    };
    // The SDK asks for checksums (x-amz-checksum-mode: ENABLED) and validates what it gets back:
    // returning the verified upload checksum exercises that path like S3 does.
    if (header(request, 'x-amz-checksum-mode') === 'ENABLED' && object.checksum) {
      headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    response.writeHead(200, { ...headers, 'x-amz-request-id': requestId() });
    response.end(head ? undefined : object.body);
  }

  private deleteObject(route: Route, response: ServerResponse): void {
    this.requireBucket(route.bucket);
    this.store.delete(route.bucket, route.key ?? '');
    respond(response, 204);
  }

  private listObjectsV2(route: Route, response: ServerResponse): void {
    this.requireBucket(route.bucket);
    const { query } = route;
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const maxKeysText = query.get('max-keys');
    const maxKeys = maxKeysText === null ? MAX_KEYS : Number(maxKeysText);
    if (!Number.isInteger(maxKeys) || maxKeys < 0) {
      throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
        ArgumentName: 'max-keys',
      });
    }
    const limit = Math.min(maxKeys, MAX_KEYS);
    const continuationToken = query.get('continuation-token');
    const startAfter = query.get('start-after') ?? '';
    const urlEncode = query.get('encoding-type') === 'url';
    let marker = startAfter;
    if (continuationToken !== null) {
      marker = decodeContinuationToken(continuationToken);
    }

    const contents: StoredObject[] = [];
    const commonPrefixes: string[] = [];
    let truncated = false;
    let last = '';
    for (const object of this.store.list(route.bucket)) {
      const key = object.key;
      if (!key.startsWith(prefix)) continue;
      // Resume strictly after the marker; a marker that is a common prefix covers its keys too.
      if (
        marker !== '' &&
        (compareKeys(key, marker) <= 0 ||
          (marker.endsWith(delimiter) && delimiter !== '' && key.startsWith(marker)))
      ) {
        continue;
      }
      let entry: string | StoredObject = object;
      if (delimiter !== '') {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) {
          const common = key.slice(0, at + delimiter.length);
          if (commonPrefixes[commonPrefixes.length - 1] === common) continue;
          entry = common;
        }
      }
      if (contents.length + commonPrefixes.length >= limit) {
        truncated = true;
        break;
      }
      if (typeof entry === 'string') {
        commonPrefixes.push(entry);
        last = entry;
      } else {
        contents.push(entry);
        last = entry.key;
      }
    }

    const encode = (value: string): string =>
      urlEncode ? encodeURIComponent(value).replace(/%2F/g, '/') : value;
    const children: string[] = [
      xmlElement('Name', route.bucket),
      xmlElement('Prefix', encode(prefix)),
      ...(delimiter !== '' ? [xmlElement('Delimiter', encode(delimiter))] : []),
      xmlElement('MaxKeys', String(maxKeys)),
      xmlElement('KeyCount', String(contents.length + commonPrefixes.length)),
      xmlElement('IsTruncated', String(truncated)),
      ...(continuationToken !== null ? [xmlElement('ContinuationToken', continuationToken)] : []),
      ...(truncated ? [xmlElement('NextContinuationToken', encodeContinuationToken(last))] : []),
      ...(startAfter !== '' ? [xmlElement('StartAfter', encode(startAfter))] : []),
      ...(urlEncode ? [xmlElement('EncodingType', 'url')] : []),
      ...contents.map((object) =>
        xmlElement('Contents', [
          xmlElement('Key', encode(object.key)),
          xmlElement('LastModified', object.lastModified.toISOString()),
          xmlElement('ETag', object.etag),
          xmlElement('Size', String(object.body.length)),
          xmlElement('StorageClass', 'STANDARD'),
          ...(object.checksum
            ? [
                xmlElement('ChecksumAlgorithm', object.checksum.algorithm.toUpperCase()),
                xmlElement('ChecksumType', 'FULL_OBJECT'),
              ]
            : []),
        ]),
      ),
      ...commonPrefixes.map((common) => xmlElement('CommonPrefixes', [xmlElement('Prefix', encode(common))])),
    ];
    sendXml(response, 200, xmlDocument('ListBucketResult', children));
  }
}

function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

// Opaque to clients, as on S3; base64url of the last key returned keeps it URL- and XML-safe.
function encodeContinuationToken(lastKey: string): string {
  return Buffer.from(`v1:${lastKey}`).toString('base64url');
}

function decodeContinuationToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString();
  if (!decoded.startsWith('v1:')) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
    });
  }
  return decoded.slice(3);
}

interface DecodedUpload {
  readonly payload: Buffer;
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; readonly value: string };
  readonly contentEncoding?: string;
}

/** Unwraps aws-chunked framing and verifies every integrity header the client sent. */
function decodeUpload(request: IncomingMessage, rawBody: Buffer): DecodedUpload {
  const contentSha256 = header(request, 'x-amz-content-sha256') ?? '';
  const encodings = (header(request, 'content-encoding') ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const chunked = encodings.includes('aws-chunked') || contentSha256.startsWith('STREAMING-');
  let payload = rawBody;
  let trailers: ReadonlyMap<string, string> = new Map();
  if (chunked) {
    try {
      ({ payload, trailers } = decodeAwsChunked(rawBody));
    } catch (error) {
      if (error instanceof AwsChunkedDecodeError) {
        throw new S3Error('InvalidRequest', `Malformed aws-chunked body: ${error.message}.`, 400);
      }
      throw error;
    }
    const declared = header(request, 'x-amz-decoded-content-length');
    if (declared !== undefined && Number(declared) !== payload.length) {
      throw new S3Error(
        'IncompleteBody',
        `x-amz-decoded-content-length says ${declared} bytes but the body holds ${payload.length}.`,
        400,
      );
    }
  } else if (/^[0-9a-f]{64}$/.test(contentSha256)) {
    const actual = computeChecksum('sha256', payload);
    if (Buffer.from(actual, 'base64').toString('hex') !== contentSha256) {
      throw new S3Error(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
      );
    }
  }

  const contentMd5 = header(request, 'content-md5');
  if (contentMd5 !== undefined) {
    const actual = Buffer.from(md5Etag(payload).slice(1, -1), 'hex').toString('base64');
    if (actual !== contentMd5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    }
  }

  let checksum: DecodedUpload['checksum'];
  const candidates = [...Object.entries(request.headers), ...trailers.entries()];
  for (const [name, value] of candidates) {
    const match = /^x-amz-checksum-([a-z0-9]+)$/.exec(name);
    if (!match || typeof value !== 'string') continue;
    const algorithm = match[1] ?? '';
    if (algorithm === 'type' || algorithm === 'mode' || algorithm === 'algorithm') continue;
    if (!isChecksumAlgorithm(algorithm)) {
      throw new S3Error('InvalidRequest', `Checksum algorithm ${algorithm} is not supported.`, 400);
    }
    if (computeChecksum(algorithm, payload) !== value) {
      throw new S3Error(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
        400,
      );
    }
    checksum = { algorithm, value };
  }
  const trailer = header(request, 'x-amz-trailer');
  if (trailer !== undefined && !trailers.has(trailer.toLowerCase())) {
    throw new S3Error('InvalidRequest', `The body does not end with the declared trailer ${trailer}.`, 400);
  }
  const remaining = encodings.filter((value) => value !== 'aws-chunked').join(',');
  return { payload, ...(checksum ? { checksum } : {}), ...(remaining ? { contentEncoding: remaining } : {}) };
}

function etagMatches(condition: string, etag: string): boolean {
  const unquote = (value: string): string => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return condition
    .split(',')
    .some((candidate) => candidate.trim() === '*' || unquote(candidate) === unquote(etag));
}

function userMetadata(request: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
      metadata[name.slice('x-amz-meta-'.length)] = value;
    }
  }
  return metadata;
}

function encryptionHeaders(request: IncomingMessage): Record<string, string> {
  const encryption: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith('x-amz-server-side-encryption') && typeof value === 'string')
      encryption[name] = value;
  }
  return encryption;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: object.etag,
    'Content-Type': object.contentType,
    'Last-Modified': object.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
    ...(object.contentEncoding ? { 'Content-Encoding': object.contentEncoding } : {}),
    ...object.encryption,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
}

function respond(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...headers, 'x-amz-request-id': requestId(), 'Content-Length': '0' });
  response.end();
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  const body = Buffer.from(xml);
  response.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(body.length),
    'x-amz-request-id': requestId(),
  });
  response.end(body);
}

/** Error body as S3 sends it: `<Error><Code/><Message/>…<RequestId/></Error>` (none for HEAD). */
function sendError(response: ServerResponse, request: IncomingMessage, error: S3Error, route?: Route): void {
  const id = requestId();
  if (request.method === 'HEAD') {
    response.writeHead(error.status, { 'x-amz-request-id': id, 'Content-Length': '0' });
    response.end();
    return;
  }
  const resource = route ? `/${route.bucket}${route.key === undefined ? '' : `/${route.key}`}` : undefined;
  const xml = xmlDocument(
    'Error',
    [
      xmlElement('Code', error.code),
      xmlElement('Message', error.message),
      ...Object.entries(error.extra).map(([name, value]) => xmlElement(name, value)),
      ...(resource ? [xmlElement('Resource', resource)] : []),
      xmlElement('RequestId', id),
    ],
    false,
  );
  const body = Buffer.from(xml);
  response.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(body.length),
    'x-amz-request-id': id,
  });
  response.end(body);
}
