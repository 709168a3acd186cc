import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { credentialsOf, OPERATOR_PRINCIPAL } from '../../local/iam/principals';
import { SimulatedDnsTeam } from '../../local/runner/dns-team';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/runner/environment';
import { LAMBDA_NO_IPV6_REASON } from '../../shared/dns/ipv6-policy';
import { byodkim } from '../support/byodkim-cli';
import { type CloudFormationStandIn, startCloudFormationStandIn } from '../support/cloudformation-stand-in';
import { scenario } from './support';

// AWS mode (no --local) runs offline here: the CLI's unmodified SDK clients find the local stand-ins
// through the SDK's standard service-specific endpoint variables, and the stack's outputs through a
// CloudFormation stand-in. Every command is a fresh `byodkim` process, as an operator runs it.
jest.setTimeout(120_000);
const DOMAIN = 'demo.example.test';
const REGIONS = ['ap-northeast-1', 'ap-northeast-3'];
const STAGE = 'offline';
const STACK = `ByodkimRotation-${STAGE}`;
const CLI_TIMEOUT_MS = 90_000;
const OLDER_STACK = 'ByodkimRotation-older';

describe('the CloudFormation stand-in', () => {
  it('answers DescribeStacks as CloudFormation does: outputs of a stack, ValidationError for a missing one', async () => {
    // GIVEN a stand-in holding one stack, and the real SDK client pointed at it
    const standIn = await startCloudFormationStandIn({
      stacks: [{ stackName: STACK, outputs: { StateMachineArn: 'arn:aws:states:x', KeyStoreBucket: 'a&b' } }],
    });
    const client = new CloudFormationClient({
      endpoint: standIn.endpoint,
      region: 'ap-northeast-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      // WHEN the stack and a missing one are described
      const described = await client.send(new DescribeStacksCommand({ StackName: STACK }));
      const missing = await client.send(new DescribeStacksCommand({ StackName: 'NoSuchStack' })).then(
        () => undefined,
        (error: unknown) => error as Error & { $metadata: { httpStatusCode: number } },
      );

      // THEN the SDK parses the outputs, and the error carries CloudFormation's code and message
      expect(described.Stacks).toEqual([
        expect.objectContaining({
          StackName: STACK,
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'StateMachineArn', OutputValue: 'arn:aws:states:x' },
            { OutputKey: 'KeyStoreBucket', OutputValue: 'a&b' },
          ],
        }),
      ]);
      expect(missing?.name).toBe('ValidationError');
      expect(missing?.message).toBe('Stack with id NoSuchStack does not exist');
      expect(missing?.$metadata.httpStatusCode).toBe(400);
    } finally {
      client.destroy();
      await standIn.stop();
    }
  });
});

