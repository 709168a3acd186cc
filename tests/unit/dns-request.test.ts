/** The DNS request contract (shared/rotation/dns-request.ts): every reader checks the stored object. */
import { generateKeyPairSync } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  buildDnsRequest,
  dkimTxtRecordSet,
  readDnsRequest,
  route53ChangeBatch,
} from '../../shared/rotation/dns-request';

const s3Mock = mockClient(S3Client);
const deps = { s3: new S3Client({ region: 'ap-northeast-1' }), bucket: 'key-store' };
const KEY = 'dns-requests/mail.example.jp/p-20261204-1.json';
const stored = (text: string) =>
  s3Mock
    .on(GetObjectCommand)
    .resolves({ Body: { transformToString: async () => text } as never, ETag: '"e"' });
const request = buildDnsRequest({
  domain: 'mail.example.jp',
  selector: 'p-20261204-1',
  publicKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
  requestedAt: new Date('2026-12-04T00:00:00Z'),
});

beforeEach(() => s3Mock.reset());

test('reads back what StoreDnsRequest writes', async () => {
  stored(JSON.stringify(request));
  await expect(readDnsRequest(deps, KEY)).resolves.toEqual(request);
});

test.each([
  [
    'not JSON',
    '{',
    /^The DNS request s3:\/\/key-store\/dns-requests\/mail\.example\.jp\/p-20261204-1\.json is not JSON/,
  ],
  [
    'a record without its value',
    JSON.stringify({ ...request, value: undefined }),
    /is not a DNS request: request\.value = nothing: /,
  ],
  ['another schema version', JSON.stringify({ ...request, schemaVersion: 2 }), /request\.schemaVersion = 2/],
])('refuses %s with InvalidInput naming the object', async (_case, text, message) => {
  stored(text);
  await expect(readDnsRequest(deps, KEY)).rejects.toMatchObject({
    name: 'InvalidInput',
    message: expect.stringMatching(message),
  });
});

test('hands the DNS team the same record set the workflow CREATEs, under a comment Route 53 accepts', () => {
  // GIVEN the record of the request
  const recordSet = dkimTxtRecordSet({
    recordName: request.recordName,
    value: request.value,
    ttl: request.ttl,
  });
  // WHEN the batches are built
  const create = route53ChangeBatch('CREATE', recordSet, 'x'.repeat(300));
  // THEN the request's UPSERT and the CREATE change the same record set; the comment is cut to 256
  expect(request.route53ChangeBatch).toEqual({
    Comment: 'DKIM key p-20261204-1 for mail.example.jp',
    Changes: [{ Action: 'UPSERT', ResourceRecordSet: recordSet }],
  });
  expect(create.Changes).toEqual([{ Action: 'CREATE', ResourceRecordSet: recordSet }]);
  expect(create.Comment).toBe(`${'x'.repeat(253)}...`);
  expect(recordSet).toMatchObject({
    Name: 'p-20261204-1._domainkey.mail.example.jp.',
    Type: 'TXT',
    TTL: 3600,
  });
});
