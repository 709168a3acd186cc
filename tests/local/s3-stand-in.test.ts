import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { computeChecksum } from '../../local/s3/checksums';
import { type S3StandIn, startS3StandIn } from '../../local/s3/server';
import { sdkError as rejectionOf } from '../support/sdk-error';

const BUCKET = 'byodkim-local';

/** The error the SDK throws for `promise`, for assertions on its name and status. */
const sdkError = (promise: Promise<unknown>) => rejectionOf(promise, S3ServiceException);

describe('S3 stand-in, through an unmodified S3Client', () => {
  let s3: S3StandIn;
  let client: S3Client;

  beforeEach(async () => {
    s3 = await startS3StandIn({ buckets: [BUCKET] });
    client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    client.destroy();
    await s3.stop();
  });

  it('refuses a second conditional create of the same key with 412 PreconditionFailed and keeps the first', async () => {
    // GIVEN a key written once with If-None-Match: *
    const key = 'dkim/example.jp/sel-1/private-key.pem';
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'first', IfNoneMatch: '*' }));

    // WHEN a second conditional create targets the same key
    const error = await sdkError(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'second', IfNoneMatch: '*' })),
    );

    // THEN S3 semantics hold: 412, and the stored object is still the first one
    expect(error.name).toBe('PreconditionFailed');
    expect(error.$metadata.httpStatusCode).toBe(412);
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('first');
  });

  it('writes with If-Match only when the ETag is current, and answers NoSuchKey for a missing key', async () => {
    // GIVEN an object and its ETag (quoted MD5)
    const key = 'dkim/example.jp/sel-1/metadata.json';
    const first = await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"state":"PENDING"}' }),
    );
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);

    // WHEN it is updated with the right ETag, then again with the now stale one, then on a missing key
    const second = await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"state":"ACTIVE"}', IfMatch: first.ETag }),
    );
    const stale = await sdkError(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"state":"RETIRED"}', IfMatch: first.ETag }),
      ),
    );
    const missing = await sdkError(
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'absent', Body: 'x', IfMatch: first.ETag })),
    );

    // THEN the first update won, the stale one got 412 and the missing key 404
    expect(second.ETag).not.toBe(first.ETag);
    expect(stale.name).toBe('PreconditionFailed');
    expect(stale.$metadata.httpStatusCode).toBe(412);
    expect(missing.name).toBe('NoSuchKey');
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('{"state":"ACTIVE"}');
  });

  it('answers a conditional write overtaken in flight by another write of the key with 409 ConditionalRequestConflict', async () => {
    // GIVEN an object, and an If-Match write of it whose request has arrived but whose body is still coming
    const key = 'approvals/0123456789abcdef0123456789abcdef.json';
    const first = await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"status":"OPEN"}' }),
    );
    const url = new URL(`${s3.endpoint}/${BUCKET}/${key}`);
    const slow = request(url, {
      method: 'PUT',
      headers: { 'if-match': String(first.ETag), 'content-length': '21' },
    });
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      slow.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += String(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      slow.on('error', reject);
    });
    slow.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 50));

    // WHEN another writer's If-Match write of the same key completes first
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"status":"APPROVED"}', IfMatch: first.ETag }),
    );
    slow.end('{"status":"REJECTED"}');

    // THEN the overtaken write gets 409 ConditionalRequestConflict (retry after re-reading), not 412,
    // and the winner's object stands
    const { status, body } = await answered;
    expect(status).toBe(409);
    expect(body).toContain('<Code>ConditionalRequestConflict</Code>');
    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await stored.Body?.transformToString()).toBe('{"status":"APPROVED"}');
  });

  it('lists by prefix page by page with continuation tokens and groups by delimiter', async () => {
    // GIVEN five keys under two prefixes
    const keys = [
      'dkim/a.jp/s1/m.json',
      'dkim/a.jp/s2/m.json',
      'dkim/b.jp/s1/m.json',
      'dns-requests/a.jp/s1.json',
    ];
    for (const key of [...keys, 'dkim/a.jp/s3/m.json']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }

    // WHEN listing dkim/ two keys at a time
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dkim/', MaxKeys: 2, ContinuationToken: token }),
      );
      pages += 1;
      seen.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const grouped = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dkim/', Delimiter: '/' }),
    );

    // THEN every dkim/ key comes once, in order, over two pages; the delimiter gives the domains
    expect(seen).toEqual([
      'dkim/a.jp/s1/m.json',
      'dkim/a.jp/s2/m.json',
      'dkim/a.jp/s3/m.json',
      'dkim/b.jp/s1/m.json',
    ]);
    expect(pages).toBe(2);
    expect(grouped.CommonPrefixes?.map((common) => common.Prefix)).toEqual(['dkim/a.jp/', 'dkim/b.jp/']);
    expect(grouped.KeyCount).toBe(2);
  });

  it('pages through common prefixes one at a time without repeating a prefix', async () => {
    // GIVEN three domains, one with two selectors
    for (const key of ['dkim/a.jp/s1/m', 'dkim/a.jp/s2/m', 'dkim/b.jp/s1/m', 'dkim/c.jp/s1/m']) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    }

    // WHEN listing the domains one per page
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: BUCKET,
          Prefix: 'dkim/',
          Delimiter: '/',
          MaxKeys: 1,
          ContinuationToken: token,
        }),
      );
      prefixes.push(...(page.CommonPrefixes ?? []).map((common) => common.Prefix ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);

    // THEN each domain comes exactly once
    expect(prefixes).toEqual(['dkim/a.jp/', 'dkim/b.jp/', 'dkim/c.jp/']);
  });

  it('accepts the default aws-chunked streaming upload with a CRC32 trailer and stores the decoded bytes', async () => {
    // GIVEN a stream body of known length (the SDK then sends aws-chunked with a checksum trailer)
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const content = Buffer.from(`${pem}\n`.repeat(5));
    const body = Readable.from([content.subarray(0, 1000), content.subarray(1000)]);
    const sent: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...((args.request as { headers: Record<string, string> }).headers ?? {}) });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );

    // WHEN it is uploaded with the client's default checksum settings
    const put = await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed.pem',
        Body: body,
        ContentLength: content.length,
      }),
    );

    // THEN it really went aws-chunked, the stored object is exactly the content, and GetObject's
    // checksum validation passes
    expect(sent[0]).toMatchObject({
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-trailer': 'x-amz-checksum-crc32',
    });
    expect(put.ChecksumCRC32).toBe(computeChecksum('crc32', content));
    const [stored] = s3.dump();
    expect(stored?.body.equals(content)).toBe(true);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.pem' }));
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(content)).toBe(true);
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)(
    'verifies a %s checksum computed by the SDK',
    async (algorithm) => {
      // GIVEN a body and an algorithm the caller picks
      const content = Buffer.from(`checksum me with ${algorithm}`);

      // WHEN uploaded as a buffer (checksum in a header) and as a stream (checksum in a trailer)
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: content, ChecksumAlgorithm: algorithm }),
      );
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'b',
          Body: Readable.from([content]),
          ContentLength: content.length,
          ChecksumAlgorithm: algorithm,
        }),
      );

      // THEN the server's own checksum agrees with the SDK's, both times
      const stored = s3.dump();
      expect(stored.map((object) => object.checksum?.algorithm)).toEqual([
        algorithm.toLowerCase(),
        algorithm.toLowerCase(),
      ]);
      expect(stored.every((object) => object.body.equals(content))).toBe(true);
    },
  );

  it('rejects an upload whose checksum does not match its body with BadDigest', async () => {
    // GIVEN a checksum header computed for other bytes
    const wrong = computeChecksum('crc32', Buffer.from('other bytes'));

    // WHEN uploading
    const error = await sdkError(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'bad', Body: 'payload', ChecksumCRC32: wrong }),
      ),
    );

    // THEN S3 refuses it and stores nothing
    expect(error.name).toBe('BadDigest');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(s3.dump()).toEqual([]);
  });

  it('heads, deletes and reports missing objects and buckets as the SDK expects', async () => {
    // GIVEN one object with metadata and SSE-KMS headers
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'k',
        Body: 'v',
        ContentType: 'application/json',
        Metadata: { state: 'PENDING' },
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: 'alias/byodkim',
      }),
    );

    // WHEN reading its head, deleting it, then heading it and an unknown bucket
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    const gone = await sdkError(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    const noBucket = await sdkError(client.send(new HeadBucketCommand({ Bucket: 'nope-bucket' })));
    const getGone = await sdkError(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));

    // THEN metadata round-trips and absences carry S3's names and statuses
    expect(head.ContentType).toBe('application/json');
    expect(head.Metadata).toEqual({ state: 'PENDING' });
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toBe('alias/byodkim');
    expect(gone.$metadata.httpStatusCode).toBe(404);
    expect(gone.name).toBe('NotFound');
    expect(noBucket.$metadata.httpStatusCode).toBe(404);
    expect(getGone.name).toBe('NoSuchKey');
  });

  it('creates buckets once and keeps every written version in the history dump', async () => {
    // GIVEN a new bucket
    await client.send(new CreateBucketCommand({ Bucket: 'second-bucket' }));
    const again = await sdkError(client.send(new CreateBucketCommand({ Bucket: 'second-bucket' })));

    // WHEN a key is written twice and then deleted
    await client.send(new PutObjectCommand({ Bucket: 'second-bucket', Key: 'x', Body: 'secret-1' }));
    await client.send(new PutObjectCommand({ Bucket: 'second-bucket', Key: 'x', Body: 'secret-2' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'second-bucket', Key: 'x' }));

    // THEN the current dump is empty but the history still shows both versions to a leak scan
    expect(again.name).toBe('BucketAlreadyOwnedByYou');
    expect(s3.dump()).toEqual([]);
    expect(s3.dump({ includeHistory: true }).map((object) => object.body.toString())).toEqual([
      'secret-1',
      'secret-2',
    ]);
  });

  it('fails an operation with an injected fault exactly `times` times', async () => {
    // GIVEN a fault on PutObject, twice
    s3.faults.add({ operation: 'PutObject', error: 'InternalError', times: 2 });

    // WHEN putting three times
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'f', Body: 'x' }));
        outcomes.push('ok');
      } catch (error) {
        outcomes.push(
          `${(error as S3ServiceException).name}/${(error as S3ServiceException).$metadata.httpStatusCode}`,
        );
      }
    }

    // THEN the first two fail with a 500 the SDK names InternalError, the third works
    expect(outcomes).toEqual(['InternalError/500', 'InternalError/500', 'ok']);
  });
});
