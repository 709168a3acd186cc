/**
 * `byodkim status` for the fleet (cli/fleet-status.ts) against the S3 and SES v2 stand-ins (real
 * SDK clients over HTTP, SES throttled at its real 1 request/s) and an in-memory Step Functions:
 * one SES request per region for the whole fleet, the running rotation found by name and input,
 * and the reasons a domain needs an operator.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  ListEmailIdentitiesCommand,
  PutEmailIdentityDkimSigningAttributesCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { fleetStatus } from '../../cli/fleet-status';
import type { Target } from '../../cli/target';
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import { parseConfig } from '../../shared/config';
import { createDkimCertificate } from '../../shared/dkim/certificate';
import { generateDkimKeyPair, privateKeyToPem } from '../../shared/dkim/keys';
import { executionName } from '../../shared/rotation/execution-name';
import { keyPaths } from '../../shared/rotation/key-store';

const REGION = 'ap-northeast-1';
const BUCKET = 'fleet-status';
const NOW = new Date('2026-11-24T00:00:00Z');
const SELECTOR = 'fleet-20250820-1';
const DOMAINS = Array.from({ length: 12 }, (_, index) => `d${index}.fleet.example.jp`);
const [NO_KEY, DUE, DUE_ROTATING, NO_IDENTITY, PENDING] = DOMAINS;
const MACHINE = 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:byodkim';
const RUNNING_NAME = executionName(DUE_ROTATING as string, 'fleet-20261120-1');
const RUNNING_ARN = `arn:aws:states:ap-northeast-1:123456789012:execution:byodkim:${RUNNING_NAME}`;

let aws: LocalAws;
let target: Target;

/** Step Functions with one running rotation (of DUE_ROTATING) and one unrelated execution. */
function fakeSfn(): SFNClient {
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      switch (command.constructor.name) {
        case 'ListExecutionsCommand':
          expect(command.input.statusFilter).toBe('RUNNING');
          return {
            executions: [
              { executionArn: RUNNING_ARN, name: RUNNING_NAME },
              { executionArn: `${MACHINE}:by-hand`, name: 'by-hand' },
            ],
          };
        case 'DescribeExecutionCommand':
          return {
            executionArn: RUNNING_ARN,
            name: RUNNING_NAME,
            status: 'RUNNING',
            input: JSON.stringify({ domain: DUE_ROTATING }),
          };
        case 'GetExecutionHistoryCommand':
          return {
            events: [{ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'NotifyDnsTeam' } }],
          };
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  } as unknown as SFNClient;
}

beforeAll(async () => {
  aws = await startLocalAws({
    // Only PENDING's new key is unpublished: its switch stays PENDING.
    isKeyPublished: async (domain) => domain !== PENDING,
    buckets: [BUCKET],
  });
  const key = await generateDkimKeyPair(1024);
  const certificateExpiring = async (expiresAt: Date) =>
    (
      await createDkimCertificate({
        keyPair: key,
        domain: 'fleet.example.jp',
        selector: SELECTOR,
        validityDays: 400,
        now: new Date(expiresAt.getTime() - 400 * 86_400_000),
      })
    ).pem;
  const far = await certificateExpiring(new Date('2027-10-01T00:30:00Z'));
  const soon = await certificateExpiring(new Date('2026-12-04T00:30:00Z'));
  const s3 = aws.s3Client(REGION);
  for (const domain of DOMAINS) {
    if (domain !== NO_IDENTITY) {
      aws.ses.seedIdentity(REGION, domain, {
        origin: 'EXTERNAL',
        selector: SELECTOR,
        privateKey: key.privateKey,
      });
    }
    if (domain === NO_KEY) continue;
    const paths = keyPaths(domain, SELECTOR);
    const at = '2025-08-20T00:30:00.000Z';
    const certificate = domain === DUE || domain === DUE_ROTATING ? soon : far;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: paths.certificate, Body: certificate }));
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
  }
  // PENDING switches to a key nobody published: SES keeps it PENDING.
  await new SESv2Client(aws.sesClientConfig(REGION)).send(
    new PutEmailIdentityDkimSigningAttributesCommand({
      EmailIdentity: PENDING,
      SigningAttributesOrigin: 'EXTERNAL',
      SigningAttributes: {
        DomainSigningSelector: 'fleet-20261124-1',
        DomainSigningPrivateKey: privateKeyToPem(key.privateKey)
          .replace(/-----[^-]+-----/g, '')
          .replace(/\s+/g, ''),
      },
    }),
  );
  target = {
    kind: 'local',
    config: parseConfig({
      domains: DOMAINS.map((domain) => ({
        domain,
        regions: [REGION],
        selectorPrefix: 'fleet',
        renewalAlertDays: 16,
        dnsTeamEmails: ['dns@example.jp'],
        opsEmails: ['ops@example.jp'],
      })),
    }),
    stateMachineArn: MACHINE,
    bucket: BUCKET,
    s3,
    sfn: fakeSfn(),
    ses: (region) => aws.sesClient(region),
    dnsOptions: {},
    close: () => undefined,
  };
}, 30_000);

