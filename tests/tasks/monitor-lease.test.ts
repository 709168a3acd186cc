/**
 * The monitor's single-flight lease (tasks/monitor/lease.ts) against the local S3 stand-in (real
 * SDK client, real If-None-Match / If-Match answers), and S3's 409 ConditionalRequestConflict
 * through aws-sdk-client-mock.
 */
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import {
  acquireMonitorLease,
  type LeaseDeps,
  MONITOR_LEASE_KEY,
  releaseMonitorLease,
} from '../../tasks/monitor/lease';

const TOKYO = 'ap-northeast-1';
const BUCKETS = ['lease-a', 'lease-b', 'lease-c', 'lease-d', 'lease-e', 'lease-f', 'lease-g'];
const T0 = new Date('2026-11-23T00:00:00.000Z');
const FIFTEEN_MINUTES = 900_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

let aws: LocalAws;
let bucketIndex = 0;

beforeAll(async () => {
  aws = await startLocalAws({
    isKeyPublished: async () => false,
    buckets: BUCKETS,
    ses: { throttle: false },
  });
});

afterAll(async () => {
  await aws.stop();
});

/** A fresh, empty bucket for each test. */
function freshDeps(): LeaseDeps {
  const bucket = BUCKETS[bucketIndex++];
  if (bucket === undefined) throw new Error('add a bucket to BUCKETS');
  return { s3: aws.s3Client(TOKYO), bucket, sleep: async () => {} };
}

describe('monitor lease', () => {
  it('gives the lease to the first run and tells the second who holds it and until when', async () => {
    const deps = freshDeps();

    const first = await acquireMonitorLease(deps, { owner: 'run-1', now: T0, ttlMs: FIFTEEN_MINUTES });
    const second = await acquireMonitorLease(deps, {
      owner: 'run-2',
      now: at(60_000),
      ttlMs: FIFTEEN_MINUTES,
    });

    expect(first).toMatchObject({ acquired: true, lease: { owner: 'run-1' } });
    expect(second).toEqual({
      acquired: false,
      heldBy: { owner: 'run-1', acquiredAt: T0.toISOString(), expiresAt: at(FIFTEEN_MINUTES).toISOString() },
    });
  });

  it('lets exactly one of two runs starting at the same moment take it', async () => {
    const deps = freshDeps();

    const outcomes = await Promise.all(
      ['run-1', 'run-2'].map((owner) =>
        acquireMonitorLease(deps, { owner, now: T0, ttlMs: FIFTEEN_MINUTES }),
      ),
    );

    expect(outcomes.filter((outcome) => outcome.acquired)).toHaveLength(1);
  });

  it("lets the run's own continuation take it again, for the continuation's time limit", async () => {
    const deps = freshDeps();
    await acquireMonitorLease(deps, { owner: 'run-1', now: T0, ttlMs: FIFTEEN_MINUTES });

    const continued = await acquireMonitorLease(deps, {
      owner: 'run-1',
      now: at(850_000),
      ttlMs: FIFTEEN_MINUTES,
    });

    expect(continued).toMatchObject({
      acquired: true,
      lease: { owner: 'run-1', expiresAt: at(850_000 + FIFTEEN_MINUTES).toISOString() },
    });
  });

  it("takes over a crashed run's lease once it expired, and not a millisecond before", async () => {
    const deps = freshDeps();
    // A run that crashed without releasing (Lambda timeout): 15 min + 1 min margin.
    await acquireMonitorLease(deps, { owner: 'crashed', now: T0, ttlMs: FIFTEEN_MINUTES + 60_000 });

    const early = await acquireMonitorLease(deps, {
      owner: 'retry',
      now: at(959_999),
      ttlMs: FIFTEEN_MINUTES,
    });
    const nextDay = await acquireMonitorLease(deps, {
      owner: 'next-day',
      now: at(86_400_000),
      ttlMs: FIFTEEN_MINUTES,
    });

    expect(early).toMatchObject({ acquired: false, heldBy: { owner: 'crashed' } });
    expect(nextDay).toMatchObject({ acquired: true, lease: { owner: 'next-day' } });
  });

  it("frees the lease at release for the next run, and never releases another run's lease", async () => {
    const deps = freshDeps();
    await acquireMonitorLease(deps, { owner: 'run-1', now: T0, ttlMs: FIFTEEN_MINUTES });

    expect(await releaseMonitorLease(deps, 'run-2', at(1_000))).toBe(false);
    expect(
      await acquireMonitorLease(deps, { owner: 'run-2', now: at(2_000), ttlMs: FIFTEEN_MINUTES }),
    ).toMatchObject({
      acquired: false,
    });
    expect(await releaseMonitorLease(deps, 'run-1', at(3_000))).toBe(true);

    // Even with a clock behind the releasing host's, the released lease is free.
    const next = await acquireMonitorLease(deps, { owner: 'run-2', now: at(1_000), ttlMs: FIFTEEN_MINUTES });
    expect(next).toMatchObject({ acquired: true, lease: { owner: 'run-2' } });
  });

  it('takes a lease object that is not a lease (truncated, hand-edited) as free, instead of failing every day', async () => {
    // GIVEN a lease object someone truncated
    const deps = freshDeps();
    await deps.s3.send(
      new PutObjectCommand({ Bucket: deps.bucket, Key: MONITOR_LEASE_KEY, Body: '{"owner": "run-1", "expi' }),
    );

    // WHEN the next run arrives, and a release is asked of the broken object
    const released = await releaseMonitorLease(deps, 'run-1', T0);
    const next = await acquireMonitorLease(deps, { owner: 'run-2', now: T0, ttlMs: FIFTEEN_MINUTES });

    // THEN nothing is released, and the run takes the lease over
    expect(released).toBe(false);
    expect(next).toMatchObject({ acquired: true, lease: { owner: 'run-2' } });
  });
});

