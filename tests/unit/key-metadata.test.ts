/** The key metadata contract (shared/rotation/key-metadata.ts): every reader checks the stored object. */
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import { keyPaths } from '../../shared/rotation/key-store';
import { FakeS3 } from '../tasks/support/fakes';

const DOMAIN = 'mail.example.jp';
const SELECTOR = 'p-20261204-1';
const KEY = keyPaths(DOMAIN, SELECTOR).metadata;
const at = new Date('2026-12-04T00:00:00Z');

let s3: FakeS3;
beforeEach(() => {
  s3 = new FakeS3();
});
afterEach(() => s3.restore());

test('reads back what a transition writes', async () => {
  // GIVEN metadata written by the current writer
  const written = await transitionKey(s3.deps(), DOMAIN, SELECTOR, 'ACTIVE', {
    at,
    reason: 'imported',
    createIfMissing: true,
    patch: { publishedAt: at.toISOString() },
  });
  // WHEN it is read
  const read = await readMetadata(s3.deps(), DOMAIN, SELECTOR);
  // THEN it is the same object
  expect(read).toEqual(written);
  expect(read).toEqual(s3.json(KEY));
});

test('a transition keeps the stored order and fields this release does not know', async () => {
  // GIVEN metadata as an earlier writer left it: no fingerprint, openApprovalId after history, and a field unknown here
  s3.seed(
    KEY,
    JSON.stringify({
      schemaVersion: 1,
      domain: DOMAIN,
      selector: SELECTOR,
      state: 'PENDING',
      createdAt: at.toISOString(),
      history: [{ state: 'PENDING', at: at.toISOString(), reason: 'generated' }],
      openApprovalId: 'a'.repeat(32),
      note: 'kept',
    }),
  );
  // WHEN the key moves on
  await transitionKey(s3.deps(), DOMAIN, SELECTOR, 'ACTIVE', { at, reason: 'applied' });
  // THEN only state and history changed
  expect(Object.keys(s3.json(KEY))).toEqual([
    'schemaVersion',
    'domain',
    'selector',
    'state',
    'createdAt',
    'history',
    'openApprovalId',
    'note',
  ]);
  expect(s3.json(KEY)).toMatchObject({ state: 'ACTIVE', note: 'kept' });
});

test.each([
  [
    'not JSON',
    '{',
    /^The key metadata s3:\/\/key-store\/dkim\/mail\.example\.jp\/p-20261204-1\/metadata\.json is not JSON/,
  ],
  [
    'an unknown state',
    JSON.stringify({
      schemaVersion: 1,
      domain: DOMAIN,
      selector: SELECTOR,
      state: 'LIVE',
      createdAt: 'x',
      history: [],
    }),
    /metadata\.json is not key metadata: metadata\.state = "LIVE": /,
  ],
  [
    'metadata without its history',
    JSON.stringify({ schemaVersion: 1, domain: DOMAIN, selector: SELECTOR, state: 'ACTIVE', createdAt: 'x' }),
    /is not key metadata: metadata\.history = nothing: /,
  ],
])(
  'refuses %s with InvalidInput naming the object, to readers and to transitions',
  async (_case, text, message) => {
    s3.seed(KEY, text);
    const refusal = { name: 'InvalidInput', message: expect.stringMatching(message) };
    await expect(readMetadata(s3.deps(), DOMAIN, SELECTOR)).rejects.toMatchObject(refusal);
    await expect(
      transitionKey(s3.deps(), DOMAIN, SELECTOR, 'ABANDONED', { at, reason: 'rejected' }),
    ).rejects.toMatchObject(refusal);
    expect(s3.text(KEY)).toBe(text);
  },
);
