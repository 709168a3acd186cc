/**
 * The monitor against the local S3 and SES v2 stand-ins (real SDK clients), a fake DNS verifier,
 * Step Functions and SNS behind aws-sdk-client-mock, and a fixed clock. Long on purpose: one
 * stand-in and key pair set-up serves every health check's case (the pure planner is tested apart,
 * tests/unit/monitor-plan.test.ts).
 */
import 'aws-sdk-client-mock-jest';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import { signingKey } from '../../local/ses/identities';
import { parseConfig, type RotationConfig } from '../../shared/config';
import { createDkimCertificate } from '../../shared/dkim/certificate';
import { type DkimKeyPair, generateDkimKeyPair } from '../../shared/dkim/keys';
import type { DnsVerification, VerifyDkimRecordInput } from '../../shared/dns/types';
import { type MetricName, type MetricsSink, powertoolsMetricsSink } from '../../shared/monitoring/metrics';
import { buildDnsRequest } from '../../shared/rotation/dns-request';
import type { KeyState } from '../../shared/rotation/key-metadata';
import { dnsRequestPath, keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { type MonitorDeps, runMonitor, type VerifyDkimRecord } from '../../tasks/monitor/logic';

const TOKYO = 'ap-northeast-1';
const OSAKA = 'ap-northeast-3';
const BUCKET = 'key-store';
const STATE_MACHINE_ARN = 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:byodkim-rotation';
const DAY = 86_400_000;
const HOUR = 3_600_000;

const sfnMock = mockClient(SFNClient);
const snsMock = mockClient(SNSClient);

let aws: LocalAws;
let keyA: DkimKeyPair;
let keyB: DkimKeyPair;
let keyC: DkimKeyPair;
let domainCounter = 0;

beforeAll(async () => {
  aws = await startLocalAws({
    isKeyPublished: async () => false,
    buckets: [BUCKET],
    ses: { throttle: false },
  });
  // 1024-bit keys keep the suite fast; the monitor never looks at the length.
  [keyA, keyB, keyC] = await Promise.all([
    generateDkimKeyPair(1024),
    generateDkimKeyPair(1024),
    generateDkimKeyPair(1024),
  ]);
});

afterAll(async () => {
  await aws.stop();
});

/** Running executions of the fake Step Functions. */
let running: { name: string; executionArn: string; input: string }[] = [];

beforeEach(() => {
  running = [];
  sfnMock.on(ListExecutionsCommand).callsFake(async () => ({
    executions: running.map((execution) => ({
      name: execution.name,
      executionArn: execution.executionArn,
      stateMachineArn: STATE_MACHINE_ARN,
      status: 'RUNNING',
      startDate: new Date(),
    })),
  }));
  sfnMock.on(DescribeExecutionCommand).callsFake(async (input: { executionArn: string }) => {
    const execution = running.find((candidate) => candidate.executionArn === input.executionArn);
    return {
      executionArn: input.executionArn,
      input: execution?.input,
      status: 'RUNNING',
      startDate: new Date(),
    };
  });
  sfnMock.on(StartExecutionCommand).callsFake(async (input: { name: string; input: string }) => {
    if (running.some((execution) => execution.name === input.name)) {
      throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
    }
    const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`;
    running.push({ name: input.name, executionArn, input: input.input });
    return { executionArn, startDate: new Date() };
  });
  snsMock.on(PublishCommand).resolves({ MessageId: 'message-1' });
});

afterEach(() => {
  sfnMock.reset();
  snsMock.reset();
  delete process.env.POWERTOOLS_DEV;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  jest.restoreAllMocks();
});

/** A domain no other test uses (the stand-ins are shared by the whole file). */
function freshDomain(): string {
  domainCounter += 1;
  return `d${domainCounter}.monitor.example.jp`;
}

function configFor(domains: readonly string[], regions: readonly string[] = [TOKYO]): RotationConfig {
  return parseConfig({
    domains: domains.map((domain) => ({
      domain,
      regions,
      selectorPrefix: 'mail',
      dnsTeamEmails: ['dns-team@example.jp'],
      opsEmails: ['ops@example.jp'],
    })),
  });
}

async function put(key: string, body: string): Promise<void> {
  await aws.s3Client(TOKYO).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

interface StoredKey {
  readonly selector: string;
  readonly state: KeyState;
  readonly keyPair: DkimKeyPair;
  /** When the certificate expires (whole seconds). @default far in the future */
  readonly expiresAt?: Date;
  /** When the key entered `state`. */
  readonly stateAt: Date;
  readonly dnsRequestedAt?: Date;
}

/** Writes certificate.pem, metadata.json and (optionally) the DNS request of one key. */
async function storeKey(domain: string, key: StoredKey): Promise<void> {
  const validityDays = 456;
  const expiresAt = key.expiresAt ?? new Date(Date.UTC(2027, 11, 31));
  const certificate = await createDkimCertificate({
    keyPair: key.keyPair,
    domain,
    selector: key.selector,
    validityDays,
    now: new Date(expiresAt.getTime() - validityDays * DAY),
  });
  const paths = keyPaths(domain, key.selector);
  const createdAt = new Date(key.stateAt.getTime() - DAY).toISOString();
  await put(paths.certificate, certificate.pem);
  await put(
    paths.metadata,
    JSON.stringify({
      schemaVersion: 1,
      domain,
      selector: key.selector,
      state: key.state,
      createdAt,
      certificateExpiresAt: certificate.expiresAt.toISOString(),
      history: [
        { state: 'PENDING', at: createdAt, reason: 'generated' },
        ...(key.state === 'PENDING'
          ? []
          : [{ state: key.state, at: key.stateAt.toISOString(), reason: 'test' }]),
      ],
    }),
  );
  if (key.dnsRequestedAt !== undefined) {
    await put(
      dnsRequestPath(domain, key.selector),
      JSON.stringify(
        buildDnsRequest({
          domain,
          selector: key.selector,
          publicKey: key.keyPair.publicKey,
          requestedAt: key.dnsRequestedAt,
        }),
      ),
    );
  }
}

/** A fake verifier: `served`, `missing` or `lookup-failed` per selector; records every question. */
function fakeDns(answers: Record<string, 'served' | 'missing' | 'lookup-failed'> = {}) {
  const questions: VerifyDkimRecordInput[] = [];
  const verify: VerifyDkimRecord = async (input) => {
    questions.push(input);
    const expect = input.expect ?? 'published';
    const answer = answers[input.selector] ?? (expect === 'retired' ? 'missing' : 'served');
    const verified = expect === 'retired' ? answer === 'missing' : answer === 'served';
    const verdict: DnsVerification = {
      verified,
      recordName: `${input.selector}._domainkey.${input.domain}`,
      zone: input.domain,
      servers: [],
      message: 'fake verdict',
      ...(verified
        ? {}
        : {
            error:
              answer === 'lookup-failed'
                ? 'DnsLookupFailed'
                : answer === 'served'
                  ? 'DnsRecordMismatch'
                  : 'DnsRecordNotFound',
          }),
    };
    return verdict;
  };
  return { verify, questions };
}

interface Point {
  readonly name: MetricName;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

function recordingMetrics(): MetricsSink & { points: Point[] } {
  const points: Point[] = [];
  return {
    points,
    put(name, value, _unit, dimensions) {
      points.push({ name, value, dimensions });
    },
  };
}

function depsFor(
  config: RotationConfig,
  now: Date,
  overrides: Partial<MonitorDeps> = {},
): MonitorDeps & { points: Point[]; dns: ReturnType<typeof fakeDns> } {
  const metrics = recordingMetrics();
  const dns = fakeDns();
  const sns = new SNSClient({ region: TOKYO });
  return {
    s3: aws.s3Client(TOKYO),
    bucket: BUCKET,
    config,
    ses: aws.sesClient,
    sfn: new SFNClient({ region: TOKYO }),
    stateMachineArn: STATE_MACHINE_ARN,
    ops: { sns, topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:ops' },
    dnsTeam: { sns, topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:dns-team' },
    verifyDkimRecord: dns.verify,
    metrics,
    sleep: async () => {},
    clock: () => now,
    logger: silentLogger,
    pacing: { sesIntervalMs: 0 },
    ...overrides,
    points: metrics.points,
    dns,
  };
}

const ACTIVE = 'mail-20250820-1';
const PENDING = 'mail-20261120-1';
const PREVIOUS = 'mail-20240501-1';

/** A domain signing with its ACTIVE key in SES (Tokyo) and the key store agreeing. */
async function healthyDomain(expiresAt: Date, stateAt = new Date(Date.UTC(2025, 7, 20))): Promise<string> {
  const domain = freshDomain();
  await storeKey(domain, { selector: ACTIVE, state: 'ACTIVE', keyPair: keyA, expiresAt, stateAt });
  aws.ses.seedIdentity(TOKYO, domain, { origin: 'EXTERNAL', selector: ACTIVE, privateKey: keyA.privateKey });
  return domain;
}

// The certificate expires at 09:30 JST on 10 December 2026 (00:30 UTC).
const EXPIRY = new Date('2026-12-10T00:30:00Z');
const FAR = new Date('2027-12-31T00:00:00Z');

describe('days until expiry and when a rotation starts (renewalAlertDays 16, Asia/Tokyo)', () => {
  it.each([
    ['17 days before (09:00 JST)', '2026-11-23T00:00:00Z', 17, 'none'],
    ['16 days before (09:00 JST)', '2026-11-24T00:00:00Z', 16, 'started'],
    ['23:59:59 JST, still 17 days in Tokyo', '2026-11-23T14:59:59Z', 17, 'none'],
    ['00:30 JST on the 24th while UTC still says the 23rd', '2026-11-23T15:30:00Z', 16, 'started'],
    ['the day of expiry, before the instant', '2026-12-10T00:00:00Z', 0, 'started'],
  ])('counts Tokyo calendar days %s', async (_when, nowIso, days, action) => {
    // GIVEN a healthy domain whose certificate expires at 09:30 JST on 10 December
    const domain = await healthyDomain(EXPIRY);
    const deps = depsFor(configFor([domain]), new Date(nowIso));

    // WHEN the monitor runs
    const { reports } = await runMonitor(deps, new Date(nowIso));

    // THEN days are counted on Tokyo's calendar and a rotation starts from 16 days
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ domain, selector: ACTIVE, daysUntilExpiry: days, action });
    expect(reports[0]?.findings.map((f) => f.check)).not.toContain('certificate-expired');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, action === 'started' ? 1 : 0);
  });

  it('starts the rotation with the next selector of the Tokyo day and the monitor as requester', async () => {
    // GIVEN a domain 16 days before expiry, at 00:30 JST on 24 November (UTC: 23 November)
    const domain = await healthyDomain(EXPIRY);
    const now = new Date('2026-11-23T15:30:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN the execution is <slug>-mail-20261124-1 with the domain in its input
    expect(reports[0]?.executionName).toMatch(/-mail-20261124-1$/);
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: STATE_MACHINE_ARN,
      input: JSON.stringify({ domain, selector: 'mail-20261124-1', requestedBy: 'monitor' }),
    });
  });

  it.each([
    ['at the expiry instant', '2026-12-10T00:30:00Z', 0],
    ['the day after', '2026-12-11T00:00:00Z', -1],
  ])('reports an expired certificate as CRITICAL %s', async (_when, nowIso, days) => {
    // GIVEN a certificate that expired
    const domain = await healthyDomain(EXPIRY);
    const now = new Date(nowIso);

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN it is CRITICAL and a rotation still starts
    expect(reports[0]).toMatchObject({ daysUntilExpiry: days, action: 'started' });
    expect(reports[0]?.findings).toContainEqual(
      expect.objectContaining({ check: 'certificate-expired', severity: 'CRITICAL' }),
    );
  });
});

describe('one rotation per domain', () => {
  it('starts nothing on a second run the same day: already-running', async () => {
    // GIVEN a domain due for rotation
    const domain = await healthyDomain(EXPIRY);
    const now = new Date('2026-11-24T00:00:00Z');
    const deps = depsFor(configFor([domain]), now);

    // WHEN the monitor runs twice the same day
    const first = await runMonitor(deps, now);
    const second = await runMonitor(deps, new Date(now.getTime() + 2 * HOUR));

    // THEN the first starts the rotation and the second starts nothing
    expect(first.reports[0]?.action).toBe('started');
    expect(second.reports[0]?.action).toBe('already-running');
    expect(sfnMock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(running).toHaveLength(1);
  });

  it('reports a failed start as CRITICAL instead of giving up on the other domains', async () => {
    // GIVEN two due domains and Step Functions refusing the first start
    const [first, second] = [await healthyDomain(EXPIRY), await healthyDomain(EXPIRY)];
    const now = new Date('2026-11-24T00:00:00Z');
    sfnMock
      .on(StartExecutionCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
      .resolves({ executionArn: 'arn:x', startDate: new Date() });

    // WHEN the monitor runs with one worker
    const { reports } = await runMonitor(
      depsFor(configFor([first as string, second as string]), now, {
        pacing: { sesIntervalMs: 0, concurrency: 1 },
      }),
      now,
    );

    // THEN the first reports rotation-start-failed and the second still starts
    expect(reports[0]?.findings).toContainEqual(
      expect.objectContaining({ check: 'rotation-start-failed', severity: 'CRITICAL' }),
    );
    expect(reports[1]?.action).toBe('started');
  });
});

describe('health checks from SES states', () => {
  it('reports nothing and sends nothing for a healthy domain far from expiry', async () => {
    // GIVEN a healthy domain
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN no finding, no action, no notification
    expect(reports[0]).toMatchObject({ action: 'none', findings: [], notificationsSent: 0 });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('leaves out a damaged metadata object of an old key and still starts the rotation that is due', async () => {
    // GIVEN a domain 16 days before expiry whose retired key's metadata.json was edited into nonsense
    const domain = await healthyDomain(EXPIRY);
    await put(keyPaths(domain, PREVIOUS).metadata, JSON.stringify({ state: 'RETIRED', note: 'edited' }));
    const now = new Date('2026-11-24T00:00:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN the key store is not "unreadable": the live key is seen and the rotation starts
    expect(reports[0]).toMatchObject({ selector: ACTIVE, daysUntilExpiry: 16, action: 'started' });
    expect(reports[0]?.findings.map((f) => f.check)).not.toContain('key-store-unreadable');
  });

  it.each(['FAILED', 'TEMPORARY_FAILURE'] as const)('reports SES %s as CRITICAL', async (status) => {
    // GIVEN a rotation's new key applied to SES, which then reports `status`
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');
    await storeKey(domain, {
      selector: PENDING,
      state: 'PENDING',
      keyPair: keyB,
      stateAt: now,
      dnsRequestedAt: new Date(now.getTime() - 2 * HOUR),
    });
    aws.ses.identities.addForcedOutcome({ status, afterMs: 0, identity: domain, times: 1 });
    aws.ses.identities.putSigning(aws.ses.identities.get(TOKYO, domain), {
      origin: 'EXTERNAL',
      key: signingKey(PENDING, keyB.privateKey),
    });

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN ses-dkim-failed is CRITICAL, in Tokyo, for the new selector (not drift: it is the PENDING key)
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({
        check: 'ses-dkim-failed',
        severity: 'CRITICAL',
        region: TOKYO,
        selector: PENDING,
      }),
    ]);
    expect(reports[0]?.ses[0]?.status).toBe(status);
  });

  it.each([
    [73, ['ses-pending-too-long']],
    [71, []],
  ])('warns when SES stays PENDING %i h after the DNS request (limit 72 h)', async (hours, checks) => {
    // GIVEN the new key applied to SES, whose record SES cannot find (PENDING)
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');
    await storeKey(domain, {
      selector: PENDING,
      state: 'PENDING',
      keyPair: keyB,
      stateAt: now,
      dnsRequestedAt: new Date(now.getTime() - hours * HOUR),
    });
    aws.ses.identities.putSigning(aws.ses.identities.get(TOKYO, domain), {
      origin: 'EXTERNAL',
      key: signingKey(PENDING, keyB.privateKey),
    });

    // WHEN the monitor runs (DNS serves the new record)
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN only the pending check, as a WARNING, past 72 h
    expect(reports[0]?.findings.map((f) => f.check)).toEqual(checks);
    expect(reports[0]?.findings.every((f) => f.severity === 'WARNING')).toBe(true);
    expect(reports[0]?.ses[0]?.status).toBe('PENDING');
  });

  it('reports SES signing with a selector that is not the ACTIVE one as CRITICAL drift', async () => {
    // GIVEN SES signing with a selector the key store does not know
    const domain = await healthyDomain(FAR);
    aws.ses.seedIdentity(TOKYO, domain, {
      origin: 'EXTERNAL',
      selector: 'handmade-1',
      privateKey: keyC.privateKey,
    });
    const now = new Date('2026-11-23T00:00:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN drift is CRITICAL and names the selector SES uses
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'signing-drift', severity: 'CRITICAL', selector: 'handmade-1' }),
    ]);
  });

  it('reports disabled signing as CRITICAL', async () => {
    // GIVEN the ACTIVE key in SES with signing turned off
    const domain = await healthyDomain(FAR);
    aws.ses.seedIdentity(TOKYO, domain, {
      origin: 'EXTERNAL',
      selector: ACTIVE,
      privateKey: keyA.privateKey,
      signingEnabled: false,
    });
    const now = new Date('2026-11-23T00:00:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN signing-disabled is CRITICAL
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'signing-disabled', severity: 'CRITICAL', region: TOKYO }),
    ]);
  });

  it('reports Easy DKIM (origin not EXTERNAL) as CRITICAL', async () => {
    // GIVEN SES back on Easy DKIM
    const domain = await healthyDomain(FAR);
    aws.ses.seedIdentity(TOKYO, domain, { origin: 'AWS_SES' });
    const now = new Date('2026-11-23T00:00:00Z');

    // WHEN the monitor runs
    const { reports } = await runMonitor(depsFor(configFor([domain]), now), now);

    // THEN origin-not-external is CRITICAL
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'origin-not-external', severity: 'CRITICAL', region: TOKYO }),
    ]);
  });

  it('checks every configured region and reports the one without the identity', async () => {
    // GIVEN a domain configured in Tokyo and Osaka but created in Tokyo only
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');

    // WHEN the monitor runs
    const deps = depsFor(configFor([domain], [TOKYO, OSAKA]), now);
    const { reports } = await runMonitor(deps, now);

    // THEN Osaka's missing identity is CRITICAL and Tokyo's status is a metric
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'ses-identity-missing', severity: 'CRITICAL', region: OSAKA }),
    ]);
    expect(deps.points).toContainEqual({
      name: 'DkimVerificationStatus',
      value: 1,
      dimensions: { Domain: domain, Region: TOKYO },
    });
  });
});

describe('health checks from DNS verdicts', () => {
  it.each([
    [49, 'missing', ['dns-record-missing'], 1],
    [49, 'served', [], 1],
    [47, 'missing', [], 0],
  ] as const)(
    'after %i h with the new record %s reports %j (asks DNS %i time(s) about it)',
    async (hours, answer, checks, asked) => {
      // GIVEN a rotation waiting for the DNS team since `hours` ago
      const domain = await healthyDomain(FAR);
      const now = new Date('2026-11-23T00:00:00Z');
      await storeKey(domain, {
        selector: PENDING,
        state: 'PENDING',
        keyPair: keyB,
        stateAt: now,
        dnsRequestedAt: new Date(now.getTime() - hours * HOUR),
      });
      const deps = depsFor(configFor([domain]), now);
      const dns = fakeDns({ [PENDING]: answer });

      // WHEN the monitor runs
      const { reports } = await runMonitor({ ...deps, verifyDkimRecord: dns.verify }, now);

      // THEN the record is checked only once 48 h passed, and missing is CRITICAL
      expect(reports[0]?.findings.map((f) => f.check)).toEqual(checks);
      expect(reports[0]?.findings.every((f) => f.severity === 'CRITICAL')).toBe(true);
      expect(dns.questions.filter((q) => q.selector === PENDING)).toHaveLength(asked);
    },
  );

  it.each([
    [8, 'served', ['old-record-still-published']],
    [8, 'missing', []],
    [6, 'served', []],
  ] as const)('%i days after the switch with the old record %s reports %j', async (days, answer, checks) => {
    // GIVEN a PREVIOUS key replaced `days` ago
    const now = new Date('2026-11-23T00:00:00Z');
    const switchedAt = new Date(now.getTime() - days * DAY);
    const domain = await healthyDomain(FAR, switchedAt);
    await storeKey(domain, { selector: PREVIOUS, state: 'PREVIOUS', keyPair: keyC, stateAt: switchedAt });
    const deps = depsFor(configFor([domain]), now);
    const dns = fakeDns({ [PREVIOUS]: answer });

    // WHEN the monitor runs
    const { reports } = await runMonitor({ ...deps, verifyDkimRecord: dns.verify }, now);

    // THEN a WARNING once 7 days passed and the record is still there; the check asks for "retired"
    expect(reports[0]?.findings.map((f) => f.check)).toEqual(checks);
    expect(reports[0]?.findings.every((f) => f.severity === 'WARNING')).toBe(true);
    const asked = dns.questions.filter((q) => q.selector === PREVIOUS);
    expect(asked.map((q) => q.expect)).toEqual(days >= 7 ? ['retired'] : []);
  });

  it('reports the ACTIVE record not served as CRITICAL and DnsRecordConsistency 0', async () => {
    // GIVEN the record of the key SES signs with vanished from DNS
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');
    const deps = depsFor(configFor([domain]), now);

    // WHEN the monitor runs
    const { reports } = await runMonitor(
      { ...deps, verifyDkimRecord: fakeDns({ [ACTIVE]: 'missing' }).verify },
      now,
    );

    // THEN CRITICAL and the consistency metric says 0
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'active-record-not-served', severity: 'CRITICAL' }),
    ]);
    expect(deps.points).toContainEqual({
      name: 'DnsRecordConsistency',
      value: 0,
      dimensions: { Domain: domain },
    });
  });

  it('concludes nothing about a record when the name servers cannot be asked', async () => {
    // GIVEN name servers that do not answer
    const domain = await healthyDomain(FAR);
    const now = new Date('2026-11-23T00:00:00Z');
    const deps = depsFor(configFor([domain]), now);

    // WHEN the monitor runs
    const { reports } = await runMonitor(
      { ...deps, verifyDkimRecord: fakeDns({ [ACTIVE]: 'lookup-failed' }).verify },
      now,
    );

    // THEN a WARNING, no CRITICAL, and no consistency data point
    expect(reports[0]?.findings).toEqual([
      expect.objectContaining({ check: 'dns-lookup-failed', severity: 'WARNING' }),
    ]);
    expect(deps.points.filter((p) => p.name === 'DnsRecordConsistency')).toEqual([]);
  });
});

describe('notifications', () => {
  it('sends one bilingual notification with the highest severity to operators, DNS findings to the DNS team', async () => {
    // GIVEN a due domain whose new record is missing after 49 h
    const domain = await healthyDomain(EXPIRY);
    const now = new Date('2026-11-24T00:00:00Z');
    await storeKey(domain, {
      selector: PENDING,
      state: 'PENDING',
      keyPair: keyB,
      stateAt: now,
      dnsRequestedAt: new Date(now.getTime() - 49 * HOUR),
    });
    const deps = depsFor(configFor([domain]), now);

    // WHEN the monitor runs
    const { reports } = await runMonitor(
      { ...deps, verifyDkimRecord: fakeDns({ [PENDING]: 'missing' }).verify },
      now,
    );

    // THEN operators get a CRITICAL message in Japanese and English, the DNS team its own
    expect(reports[0]?.notificationsSent).toBe(2);
    const calls = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.TopicArn)).toEqual([deps.ops.topicArn, deps.dnsTeam?.topicArn]);
    expect(calls[0]?.Subject).toMatch(/^\[CRITICAL\] DKIM 監視 .* \/ DKIM monitor /);
    expect(calls[0]?.Message).toContain('新しい DKIM レコードが未登録');
    expect(calls[0]?.Message).toContain('New DKIM record still missing');
    expect(calls[0]?.MessageAttributes?.severity?.StringValue).toBe('CRITICAL');
    expect(calls[1]?.Message).not.toContain('certificate-expiring');
    expect(deps.points).toContainEqual({
      name: 'NotificationsSent',
      value: 2,
      dimensions: { Domain: domain },
    });
  });
});

describe('metrics (Powertools EMF)', () => {
  it('emits the monitor metrics in the configured namespace with Domain and Region dimensions', async () => {
    // GIVEN Powertools writing EMF to the console and a due domain
    // (POWERTOOLS_DEV sends EMF to the global console, where it can be captured; it also disables
    // metrics unless POWERTOOLS_METRICS_DISABLED says otherwise.)
    process.env.POWERTOOLS_DEV = 'true';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const domain = await healthyDomain(EXPIRY);
    const now = new Date('2026-11-24T00:00:00Z');
    const config = parseConfig({ ...configFor([domain]), metricsNamespace: 'Test/Byodkim' });
    const metrics = new Metrics({ namespace: config.metricsNamespace, serviceName: 'byodkim-monitor' });
    const deps = depsFor(config, now, { metrics: powertoolsMetricsSink(metrics) });

    // WHEN the monitor runs and the handler flushes
    await runMonitor(deps, now);
    metrics.publishStoredMetrics();

    // THEN each metric is in EMF, in the namespace, per domain and for the fleet
    const emf = lines
      .filter((line) => line.includes('"_aws"'))
      .map(
        (line) =>
          JSON.parse(line) as Record<string, unknown> & {
            _aws: {
              CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
            };
          },
      );
    const find = (name: string, dimensions: string[]) =>
      emf.find((record) =>
        record._aws.CloudWatchMetrics.some(
          (directive) =>
            directive.Namespace === 'Test/Byodkim' &&
            directive.Metrics.some((metric) => metric.Name === name) &&
            JSON.stringify([...(directive.Dimensions[0] ?? [])].sort()) ===
              JSON.stringify([...dimensions].sort()),
        ),
      );
    expect(find('DaysUntilExpiry', ['service', 'Domain'])).toMatchObject({
      Domain: domain,
      DaysUntilExpiry: 16,
    });
    expect(find('DaysUntilExpiry', ['service'])).toMatchObject({ DaysUntilExpiry: 16 });
    expect(find('DkimVerificationStatus', ['service', 'Domain', 'Region'])).toMatchObject({
      Domain: domain,
      Region: TOKYO,
      DkimVerificationStatus: 1,
    });
    expect(find('RotationStarted', ['service', 'Domain'])).toMatchObject({ RotationStarted: 1 });
    expect(find('DnsRecordConsistency', ['service', 'Domain'])).toMatchObject({ DnsRecordConsistency: 1 });
    expect(find('NotificationsSent', ['service', 'Domain'])).toMatchObject({ NotificationsSent: 1 });
    expect(find('HealthCheckFindings', ['service', 'Check'])).toMatchObject({
      Check: 'certificate-expiring',
    });
    expect(find('DomainsChecked', ['service'])).toMatchObject({ DomainsChecked: 1 });
  });
});