afterAll(async () => {
  await aws.stop();
});

it('reads the whole fleet with one SES listing per region and says who needs an operator', async () => {
  const before = aws.ses.requests().length;
  const fleet = await fleetStatus(target, NOW);

  const listed = aws.ses.requests().slice(before);
  expect(listed.every((request) => request.operation === 'ListEmailIdentities')).toBe(true);
  expect(listed.filter((request) => request.status === 200)).toHaveLength(1);
  expect(fleet.domains.map((row) => row.domain)).toEqual(DOMAINS);
  const row = (domain: string | undefined) => fleet.domains.find((entry) => entry.domain === domain);
  expect(row(NO_KEY)).toMatchObject({
    activeSelector: null,
    attention: ['no active key recorded (import or rotate)'],
  });
  expect(row(DUE)).toMatchObject({ daysUntilExpiry: 10, rotation: null });
  expect(row(DUE)?.attention).toEqual(['expires in 10 days and no rotation runs']);
  expect(row(DUE_ROTATING)).toMatchObject({
    rotation: { execution: RUNNING_NAME, currentState: 'NotifyDnsTeam' },
    attention: ['expires in 10 days'],
  });
  expect(row(NO_IDENTITY)?.ses).toEqual([{ region: REGION, verificationStatus: null, sendingEnabled: null }]);
  expect(row(NO_IDENTITY)?.attention).toEqual([`no SES identity in ${REGION}`]);
  expect(row(PENDING)?.attention).toEqual([`SES PENDING in ${REGION}`]);
  expect(row(DOMAINS[11])).toMatchObject({
    activeSelector: SELECTOR,
    ses: [{ region: REGION, verificationStatus: 'SUCCESS', sendingEnabled: true }],
    attention: [],
  });
});

it('pages ListEmailIdentities as SES does: NextToken until the end, PageSize at most 1000', async () => {
  // Throttling off here: this is about pages, not pace.
  const unthrottled = await startLocalAws({ isKeyPublished: async () => true, ses: { throttle: false } });
  const { privateKey } = await generateDkimKeyPair(1024);
  for (const domain of DOMAINS)
    unthrottled.ses.seedIdentity(REGION, domain, { origin: 'EXTERNAL', selector: SELECTOR, privateKey });
  const ses = unthrottled.sesClient(REGION);
  try {
    const first = await ses.send(new ListEmailIdentitiesCommand({ PageSize: 5 }));
    expect(first.EmailIdentities).toHaveLength(5);
    expect(first.NextToken).toEqual(expect.any(String));
    const rest = await ses.send(
      new ListEmailIdentitiesCommand({ PageSize: 1000, NextToken: first.NextToken }),
    );
    expect(rest.NextToken).toBeUndefined();
    expect([...(first.EmailIdentities ?? []), ...(rest.EmailIdentities ?? [])]).toHaveLength(DOMAINS.length);
    const addresses = await ses.send(
      new ListEmailIdentitiesCommand({ Filter: { IDENTITY_TYPE: 'EMAIL_ADDRESS' }, PageSize: 1000 }),
    );
    expect(addresses.EmailIdentities).toEqual([]);
    await expect(ses.send(new ListEmailIdentitiesCommand({ PageSize: 1001 }))).rejects.toMatchObject({
      name: 'BadRequestException',
    });
  } finally {
    await unthrottled.stop();
  }
});
