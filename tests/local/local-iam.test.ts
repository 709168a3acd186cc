import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { DeployedIam } from '../../local/iam/deployed-iam';
import { LocalIam } from '../../local/iam/local-iam';
import { accessKeyOf, credentialsOf, ENVIRONMENT_ACCESS_KEY } from '../../local/iam/principals';
import { type S3StandIn, startS3StandIn } from '../../local/s3/server';
import { sdkError as rejectionOf } from '../support/sdk-error';

const BUCKET = 'keys';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const KEY_ARN = 'arn:aws:kms:local:000000000000:key/11111111-2222-3333-4444-555555555555';
const ROOT = 'arn:aws:iam::000000000000:root';

const allow = (actions: string[], resources: string[], extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Action: actions,
  Resource: resources,
  ...extra,
});

/** A small deployment: a reader without ListBucket, a reader with it, and a TLS-only SSE-KMS bucket. */
function deployment(): DeployedIam {
  const principal = (name: string, statements: Record<string, unknown>[]) => ({
    name,
    arn: `arn:aws:sts::000000000000:assumed-role/${name}Role/${name}`,
    policies: [{ name: `${name}Policy`, document: { Version: '2012-10-17', Statement: statements } }],
  });
  const useKey = allow(['kms:Decrypt', 'kms:GenerateDataKey'], [KEY_ARN]);
  return {
    account: { account: '000000000000', region: 'local', partition: 'aws' },
    principals: new Map([
      ['Reader', principal('Reader', [allow(['s3:GetObject', 's3:PutObject'], [`${BUCKET_ARN}/*`]), useKey])],
      [
        'Lister',
        principal('Lister', [
          allow(['s3:GetObject'], [`${BUCKET_ARN}/*`]),
          allow(['s3:ListBucket'], [BUCKET_ARN]),
          useKey,
        ]),
      ],
      [
        'PrefixLister',
        principal('PrefixLister', [
          allow(['s3:GetObject'], [`${BUCKET_ARN}/*`]),
          allow(['s3:ListBucket'], [BUCKET_ARN], { Condition: { StringLike: { 's3:prefix': ['dkim/*'] } } }),
          useKey,
        ]),
      ],
      ['NoKms', principal('NoKms', [allow(['s3:GetObject', 's3:PutObject'], [`${BUCKET_ARN}/*`])])],
      [
        'ViaS3',
        principal('ViaS3', [
          allow(['s3:GetObject', 's3:PutObject'], [`${BUCKET_ARN}/*`]),
          allow(['kms:Decrypt', 'kms:GenerateDataKey'], [KEY_ARN], {
            Condition: { StringEquals: { 'kms:ViaService': 's3.local.amazonaws.com' } },
          }),
        ]),
      ],
    ]),
    resourcePolicies: new Map([
      [
        BUCKET_ARN,
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:PutObject',
              Resource: `${BUCKET_ARN}/dkim/*/private-key.pem`,
              Condition: { Null: { 's3:if-none-match': 'true' } },
            },
          ],
        },
      ],
      [
        KEY_ARN,
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' }],
        },
      ],
    ]),
    bucketKeys: new Map([[BUCKET, KEY_ARN]]),
    encryptionKeys: new Map(),
  };
}

describe('the local IAM (policies evaluated by iam-simulate)', () => {
  it('allows what an identity policy grants and names role, action and resource when it does not', async () => {
    // GIVEN a role that may read objects but not list the bucket
    const iam = new LocalIam(deployment());

    // WHEN it reads an object, then lists the bucket
    const read = await iam.authorize({
      accessKeyId: accessKeyOf('Reader'),
      action: 's3:GetObject',
      resource: `${BUCKET_ARN}/a`,
    });
    const list = await iam.authorize({
      accessKeyId: accessKeyOf('Reader'),
      action: 's3:ListBucket',
      resource: BUCKET_ARN,
    });

    // THEN the read is allowed, the listing denied and reported by state, action and resource
    expect(read.allowed).toBe(true);
    expect(list).toMatchObject({ allowed: false });
    expect(!list.allowed && list.message).toMatch(
      /ReaderRole\/Reader is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::keys"/,
    );
    expect(iam.summary()).toEqual({
      evaluated: 2,
      denied: 1,
      deniedRequests: [{ state: 'Reader', action: 's3:ListBucket', resource: BUCKET_ARN }],
    });
  });

  it('lets an explicit iamDeny win over an allow, and refuses a deny for a role the stack does not have', async () => {
    const iam = new LocalIam(deployment(), { Lister: ['s3:ListBucket'] });
    const list = await iam.authorize({
      accessKeyId: accessKeyOf('Lister'),
      action: 's3:ListBucket',
      resource: BUCKET_ARN,
    });
    expect(!list.allowed && list.message).toMatch(/explicit deny/);
    expect(() => new LocalIam(deployment(), { GenerateKye: ['s3:ListBucket'] })).toThrow(
      /GenerateKye.*Reader, Lister/,
    );
  });

  it("applies the bucket policy's TLS-only deny to a request without aws:SecureTransport", async () => {
    const iam = new LocalIam(deployment());
    const plain = await iam.authorize({
      accessKeyId: accessKeyOf('Reader'),
      action: 's3:GetObject',
      resource: `${BUCKET_ARN}/a`,
      context: { 'aws:SecureTransport': 'false' },
    });
    expect(!plain.allowed && plain.message).toMatch(/explicit deny/);
  });

  it('does not evaluate the environment itself, and refuses a key that is no role of the stack', async () => {
    const iam = new LocalIam(deployment());
    expect(
      await iam.authorize({
        accessKeyId: ENVIRONMENT_ACCESS_KEY,
        action: 's3:ListBucket',
        resource: BUCKET_ARN,
      }),
    ).toEqual({
      allowed: true,
    });
    expect(
      (await iam.authorize({ accessKeyId: 'AKIAEXAMPLE', action: 's3:ListBucket', resource: BUCKET_ARN }))
        .allowed,
    ).toBe(false);
    expect(iam.summary().evaluated).toBe(0);
  });
});

