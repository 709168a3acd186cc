/**
 * The monitor over 1,000 domains against the local S3 and SES v2 stand-ins (real SDK clients over
 * HTTP on 127.0.0.1): every domain has an ACTIVE key (metadata + certificate) and an SES identity
 * signing with it; one domain in ten is due, so its rotation is started (Step Functions and SNS
 * are in-memory fakes, DNS answers "served" at once: this measures the monitor, not DNS).
 *
 * Two runs: pacing off with the stand-in's throttle off (the monitor's own cost), then pacing
 * scaled 1/100 (11 ms between SES calls) against the stand-in throttling at 100 requests/s per
 * region (SES's 1/s, scaled the same way), which must answer no TooManyRequestsException. The
 * production figure is projected from the interval: SES's quota, not our code, sets it.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SNSClient } from '@aws-sdk/client-sns';
import { startLocalAws } from '../local/aws-stand-ins';
import { parseConfig } from '../shared/config';
import { createDkimCertificate } from '../shared/dkim/certificate';
import { generateDkimKeyPair } from '../shared/dkim/keys';
import type { DnsVerification } from '../shared/dns/types';
import type { MetricsSink } from '../shared/monitoring/metrics';
import { DEFAULT_SES_INTERVAL_MS, realSleep } from '../shared/monitoring/pacer';
import { keyPaths } from '../shared/rotation/key-store';
import { silentLogger } from '../shared/rotation/runtime';
import { type MonitorDeps, runMonitor } from '../tasks/monitor/logic';
import type { BenchRow } from './stats';

const DOMAINS = 1000;
const REGION = 'ap-northeast-1';
const BUCKET = 'bench-monitor';
const NOW = new Date('2026-11-24T00:00:00Z');
const SCALE = 20;
const LAMBDA_BUDGET_S = 900 - 60;

/** An in-memory Step Functions: no execution running, every start accepted. */
function fakeSfn(): SFNClient {
  return {
    send: async (command: { constructor: { name: string } }) =>
      command.constructor.name === 'StartExecutionCommand'
        ? { executionArn: 'arn:aws:states:ap-northeast-1:123456789012:execution:bench:x', startDate: NOW }
        : { executions: [] },
  } as unknown as SFNClient;
}

