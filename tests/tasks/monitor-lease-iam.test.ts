/**
 * The monitor's single-flight lease (tasks/monitor/lease.ts) on the S3 stand-in with the local
 * IAM: every GetObject and conditional PutObject is evaluated against the Monitor role read from
 * the synthesized stack (one synth for the file, as the rehearsal does it), with the key store's
 * SSE-KMS key and bucket policy.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { type DeployedIam, readDeployedIam } from '../../local/iam/deployed-iam';
import { synthesizeStack } from '../../local/runner/definition';
import { localConfig } from '../../local/runner/environment';
import { loadScenario } from '../../local/scenario';
import { acquireMonitorLease, type LeaseDeps, releaseMonitorLease } from '../../tasks/monitor/lease';
import { keyStoreUnderIam } from '../support/key-store-under-iam';
import { sdkError } from '../support/sdk-error';

const BUCKET = 'byodkim-local';
const TOKYO = 'ap-northeast-1';
const T0 = new Date('2026-11-23T00:00:00.000Z');
const FIFTEEN_MINUTES = 900_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

let deployed: DeployedIam;

beforeAll(() => {
  const scenario = loadScenario(`${__dirname}/../../local/scenarios/happy-path.json`);
  const { template } = synthesizeStack(localConfig([scenario]));
  deployed = readDeployedIam(template, {
    byLogicalIdFragment: { KeyStore: { ref: BUCKET, attributes: { Arn: `arn:aws:s3:::${BUCKET}` } } },
  });
});

/** The S3 stand-in holding the key store, under the deployed IAM with `denials` added. */
const keyStore = (denials: Record<string, string[]> = {}) => keyStoreUnderIam(deployed, BUCKET, denials);

describe('monitor lease under the Monitor role of the synthesized stack', () => {
  let stop: (() => Promise<void>) | undefined;

  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('creates, refuses, releases and takes over the lease with only the calls the Monitor role is granted', async () => {
    // GIVEN the key store, reached with the Monitor role's credentials
    const { aws, iam } = await keyStore();
    stop = () => aws.stop();
    const deps: LeaseDeps = { s3: aws.s3Client(TOKYO, 'Monitor'), bucket: BUCKET, sleep: async () => {} };

    // WHEN one run takes the lease, an overlapping run is refused, the first releases it and a
    // later run takes it over (If-None-Match create, GetObject, If-Match writes, SSE-KMS)
    const first = await acquireMonitorLease(deps, { owner: 'run-1', now: T0, ttlMs: FIFTEEN_MINUTES });
    const overlapping = await acquireMonitorLease(deps, {
      owner: 'run-2',
      now: at(1_000),
      ttlMs: FIFTEEN_MINUTES,
    });
    const released = await releaseMonitorLease(deps, 'run-1', at(2_000));
    const next = await acquireMonitorLease(deps, { owner: 'run-3', now: at(3_000), ttlMs: FIFTEEN_MINUTES });

    // THEN the lease behaves as without IAM, and the deployed role denied nothing it evaluated
    expect([first.acquired, overlapping.acquired, released, next.acquired]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(iam.summary().evaluated).toBeGreaterThan(0);
    expect(iam.summary()).toMatchObject({ denied: 0, deniedRequests: [] });
  });

  it('cannot take the lease once s3:PutObject is revoked from the Monitor role: S3 answers AccessDenied', async () => {
    // GIVEN the deployed IAM with an explicit deny of s3:PutObject for the monitor
    const { aws, iam } = await keyStore({ Monitor: ['s3:PutObject'] });
    stop = () => aws.stop();
    const deps: LeaseDeps = { s3: aws.s3Client(TOKYO, 'Monitor'), bucket: BUCKET, sleep: async () => {} };

    // WHEN a run tries to take the lease
    const error = await sdkError(
      acquireMonitorLease(deps, { owner: 'run-1', now: T0, ttlMs: FIFTEEN_MINUTES }),
      S3ServiceException,
    );

    // THEN the create is refused on the lease object, and that is the denial counted
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(iam.summary().deniedRequests).toEqual([
      { state: 'Monitor', action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/monitor/lease.json` },
    ]);
  });
});
