import { PutObjectCommand } from '@aws-sdk/client-s3';
import { isTransientAwsError } from '../../shared/rotation/aws-errors';
import { KEY_STATES, KEY_TRANSITIONS, transitionKey } from '../../shared/rotation/key-metadata';
import { getObject } from '../../shared/rotation/key-store';
import { FakeS3, sdkError, serverError, throttling } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, seedKey } from './support/rotation';

describe('key store transitions', () => {
  let s3: FakeS3;
  const at = new Date('2026-11-21T00:00:00Z');

  beforeEach(async () => {
    s3 = new FakeS3();
    const [pair] = await keyPairs();
    if (pair === undefined) throw new Error('keys');
    seedKey(s3, NEW_SELECTOR, pair, 'PENDING');
  });
  afterEach(() => s3.restore());

  it('never takes S3\'s 403 for "absent": it names the object and the permissions that cause it', async () => {
    // GIVEN S3 answers a read with 403, as it does for a missing key to a role without s3:ListBucket
    s3.faults.add('GetObject', sdkError('AccessDenied', 403, 'Access Denied'));

    // WHEN the key store reads a key that may not exist
    const read = getObject(s3.deps(), 'dkim/example.jp/sel-1/metadata.json');

    // THEN it fails as AccessDenied naming the object and s3:ListBucket, while a 404 stays "absent"
    await expect(read).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(
        /s3:\/\/key-store\/dkim\/example\.jp\/sel-1\/metadata\.json[\s\S]*s3:ListBucket/,
      ),
    });
    await expect(getObject(s3.deps(), 'dkim/example.jp/sel-1/metadata.json')).resolves.toBeUndefined();
  });

  it('never lets a RETIRED or ABANDONED key come back', () => {
    expect(KEY_TRANSITIONS.RETIRED).toEqual([]);
    expect(KEY_TRANSITIONS.ABANDONED).toEqual([]);
    for (const from of KEY_STATES) expect(KEY_TRANSITIONS[from]).not.toContain('PENDING');
  });

  it('writes a state change with If-Match on the ETag it read', async () => {
    await transitionKey(s3.deps(), DOMAIN, NEW_SELECTOR, 'ACTIVE', { at, reason: 'test' });
    const put = s3.mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.IfMatch).toMatch(/^"seed-/);
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ACTIVE');
  });

  it('re-reads and retries when another writer changed the metadata in between', async () => {
    // GIVEN another writer wins the first conditional write
    let interfered = false;
    const original = s3.objects.get.bind(s3.objects);
    s3.objects.get = (key: string) => {
      const value = original(key);
      if (!interfered && key.endsWith('metadata.json') && value) {
        interfered = true;
        s3.objects.set(key, { body: value.body, etag: '"changed-by-someone-else"' });
        return value;
      }
      return value;
    };
    // WHEN the transition runs
    await transitionKey(s3.deps(), DOMAIN, NEW_SELECTOR, 'ACTIVE', { at, reason: 'test' });
    // THEN it wrote twice (the first refused) and the change landed once in the history
    expect(s3.mock.commandCalls(PutObjectCommand)).toHaveLength(2);
    expect(metadataOf(s3, NEW_SELECTOR).history.filter((entry) => entry.state === 'ACTIVE')).toHaveLength(1);
  });

  it('refuses a move the life cycle does not allow', async () => {
    await transitionKey(s3.deps(), DOMAIN, NEW_SELECTOR, 'ABANDONED', { at, reason: 'rejected' });
    await expect(
      transitionKey(s3.deps(), DOMAIN, NEW_SELECTOR, 'ACTIVE', { at, reason: 'x' }),
    ).rejects.toMatchObject({
      name: 'InvalidInput',
    });
  });

  it('is a no-op (no write) when the key is already in the target state', async () => {
    await transitionKey(s3.deps(), DOMAIN, NEW_SELECTOR, 'PENDING', { at, reason: 'again' });
    expect(s3.mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('isTransientAwsError', () => {
  it.each([
    ['SES throttling', throttling()],
    ['a 5xx', serverError()],
    ['S3 SlowDown', sdkError('SlowDown', 503)],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries %s', (_label, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['a refused request', sdkError('BadRequestException', 400)],
    ['a missing identity', sdkError('NotFoundException', 404)],
    ['a failed precondition', sdkError('PreconditionFailed', 412)],
    ['a programming error', new TypeError('x is undefined')],
  ])('does not retry %s', (_label, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});