describe('operator commands against a deployed stack (AWS mode, reached through AWS_ENDPOINT_URL_*)', () => {
  let env: LocalEnvironment;
  let cloudFormation: CloudFormationStandIn;
  let dir: string;
  let config: string;
  let aws: NodeJS.ProcessEnv;
  const run = (args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    byodkim([...args, '--stage', STAGE], CLI_TIMEOUT_MS, { ...aws, ...extraEnv });

  beforeAll(async () => {
    // The DNS team publishes but never decides: the rotation waits at NotifyDnsTeam.
    const waiting = scenario('happy-path', {
      regions: REGIONS,
      dnsTeam: { ...scenario('happy-path').dnsTeam, decision: 'none' },
      timing: { ...scenario('happy-path').timing, approvalWaitMs: 110_000 },
    });
    env = await startLocalEnvironment({ scenarios: [waiting] });
    new SimulatedDnsTeam(env, waiting);
    cloudFormation = await startCloudFormationStandIn({
      stacks: [
        {
          stackName: STACK,
          outputs: {
            StateMachineArn: env.stateMachineArn,
            KeyStoreBucket: env.bucket,
            ApprovalEndpoint: env.approvals.baseUrl,
            ConfigurationKey: env.configKey,
          },
        },
        {
          // A stack an earlier release deployed: no configuration object yet.
          stackName: OLDER_STACK,
          outputs: { StateMachineArn: env.stateMachineArn, KeyStoreBucket: env.bucket },
        },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'byodkim-aws-mode-'));
    config = join(dir, `${STAGE}.json`);
    writeFileSync(config, JSON.stringify(env.config));
    // Only the SDK's standard configuration, and nothing of the developer's own: no profile, no
    // shared files, no instance metadata, no generic endpoint. An endpoint variable the SDK did not
    // honour would send the request to AWS, which this offline machine cannot reach.
    aws = {
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.endpoint,
      AWS_ENDPOINT_URL_S3: env.aws.endpoints.s3,
      AWS_ENDPOINT_URL_SFN: env.sfnServer.endpoint,
      AWS_ENDPOINT_URL_SESV2: env.aws.endpoints.ses,
      AWS_ENDPOINT_URL: undefined,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: undefined,
      AWS_REGION: 'ap-northeast-1',
      AWS_DEFAULT_REGION: undefined,
      // The operators' credentials: the stand-ins evaluate every call against OperatorPolicy.
      AWS_ACCESS_KEY_ID: credentialsOf(OPERATOR_PRINCIPAL).accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  });
  afterAll(async () => {
    await cloudFormation?.stop();
    await env?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('status reads the stack outputs and shows the active key, its expiry and SES in every region', async () => {
    // WHEN
    const result = await run(['status', DOMAIN, '--json']);

    // THEN
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const selector = env.seeded.get(DOMAIN)?.selector;
    expect(JSON.parse(result.stdout)).toMatchObject({
      domain: DOMAIN,
      rotationMode: 'MANUAL',
      hostedZoneId: null,
      activeSelector: selector,
      keyAgeDays: 440,
      daysUntilExpiry: 16,
      ses: REGIONS.map((region) => ({
        region,
        origin: 'EXTERNAL',
        selector,
        status: 'SUCCESS',
        signingEnabled: true,
      })),
      rotation: null,
      pendingApproval: null,
      dnsNotChecked: null,
      applyWindow: null,
      plannedSwitch: null,
    });
    expect(cloudFormation.requests).toContainEqual({
      action: 'DescribeStacks',
      stackName: STACK,
      status: 200,
    });
  });

  it('start begins a rotation, a second start is refused, and status and history show it waiting at NotifyDnsTeam', async () => {
    // WHEN a rotation is started, then started again
    const started = await run(['start', DOMAIN, '--json']);
    const again = await run(['start', DOMAIN]);

    // THEN the first runs and the second is refused
    expect(started.code).toBe(0);
    const { executionName } = JSON.parse(started.stdout) as { executionName: string };
    expect(executionName).toMatch(/^demo-example-test-demo-\d{8}-1$/);
    expect(env.sfn.list().map((execution) => execution.name)).toEqual([executionName]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/RotationInProgress: A rotation of demo\.example\.test is already running/);

    // AND status shows where it waits, once the DNS team has been asked
    let status:
      | {
          rotation: { execution: string; currentState: string } | null;
          pendingApproval: { approvalId: string; deadline: string } | null;
        }
      | undefined;
    for (let attempt = 0; attempt < 50 && !status?.pendingApproval; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      const result = await run(['status', DOMAIN, '--json']);
      expect(result.code).toBe(0);
      status = JSON.parse(result.stdout);
    }
    expect(status?.rotation).toEqual({ execution: executionName, currentState: 'NotifyDnsTeam' });
    expect(status?.pendingApproval?.approvalId).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(status?.pendingApproval?.deadline ?? '')).toBeGreaterThan(Date.now());

    // AND history lists it as running
    const history = await run(['history', DOMAIN, '--json']);
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ execution: executionName, status: 'RUNNING', error: null }),
    ]);
  });

  it('approve resumes the waiting rotation, which completes with the new key signing in every region', async () => {
    // GIVEN the rotation waiting for the DNS team
    const waiting = JSON.parse((await run(['status', DOMAIN, '--json'])).stdout);
    const approvalId: string = waiting.pendingApproval.approvalId;
    const [execution] = env.sfn.list();

    // WHEN the operator approves for the DNS team
    const approved = await run(['approve', approvalId, '--json']);

    // THEN the rotation resumes and succeeds
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ approvalId, domain: DOMAIN, result: 'approved' });
    for (const token of env.sfn.tokens.minted) expect(approved.stdout).not.toContain(token.slice(0, 40));
    const done = await env.sfn.whenDone(execution?.executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');

    // AND AWS mode reads the outcome: history, and the new key active in S3 and SES
    const history = JSON.parse((await run(['history', DOMAIN, '--json'])).stdout);
    expect(history).toEqual([expect.objectContaining({ execution: execution?.name, status: 'SUCCEEDED' })]);
    const status = JSON.parse((await run(['status', DOMAIN, '--json'])).stdout);
    const newSelector = waiting.pendingApproval.selector;
    expect(newSelector).not.toBe(env.seeded.get(DOMAIN)?.selector);
    expect(status).toMatchObject({
      activeSelector: newSelector,
      ses: REGIONS.map((region) => ({
        region,
        origin: 'EXTERNAL',
        selector: newSelector,
        signingEnabled: true,
      })),
      rotation: null,
      pendingApproval: null,
    });
    // AND status names the IPv6 name server addresses the last rotation's DNS check did not ask
    // (Lambda outside a VPC), with the reason, in --json and in text
    expect(status.dnsNotChecked).toEqual({
      execution: execution?.name,
      addresses: [
        expect.objectContaining({
          address: expect.stringMatching(/^\[::1\]/),
          reason: LAMBDA_NO_IPV6_REASON,
        }),
        expect.objectContaining({
          address: expect.stringMatching(/^\[::1\]/),
          reason: LAMBDA_NO_IPV6_REASON,
        }),
      ],
    });
    const text = await run(['status', DOMAIN]);
    expect(text.stdout).toMatch(
      new RegExp(
        `dns check: +${execution?.name} \\(VerifyDnsRecord\\)\\n +IPv6 addresses of .*\\[::1\\].* were not checked: ${LAMBDA_NO_IPV6_REASON}`,
      ),
    );
  });

  it('reads the configuration the stack deployed; a stack without one needs --config, which still works', async () => {
    // WHEN status runs against a stack of an earlier release, without and with a configuration file
    const without = await run(['status', DOMAIN, '--stack', OLDER_STACK]);
    const given = await run(['status', DOMAIN, '--stack', OLDER_STACK, '--config', config, '--json']);

    // THEN the first says what to do, the second reads the file (status above read the object)
    expect(without.code).toBe(2);
    expect(without.stderr.trimEnd().split('\n')).toEqual([
      `byodkim: InvalidInput: Stack ${OLDER_STACK} has no ConfigurationKey output: an earlier release deployed it. Deploy this release, or pass --config infra/config/<stage>.json.`,
    ]);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toMatchObject({
      domain: DOMAIN,
      // The rotation of the tests above has completed: the key it made is active.
      activeSelector: expect.stringMatching(/^demo-\d{8}-1$/),
      rotationMode: 'MANUAL',
    });
  });

  it('a stack that does not exist is bad input: one line naming the stack and the region, exit code 2', async () => {
    // WHEN
    const result = await run(['status', DOMAIN, '--stack', 'ByodkimRotation-typo']);

    // THEN
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'byodkim: InvalidInput: Stack ByodkimRotation-typo not found in ap-northeast-1: deploy it, or pass --stack/--stage.',
    ]);
    expect(cloudFormation.requests.at(-1)).toEqual({
      action: 'DescribeStacks',
      stackName: 'ByodkimRotation-typo',
      status: 400,
    });
  });

  it('without a region it says to set AWS_REGION instead of failing inside the SDK, exit code 2', async () => {
    // WHEN
    const result = await run(['status', DOMAIN], { AWS_REGION: undefined });

    // THEN
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'byodkim: InvalidInput: No AWS region: set AWS_REGION (or the region of your AWS profile) to the region of the stack.',
    ]);
  });
});