describe('monitor lease under S3 write conflicts', () => {
  // Mocked only here: mockClient replaces every S3Client's send, the stand-in's clients too.
  let s3Mock: AwsClientStub<S3Client>;
  beforeAll(() => {
    s3Mock = mockClient(S3Client);
  });
  afterAll(() => s3Mock.restore());

  const s3Error = (name: string, status: number) =>
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

  it('retries after 409 ConditionalRequestConflict, re-reads, and stands back from the live lease it finds', async () => {
    // GIVEN a concurrent write in flight (409), then the other run's lease in place (412)
    s3Mock
      .on(PutObjectCommand)
      .rejectsOnce(s3Error('ConditionalRequestConflict', 409))
      .rejectsOnce(s3Error('PreconditionFailed', 412));
    const other = {
      owner: 'other',
      acquiredAt: T0.toISOString(),
      expiresAt: at(FIFTEEN_MINUTES).toISOString(),
    };
    s3Mock.on(GetObjectCommand, { Key: MONITOR_LEASE_KEY }).resolves({
      ETag: '"e1"',
      Body: { transformToString: async () => JSON.stringify(other) } as never,
    });
    const pauses: number[] = [];
    const deps: LeaseDeps = {
      s3: new S3Client({ region: TOKYO }),
      bucket: 'key-store',
      sleep: async (ms) => {
        pauses.push(ms);
      },
    };

    // WHEN this run tries to take the lease
    const outcome = await acquireMonitorLease(deps, {
      owner: 'mine',
      now: at(1_000),
      ttlMs: FIFTEEN_MINUTES,
    });

    // THEN it tried again after a pause, read the winner's lease and does not run
    expect(outcome).toEqual({ acquired: false, heldBy: other });
    expect(s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.IfNoneMatch)).toEqual([
      '*',
      '*',
    ]);
    expect(pauses).toHaveLength(1);
  });
});
