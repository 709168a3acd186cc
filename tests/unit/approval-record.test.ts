/** The approval record contract (shared/rotation/approvals.ts): every reader checks the stored object. */
import {
  type ApprovalRecord,
  approvalPath,
  closeApproval,
  createApproval,
  readApproval,
} from '../../shared/rotation/approvals';
import { FakeS3 } from '../tasks/support/fakes';

const ID = '0123456789abcdef0123456789abcdef';
const KEY = approvalPath(ID);
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAX-secret-task-token';
/** The first release's record: none of the fields added since. */
const FIRST_RELEASE = {
  schemaVersion: 1,
  approvalId: ID,
  taskToken: TOKEN,
  domain: 'mail.example.jp',
  selector: 'p-20261204-1',
  recordName: 'p-20261204-1._domainkey.mail.example.jp',
  fingerprint: 'sha256:abc',
  executionName: 'mail-example-jp-20261204',
  reminderNumber: 0,
  createdAt: '2026-12-04T00:00:00.000Z',
  expiresAt: '2026-12-05T00:00:00.000Z',
  status: 'OPEN',
} as const;

let s3: FakeS3;
beforeEach(() => {
  s3 = new FakeS3();
});
afterEach(() => s3.restore());

test('reads back what NotifyDnsTeam and a decision write, and records of the first release', async () => {
  // GIVEN a record as NotifyDnsTeam creates it, then decided
  const created: ApprovalRecord = {
    ...FIRST_RELEASE,
    executionArn: 'arn:aws:states:ap-northeast-1:111122223333:execution:rotation:x',
    maxReminders: 3,
    operatorContacts: ['ops@example.jp'],
  };
  await createApproval(s3.deps(), created);
  const closed = await closeApproval(s3.deps(), ID, 'APPROVED', new Date('2026-12-04T01:00:00Z'));
  // WHEN it is read; THEN it is what was stored
  await expect(readApproval(s3.deps(), ID)).resolves.toMatchObject({ record: closed?.record });
  expect(closed?.record).toMatchObject({ status: 'APPROVED', delivery: 'PENDING' });
  s3.seed(KEY, JSON.stringify(FIRST_RELEASE));
  await expect(readApproval(s3.deps(), ID)).resolves.toMatchObject({ record: FIRST_RELEASE });
});

test.each([
  [
    'not JSON',
    '{',
    /^The approval record s3:\/\/key-store\/approvals\/0123456789abcdef0123456789abcdef\.json is not JSON/,
  ],
  [
    'an unknown status',
    JSON.stringify({ ...FIRST_RELEASE, status: 'MAYBE' }),
    /\.json is not an approval record: approval\.status = "MAYBE": /,
  ],
  [
    'a record without its expiry',
    JSON.stringify({ ...FIRST_RELEASE, expiresAt: undefined }),
    /is not an approval record: approval\.expiresAt = nothing: /,
  ],
])('refuses %s with InvalidInput naming the object', async (_case, text, message) => {
  s3.seed(KEY, text);
  await expect(readApproval(s3.deps(), ID)).rejects.toMatchObject({
    name: 'InvalidInput',
    message: expect.stringMatching(message),
  });
});

test.each([
  ['a task token that is not a string', { ...FIRST_RELEASE, taskToken: [TOKEN] }],
  ['a record that is not an object', [FIRST_RELEASE]],
])('never shows the task token when refusing %s', async (_case, stored) => {
  s3.seed(KEY, JSON.stringify(stored));
  const refusal = await readApproval(s3.deps(), ID).catch((error: Error) => error);
  expect(refusal).toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('<not shown>') });
  expect((refusal as Error).message).not.toContain('secret-task-token');
});