describe('the S3 stand-in under the local IAM', () => {
  let s3: S3StandIn;
  let iam: LocalIam;
  const clients: S3Client[] = [];
  const as = (principal: string) => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'ap-northeast-1',
      credentials: credentialsOf(principal),
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const sdkError = (promise: Promise<unknown>) => rejectionOf(promise, S3ServiceException);

  beforeEach(async () => {
    iam = new LocalIam(deployment());
    s3 = await startS3StandIn({
      buckets: [BUCKET],
      authorization: { authorizer: iam, bucketKeys: deployment().bucketKeys, bucketRegion: 'local' },
    });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await s3.stop();
  });

  it('answers a missing key with 403 AccessDenied to a caller without s3:ListBucket, and 404 NoSuchKey with it', async () => {
    // GIVEN an empty bucket
    const missing = new GetObjectCommand({ Bucket: BUCKET, Key: 'dkim/example.jp/sel/metadata.json' });

    // WHEN a role that may GetObject but not ListBucket reads a missing key, and then one that may
    const withoutList = await sdkError(as('Reader').send(missing));
    const withList = await sdkError(as('Lister').send(missing));

    // THEN S3's rule holds (S3 API Reference, GetObject, "Permissions")
    expect([withoutList.name, withoutList.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect([withList.name, withList.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    expect(iam.summary().deniedRequests).toEqual([
      { state: 'Reader', action: 's3:ListBucket', resource: BUCKET_ARN },
    ]);
  });

  it('does not count a ListBucket grant conditioned on s3:prefix for the 404 rule', async () => {
    const error = await sdkError(
      as('PrefixLister').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dkim/a/b/metadata.json' })),
    );
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('passes the If-None-Match header to IAM, so a bucket policy can refuse a private key written without it', async () => {
    // GIVEN a bucket policy denying private-key.pem writes that lack If-None-Match
    const key = 'dkim/example.jp/sel-1/private-key.pem';

    // WHEN a role that may PutObject writes it without, then with, the header
    const plain = await sdkError(
      as('Reader').send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'k' })),
    );
    await as('Reader').send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'k', IfNoneMatch: '*' }));

    // THEN only the conditional write lands (the first is an explicit deny)
    expect(plain.name).toBe('AccessDenied');
    expect(plain.message).toMatch(/explicit deny/);
    expect(s3.store.get(BUCKET, key)?.body.toString()).toBe('k');
  });

  it('needs the KMS key for SSE-KMS objects: kms:GenerateDataKey to write, kms:Decrypt to read', async () => {
    // GIVEN an object written by a role that may use the key
    await as('Reader').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' }));

    // WHEN a role with S3 but no KMS permission writes and reads
    const write = await sdkError(
      as('NoKms').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k2', Body: 'v' })),
    );
    const read = await sdkError(as('NoKms').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));

    // THEN both are refused naming the KMS action
    expect(write.name).toBe('AccessDenied');
    expect(write.message).toMatch(/kms:GenerateDataKey/);
    expect(read.message).toMatch(/kms:Decrypt/);
  });

  it('calls KMS as S3 does, through s3.<bucket region>: a key grant scoped by kms:ViaService works through S3 and not directly', async () => {
    // GIVEN a role whose key grant holds only when S3 (in the bucket's region, 'local') makes the call
    // WHEN it writes and reads through S3, signing for another region, then asks KMS itself
    await as('ViaS3').send(new PutObjectCommand({ Bucket: BUCKET, Key: 'via', Body: 'v' }));
    const read = await as('ViaS3').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'via' }));
    const direct = await iam.authorize({
      accessKeyId: accessKeyOf('ViaS3'),
      action: 'kms:Decrypt',
      resource: KEY_ARN,
    });

    // THEN S3 may use the key for it (S3 calls KMS from the bucket's region), the role itself may not
    expect(await read.Body?.transformToString()).toBe('v');
    expect(direct.allowed).toBe(false);
  });
});
