/**
 * `byodkim status` for 1,000 domains (cli/fleet-status.ts) against the local S3 and SES v2
 * stand-ins over HTTP, SES throttled at its real 1 request/s per region (burst 1), two regions;
 * Step Functions is an in-memory fake with 50 running rotations (each described and its history
 * read once). Every domain has an ACTIVE key (metadata + certificate) and an identity per region.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { fleetStatus } from '../cli/fleet-status';
import type { Target } from '../cli/target';
import { startLocalAws } from '../local/aws-stand-ins';
import { parseConfig } from '../shared/config';
import { createDkimCertificate } from '../shared/dkim/certificate';
import { generateDkimKeyPair } from '../shared/dkim/keys';
import { executionName } from '../shared/rotation/execution-name';
import { keyPaths } from '../shared/rotation/key-store';
import type { BenchRow } from './stats';

const DOMAINS = 1000;
const RUNNING = 50;
const REGIONS = ['ap-northeast-1', 'us-east-1'];
const BUCKET = 'bench-fleet-status';
const SELECTOR = 'bench-20250820-1';
const MACHINE = 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:bench';

/** Step Functions with the first RUNNING domains rotating; counts its calls. */
function fakeSfn(domains: readonly string[], calls: { count: number }): SFNClient {
  const running = domains.slice(0, RUNNING).map((domain) => {
    const name = executionName(domain, 'bench-20261124-1');
    return { domain, name, executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}` };
  });
  return {
    send: async (command: { constructor: { name: string }; input: { executionArn?: string } }) => {
      calls.count += 1;
      const execution = running.find((entry) => entry.executionArn === command.input.executionArn);
      switch (command.constructor.name) {
        case 'ListExecutionsCommand':
          return { executions: running.map(({ name, executionArn }) => ({ name, executionArn })) };
        case 'DescribeExecutionCommand':
          return { ...execution, status: 'RUNNING', input: JSON.stringify({ domain: execution?.domain }) };
        default:
          return { events: [{ stateEnteredEventDetails: { name: 'WaitForDnsRecord' } }] };
      }
    },
  } as unknown as SFNClient;
}

export async function benchFleetStatus(): Promise<BenchRow[]> {
  const key = await generateDkimKeyPair(1024);
  const certificate = await createDkimCertificate({
    keyPair: key,
    domain: 'bench.example.jp',
    selector: SELECTOR,
    validityDays: 456,
    now: new Date('2026-06-01T00:30:00Z'),
  });
  const domains = Array.from({ length: DOMAINS }, (_, index) => `d${index}.bench.example.jp`);
  const aws = await startLocalAws({ isKeyPublished: async () => true, buckets: [BUCKET] });
  try {
    const s3 = aws.s3Client(REGIONS[0] as string);
    for (let start = 0; start < domains.length; start += 50) {
      await Promise.all(
        domains.slice(start, start + 50).map(async (domain) => {
          const paths = keyPaths(domain, SELECTOR);
          const at = '2025-08-20T00:30:00.000Z';
          await s3.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: paths.certificate, Body: certificate.pem }),
          );
          await s3.send(
            new PutObjectCommand({
              Bucket: BUCKET,
              Key: paths.metadata,
              Body: JSON.stringify({
                schemaVersion: 1,
                domain,
                selector: SELECTOR,
                state: 'ACTIVE',
                createdAt: at,
                history: [],
              }),
            }),
          );
          for (const region of REGIONS) {
            aws.ses.seedIdentity(region, domain, {
              origin: 'EXTERNAL',
              selector: SELECTOR,
              privateKey: key.privateKey,
            });
          }
        }),
      );
    }
    const sfnCalls = { count: 0 };
    const target: Target = {
      kind: 'local',
      config: parseConfig({
        domains: domains.map((domain) => ({
          domain,
          regions: REGIONS,
          selectorPrefix: 'bench',
          dnsTeamEmails: ['dns@example.jp'],
          opsEmails: ['ops@example.jp'],
        })),
      }),
      stateMachineArn: MACHINE,
      bucket: BUCKET,
      s3,
      sfn: fakeSfn(domains, sfnCalls),
      ses: (region) => aws.sesClient(region),
      dnsOptions: {},
      close: () => undefined,
    };
    const before = aws.ses.requests().length;
    const started = process.hrtime.bigint();
    const fleet = await fleetStatus(target, new Date('2026-11-24T00:00:00Z'));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const ses = aws.ses.requests().slice(before);
    const s3Requests = fleet.domains.length * 3;
    return [
      {
        benchmark: 'fleet status',
        metric: `byodkim status, ${DOMAINS} domains × ${REGIONS.length} regions (local stand-ins, SES at 1 request/s)`,
        value: ms / 1000,
        unit: 's',
        note: `${ses.filter((request) => request.status === 200).length} SES requests answered, ${ses.filter((request) => request.error === 'TooManyRequestsException').length} throttled; ${sfnCalls.count} Step Functions calls (${RUNNING} running rotations); about ${s3Requests} S3 requests; ${fleet.domains.filter((row) => row.attention.length > 0).length} domain(s) flagged`,
      },
      {
        benchmark: 'fleet status',
        metric: `the same with one GetEmailIdentity per domain and region (the per-domain view), projected`,
        value: (DOMAINS * REGIONS.length * 1000) / REGIONS.length / 1000,
        unit: 's',
        note: 'SES allows 1 identity request/s per region (regions in parallel): why the fleet view lists identities instead',
      },
    ];
  } finally {
    await aws.stop();
  }
}