export async function benchMonitor(): Promise<BenchRow[]> {
  const key = await generateDkimKeyPair(1024);
  const selector = 'bench-20250820-1';
  // Two certificates: one far from expiry, one 16 days before it (due).
  const [far, due] = await Promise.all(
    [new Date('2027-10-01T00:30:00Z'), new Date('2026-12-10T00:30:00Z')].map((expiresAt) =>
      createDkimCertificate({
        keyPair: key,
        domain: 'bench.example.jp',
        selector,
        validityDays: 456,
        now: new Date(expiresAt.getTime() - 456 * 86_400_000),
      }),
    ),
  );
  const domains = Array.from({ length: DOMAINS }, (_, index) => `d${index}.bench.example.jp`);
  const config = parseConfig({
    domains: domains.map((domain) => ({
      domain,
      regions: [REGION],
      selectorPrefix: 'bench',
      dnsTeamEmails: ['dns@example.jp'],
      opsEmails: ['ops@example.jp'],
    })),
  });
  const served = async (input: { domain: string; selector: string }): Promise<DnsVerification> => ({
    verified: true,
    recordName: `${input.selector}._domainkey.${input.domain}`,
    zone: input.domain,
    servers: [],
    message: 'bench',
  });

  const run = async (intervalMs: number, throttle: false | { requestsPerSecond: number; burst: number }) => {
    const aws = await startLocalAws({
      isKeyPublished: async () => true,
      buckets: [BUCKET],
      ses: { throttle },
    });
    try {
      const s3 = aws.s3Client(REGION);
      for (let start = 0; start < domains.length; start += 50) {
        await Promise.all(
          domains.slice(start, start + 50).map(async (domain, offset) => {
            const certificate = (start + offset) % 10 === 0 ? due : far;
            const paths = keyPaths(domain, selector);
            const at = '2025-08-20T00:30:00.000Z';
            await s3.send(
              new PutObjectCommand({ Bucket: BUCKET, Key: paths.certificate, Body: certificate?.pem }),
            );
            await s3.send(
              new PutObjectCommand({
                Bucket: BUCKET,
                Key: paths.metadata,
                Body: JSON.stringify({
                  schemaVersion: 1,
                  domain,
                  selector,
                  state: 'ACTIVE',
                  createdAt: at,
                  history: [{ state: 'ACTIVE', at, reason: 'bench' }],
                }),
              }),
            );
            aws.ses.seedIdentity(REGION, domain, {
              origin: 'EXTERNAL',
              selector,
              privateKey: key.privateKey,
            });
          }),
        );
      }
      let points = 0;
      const dispatched: number[] = [];
      const metrics: MetricsSink = {
        put() {
          points += 1;
        },
      };
      const deps: MonitorDeps = {
        s3,
        bucket: BUCKET,
        config,
        ses: (region) => {
          const client = aws.sesClient(region);
          return {
            send: (command: Parameters<typeof client.send>[0]) => {
              dispatched.push(performance.now());
              return client.send(command);
            },
          } as unknown as SESv2Client;
        },
        sfn: fakeSfn(),
        stateMachineArn: 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:bench',
        ops: {
          sns: { send: async () => ({ MessageId: 'bench' }) } as unknown as SNSClient,
          topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:ops',
        },
        verifyDkimRecord: served,
        metrics,
        sleep: realSleep,
        clock: () => new Date(),
        logger: silentLogger,
        pacing: { sesIntervalMs: intervalMs, concurrency: 8 },
      };
      const before = aws.ses.requests().length;
      const started = process.hrtime.bigint();
      const result = await runMonitor(deps, NOW);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const requests = aws.ses.requests().slice(before);
      return {
        ms,
        checked: result.reports.length,
        started: result.reports.filter((report) => report.action === 'started').length,
        throttled: requests.filter((request) => request.error === 'TooManyRequestsException').length,
        unreadable: result.reports.filter((report) =>
          report.findings.some((f) => f.check === 'ses-unreadable'),
        ).length,
        minGapMs: Math.min(...dispatched.slice(1).map((at, index) => at - (dispatched[index] ?? at))),
        points,
      };
    } finally {
      await aws.stop();
    }
  };

  const unpaced = await run(0, false);
  const scaledInterval = Math.round(DEFAULT_SES_INTERVAL_MS / SCALE);
  const paced = await run(scaledInterval, { requestsPerSecond: SCALE, burst: 1 });
  const projectedS = (DOMAINS * DEFAULT_SES_INTERVAL_MS) / 1000;
  return [
    {
      benchmark: 'monitor',
      metric: `monitor, ${DOMAINS} domains, pacing off (monitor's own cost)`,
      value: unpaced.ms / 1000,
      unit: 's',
      note: `local S3 + SES stand-ins, SES throttle off; ${unpaced.checked} checked, ${unpaced.started} rotations started, ${unpaced.points} metric points; DNS, Step Functions, SNS faked in memory`,
    },
    {
      benchmark: 'monitor',
      metric: `monitor, ${DOMAINS} domains, pacing scaled 1/${SCALE} (${scaledInterval} ms per SES call)`,
      value: paced.ms / 1000,
      unit: 's',
      note: `stand-in throttling at ${SCALE} req/s (SES 1/s × ${SCALE}); smallest gap between two SES calls as sent: ${paced.minGapMs.toFixed(1)} ms; ${paced.throttled} TooManyRequestsException seen by the in-process stand-in (its event loop queues requests the monitor sent apart; the SDK retried them: ${paced.unreadable} domain(s) unreadable); ${paced.checked} checked`,
    },
    {
      benchmark: 'monitor',
      metric: `monitor, ${DOMAINS} domains, projected in AWS at ${DEFAULT_SES_INTERVAL_MS} ms per SES call`,
      value: projectedS,
      unit: 's',
      note: `paced by SES's 1 request/s per region (regions in parallel); ${Math.ceil(projectedS / LAMBDA_BUDGET_S)} chained invocations of ${LAMBDA_BUDGET_S} s usable each`,
    },
  ];
}
