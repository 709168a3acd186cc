import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseConfig, type RotationConfig } from '../../shared/config';
import { createDkimCertificate } from '../../shared/dkim/certificate';
import { publicKeyFingerprint } from '../../shared/dkim/fingerprint';
import { generateDkimKeyPair, privateKeyToPem } from '../../shared/dkim/keys';
import { dkimRecordName, nextSelector } from '../../shared/dkim/selector';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { assertDnsVerified, checkDkimEndToEnd, verifyCnameRecord, verifyDkimRecord } from '../../shared/dns';
import type { DnsCheckOptions } from '../../shared/dns/types';
import { TRANSIENT_AWS_ERROR } from '../../shared/errors';
import type { KeyMetadata } from '../../shared/rotation/key-metadata';
import { type KeyStoreDeps, keyPaths, putIfAbsent } from '../../shared/rotation/key-store';
import { type StartedRotation, startRotation } from '../../shared/rotation/start-rotation';
import { POLL_WAIT_STATES, STATE } from '../../workflows/states';
import { type LocalApprovalServer, startLocalApprovalServer } from '../approval-server';
import { LOCAL_CREDENTIALS, type LocalAws, startLocalAws } from '../aws-stand-ins';
import { LocalMetrics } from '../cloudwatch/put-metric-data';
import { readDeployedIam } from '../iam/deployed-iam';
import { LocalIam } from '../iam/local-iam';
import { accessKeyOf, OPERATOR_PRINCIPAL, STATE_MACHINE_PRINCIPAL } from '../iam/principals';
import { LocalRoute53 } from '../route53';
import type { Scenario } from '../scenario';
import { LocalSecret } from '../secrets-manager';
import {
  type AslDefinition,
  type EventLog,
  type LocalExecution,
  LocalStepFunctions,
  type LocalTiming,
} from '../sfn/engine';
import { type LocalStepFunctionsServer, startLocalStepFunctionsServer } from '../sfn/server';
import { CaptureLogger } from './capture-logger';
import { scheduleFaults } from './deferred-faults';
import { stateMachineDefinition, synthesizeStack } from './definition';
import { CONFIG_WRITER_PRINCIPAL, writeDeployedConfig } from './deployed-config';
import { LaggingZoneTarget } from './lagging-zone-target';
import { lambdaDnsNetwork } from './lambda-network';
import { LocalDns } from './local-dns';
import { cnamePublishedOnAll } from './local-resolver';
import { LocalOutbox } from './outbox';
import { PrincipalClients } from './principal-clients';
import { RehearsalClock } from './rehearsal-clock';
import { type LocalTaskDeps, localApprovalHandler, localTaskHandlers } from './task-wiring';

const BUCKET = 'byodkim-local';
const DNS_TEAM_TOPIC = 'arn:aws:sns:local:000000000000:byodkim-dns-team';
const OPS_TOPIC = 'arn:aws:sns:local:000000000000:byodkim-operators';
const DAY_MS = 86_400_000;
const STATE_MACHINE_NAME = 'ByodkimRotation-local';
const STATE_MACHINE_ARN = `arn:aws:states:local:000000000000:stateMachine:${STATE_MACHINE_NAME}`;

/** Options of {@link startLocalEnvironment}. */
export interface LocalEnvironmentOptions {
  /** One scenario per domain; the first one's SES, fault and timing settings apply to all. */
  readonly scenarios: readonly Scenario[];
  /** Called for every history event (progress views, the probe). */
  readonly onEvent?: (execution: LocalExecution, event: EventLog) => void | Promise<void>;
  /** Where the task code's log lines go besides the capture (e.g. stderr with --debug). */
  readonly echoLogs?: (line: string) => void;
}

/** The previous signing key of a domain, as seeded before the rotation. */
export interface SeededKey {
  readonly selector: string;
  readonly privateKey: KeyObject;
}

/** Everything that runs during a local rehearsal. */
export interface LocalEnvironment {
  readonly config: RotationConfig;
  /** Key of the deployed configuration object in {@link bucket} (written as the ConfigWriter). */
  readonly configKey: string;
  readonly definition: AslDefinition;
  readonly templateText: string;
  readonly synthMs: number;
  readonly stateMachineArn: string;
  readonly sfn: LocalStepFunctions;
  readonly sfnServer: LocalStepFunctionsServer;
  readonly aws: LocalAws;
  readonly dns: LocalDns;
  /** The hosted zones of the AUTO domains (Route 53 stand-in; no zones when every domain is MANUAL). */
  readonly route53: LocalRoute53;
  readonly outbox: LocalOutbox;
  readonly logger: CaptureLogger;
  readonly approvals: LocalApprovalServer;
  /** The approval HMAC secret, with its versions (rotate it with `put`, as PutSecretValue does). */
  readonly approvalSecret: LocalSecret;
  readonly bucket: string;
  /** The key each domain signed with before the rotation (undefined for Easy DKIM). */
  readonly seeded: ReadonlyMap<string, SeededKey | undefined>;
  /** A Step Functions client pointed at the local API (the environment's own, not evaluated). */
  readonly sfnClient: SFNClient;
  /** The deployed IAM every call of the product's code is evaluated against. */
  readonly iam: LocalIam;
  /** The task code's clock (ahead of real time once an apply-window wait was shortened). */
  readonly clock: RehearsalClock;
  /** The metrics the state machine put itself (RecordLostNotice's PutMetricData). */
  readonly metrics: LocalMetrics;
  /** The dependencies of a principal (state name, `ApprovalEndpoint`, `Monitor`, `Operator`). */
  as(principal: string): LocalTaskDeps;
  /**
   * The DNS options the deployed function `<prefix>-<task>` checks with: the local name servers,
   * on that function's Lambda network (egress and IPv6 policy from the synthesized template).
   */
  lambdaDnsOptions(task: string): DnsCheckOptions;
  /** Starts a rotation of `domain` the way the monitor and CLI do. */
  start(domain: string): Promise<StartedRotation>;
  stop(): Promise<void>;
}

/** The product configuration of the rehearsal: one domain per scenario, the product's defaults otherwise. */
export function localConfig(scenarios: readonly Scenario[]): RotationConfig {
  return parseConfig(
    {
      domains: scenarios.map((scenario) => ({
        domain: scenario.domain,
        regions: scenario.regions,
        selectorPrefix: scenario.selectorPrefix,
        dnsTeamEmails: ['dns-team@example.test'],
        opsEmails: ['mail-ops@example.test'],
        maxReminders: scenario.maxReminders,
        ...(scenario.applyWindow !== undefined ? { applyWindow: scenario.applyWindow } : {}),
        ...(scenario.rotationMode === 'AUTO'
          ? { rotationMode: 'AUTO', hostedZoneId: localHostedZoneId(scenario.domain) }
          : {}),
      })),
    },
    'local scenario',
  );
}

/** The Route 53 hosted zone id the local environment gives a domain (stable across runs). */
export function localHostedZoneId(domain: string): string {
  return `Z${createHash('sha256').update(domain).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * The shortened waits: WaitRetention, WaitForApplyWindow, the approval wait, and each Retry rule's
 * pause (polling rules and the SES polling loops' Wait states get `pollMs`, the transient-error
 * rule `transientRetryMs`), read from the definition itself.
 */
export function localTiming(definition: AslDefinition, timing: Scenario['timing']): LocalTiming {
  const retryMs: Record<string, number[]> = {};
  const waitMs: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') {
      waitMs[name] = POLL_WAIT_STATES.has(name)
        ? timing.pollMs
        : name === STATE.WaitForApplyWindow
          ? timing.applyWindowWaitMs
          : timing.retentionMs;
    }
    const retry = (state as { Retry?: Array<{ ErrorEquals: string[] }> }).Retry;
    if (retry) {
      retryMs[name] = retry.map((rule) =>
        rule.ErrorEquals.some((error) => error === TRANSIENT_AWS_ERROR || error.startsWith('Lambda.'))
          ? timing.transientRetryMs
          : timing.pollMs,
      );
    }
  }
  return { waitMs, retryMs, taskTokenTimeoutMs: timing.approvalWaitMs };
}

async function seedPreviousSigning(env: {
  aws: LocalAws;
  dns: LocalDns;
  deps: KeyStoreDeps;
  scenario: Scenario;
}): Promise<SeededKey | undefined> {
  const { aws, dns, deps, scenario } = env;
  const domain = scenario.domain;
  if (scenario.previousSigning === 'easy-dkim') {
    for (const region of scenario.regions) aws.ses.seedIdentity(region, domain, { origin: 'AWS_SES' });
    // Signing with Easy DKIM today means its CNAME records were published once; "gone" rehearses
    // a zone that lost them since (SES then cannot verify a return to Easy DKIM).
    if (scenario.ses.easyDkimRecords === 'present') {
      for (const record of aws.ses.easyDkimRecords(domain))
        dns.publishCname(domain, record.name, record.target);
    }
    return undefined;
  }
  // The key in use today: created 440 days ago, 16 days from expiry of a 456-day certificate.
  const createdAt = new Date(Date.now() - 440 * DAY_MS);
  const selector = nextSelector({ prefix: scenario.selectorPrefix, existing: [], now: createdAt });
  const keyPair = await generateDkimKeyPair(2048);
  const certificate = await createDkimCertificate({
    keyPair,
    domain,
    selector,
    validityDays: 456,
    now: createdAt,
  });
  const paths = keyPaths(domain, selector);
  await putIfAbsent(deps, paths.privateKey, privateKeyToPem(keyPair.privateKey), 'application/x-pem-file');
  await putIfAbsent(deps, paths.certificate, certificate.pem, 'application/x-pem-file');
  const metadata: KeyMetadata = {
    schemaVersion: 1,
    domain,
    selector,
    state: 'ACTIVE',
    keyLength: 2048,
    fingerprint: publicKeyFingerprint(keyPair.publicKey),
    createdAt: createdAt.toISOString(),
    certificateExpiresAt: certificate.expiresAt.toISOString(),
    history: [{ state: 'ACTIVE', at: createdAt.toISOString(), reason: 'seeded by the local environment' }],
  };
  await putIfAbsent(deps, paths.metadata, `${JSON.stringify(metadata, null, 2)}\n`, 'application/json');
  dns.publishTxt(domain, dkimRecordName(selector, domain), dkimTxtValue(keyPair.publicKey));
  for (const region of scenario.regions) {
    aws.ses.seedIdentity(region, domain, { origin: 'EXTERNAL', selector, privateKey: keyPair.privateKey });
  }
  return { selector, privateKey: keyPair.privateKey };
}

/**
 * Starts the embedded environment: the synthesized stack's state machine on the local Step
 * Functions, S3 and SES stand-ins, N authoritative DNS servers, the approval web page and the
 * notification outbox, with every Lambda task running in-process on the same handler code. Each
 * domain starts out signing with a previous key whose record is published.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const [first] = options.scenarios;
  if (!first) throw new Error('startLocalEnvironment needs at least one scenario');
  const config = localConfig(options.scenarios);
  const synthesized = synthesizeStack(config, 'local', { dnsCheckVpc: first.dnsCheckVpc });
  const definition = stateMachineDefinition(synthesized.template);
  const stateMachineArn = STATE_MACHINE_ARN;
  // The deployed IAM, read from the template just synthesized: the local names stand in for the
  // physical ones (bucket, topics, state machine) wherever the template refers to them.
  const deployed = readDeployedIam(synthesized.template, {
    byLogicalIdFragment: {
      KeyStore: { ref: BUCKET, attributes: { Arn: `arn:aws:s3:::${BUCKET}` } },
      DnsTeamTopic: {
        ref: DNS_TEAM_TOPIC,
        attributes: { TopicArn: DNS_TEAM_TOPIC, TopicName: 'byodkim-dns-team' },
      },
      OperatorsTopic: { ref: OPS_TOPIC, attributes: { TopicArn: OPS_TOPIC, TopicName: 'byodkim-operators' } },
      StateMachine: { ref: stateMachineArn, attributes: { Arn: stateMachineArn, Name: STATE_MACHINE_NAME } },
    },
  });
  const iam = new LocalIam(deployed, first.iamDeny);
  const secretArn = [...deployed.encryptionKeys.keys()].find((arn) => arn.includes(':secretsmanager:'));
  if (secretArn === undefined) throw new Error('The template has no approval secret');
  const dir = mkdtempSync(join(tmpdir(), 'byodkim-local-'));
  const secretValue = randomBytes(32).toString('base64');
  writeFileSync(join(dir, 'approval-secret'), secretValue, { mode: 0o600 });
  const approvalSecret = new LocalSecret(secretArn, secretValue);

  const stops: Array<() => Promise<void>> = [];
  // The task code's time: real time, moved forward when a shortened wait waits for an instant.
  const clock = new RehearsalClock();
  try {
    const dns = await LocalDns.start(
      dir,
      config.domains.map((domain) => domain.domain),
      first.nameServers,
    );
    stops.push(() => dns.stop());
    // SES looks the record up on every address; the task code only where its Lambda network reaches.
    const dnsOptions = { nameServers: dns.endpoints(), timeoutMs: 500, retries: 1 };
    const taskDnsOptions = { ...dnsOptions, ...lambdaDnsNetwork(synthesized.template) };
    // Faults with `afterState` wait for that state (armed in onEvent below).
    const faults = scheduleFaults(first.faults);
    const aws = await startLocalAws({
      isKeyPublished: async (domain, selector, publicKey) =>
        (await verifyDkimRecord({ domain, selector, publicKey }, dnsOptions)).verified,
      buckets: [BUCKET],
      faults: faults.fromStart,
      authorizer: iam,
      bucketKeys: deployed.bucketKeys,
      bucketRegion: deployed.account.region,
      ses: {
        isCnamePublished: cnamePublishedOnAll(dnsOptions.nameServers, dnsOptions),
        hostEasyDkimKeys: (records) => dns.sesKeys.publish(records),
        throttle: { requestsPerSecond: first.ses.requestsPerSecond, burst: 1, sendsPerSecond: 10_000 },
        pollIntervalMs: 20,
        verificationWindowMs: Math.max(first.timing.approvalWaitMs, 5_000),
        // PENDING lasts afterMs once SES finds the record served (forced outcomes: after the switch).
        discoveryDelayMs: first.ses.afterMs,
      },
      sesOutcomes: options.scenarios.flatMap((scenario) =>
        scenario.ses.outcome === 'FAILED'
          ? (scenario.ses.outcomeRegions ?? [undefined]).map((region) => ({
              status: 'FAILED' as const,
              afterMs: scenario.ses.afterMs,
              identity: scenario.domain,
              ...(region ? { region } : {}),
            }))
          : [],
      ),
    });
    stops.push(() => aws.stop());
    const outbox = new LocalOutbox(iam, deployed.encryptionKeys);
    const logger = new CaptureLogger(options.echoLogs);
    let approvals: LocalApprovalServer | undefined;
    let sfnServer: LocalStepFunctionsServer | undefined;
    let route53: LocalRoute53 | undefined;
    const region = first.regions[0] ?? 'ap-northeast-1';
    let configKey: string | undefined;
    const principals = new PrincipalClients({
      aws,
      outbox,
      iam,
      region,
      bucket: BUCKET,
      configKey: () => {
        if (configKey === undefined) throw new Error('The configuration object is not written yet');
        return configKey;
      },
      dns: { verifyDkimRecord, assertDnsVerified, checkDkimEndToEnd, verifyCnameRecord },
      dnsOptions: taskDnsOptions,
      topics: { dnsTeam: DNS_TEAM_TOPIC, operators: OPS_TOPIC },
      secret: { secret: approvalSecret, keyArn: deployed.encryptionKeys.get(secretArn) },
      get approvalBaseUrl() {
        return approvals?.baseUrl ?? '';
      },
      endpoints: () => ({ sfn: sfnServer?.endpoint ?? '', route53: route53?.endpoint ?? '' }),
      clock: clock.now,
      random: Math.random,
      logger,
    });
    stops.push(async () => principals.destroy());
    // Seeding the previous key is the world before the rotation: the environment's own client.
    const setup = { s3: aws.s3Client(region), bucket: BUCKET };
    // The deployment's configuration object, written as CloudFormation would have the writer do it.
    configKey = await writeDeployedConfig(synthesized.template, {
      s3: aws.s3Client(region, CONFIG_WRITER_PRINCIPAL),
      bucket: BUCKET,
    });
    const metrics = new LocalMetrics(iam);
    const sfn = new LocalStepFunctions({
      definition,
      stateMachineArn,
      tasks: {
        ...localTaskHandlers((state) => principals.as(state)),
        // The state machine's own AWS SDK call, signed as its role.
        [STATE.RecordLostNotice]: (payload) =>
          metrics.putMetricData(accessKeyOf(STATE_MACHINE_PRINCIPAL), payload),
      },
      timing: localTiming(definition, first.timing),
      onEvent: (execution, event) => {
        clock.follow(event);
        if (event.type === 'StateExited') faults.stateExited(event.state.name, aws);
        return options.onEvent?.(execution, event);
      },
    });
    stops.push(async () => sfn.abortAll());
    sfnServer = await startLocalStepFunctionsServer(sfn, stateMachineArn, iam, {
      keyArn: deployed.encryptionKeys.get(stateMachineArn),
    });
    const startedSfn = sfnServer;
    stops.push(() => startedSfn.stop());
    const sfnClient = new SFNClient({
      endpoint: sfnServer.endpoint,
      region: 'local',
      credentials: LOCAL_CREDENTIALS,
    });
    stops.push(async () => sfnClient.destroy());
    approvals = await startLocalApprovalServer(localApprovalHandler(principals.as('ApprovalEndpoint')));
    stops.push(() => (approvals as LocalApprovalServer).stop());

    const seeded = new Map<string, SeededKey | undefined>();
    for (const scenario of options.scenarios) {
      seeded.set(scenario.domain, await seedPreviousSigning({ aws, dns, deps: setup, scenario }));
    }
    // After seeding: Route 53 starts out with the records already published (the old key's).
    const zoneTarget = new LaggingZoneTarget(dns, first.route53.secondaryLagMs);
    stops.push(async () => zoneTarget.stop());
    route53 = new LocalRoute53({
      zones: config.domains.flatMap((domain) =>
        domain.rotationMode === 'AUTO' && domain.hostedZoneId !== undefined
          ? [{ hostedZoneId: domain.hostedZoneId, domain: domain.domain }]
          : [],
      ),
      dns: zoneTarget,
      propagationMs: first.route53.propagationMs,
      requestsPerSecond: first.route53.requestsPerSecond,
      authorizer: iam,
    });
    const startedRoute53 = route53;
    await startedRoute53.start();
    stops.push(() => startedRoute53.stop());
    const operator = principals.as(OPERATOR_PRINCIPAL);
    return {
      config,
      configKey,
      definition,
      templateText: synthesized.templateText,
      synthMs: synthesized.synthMs,
      stateMachineArn,
      sfn,
      sfnServer: startedSfn,
      aws,
      dns,
      route53: startedRoute53,
      outbox,
      logger,
      approvals,
      approvalSecret,
      bucket: BUCKET,
      seeded,
      sfnClient,
      iam,
      clock,
      metrics,
      as: (principal) => principals.as(principal),
      lambdaDnsOptions: (task) => ({ ...dnsOptions, ...lambdaDnsNetwork(synthesized.template, task) }),
      // Operators start rotations with the CLI, as the operators' policy allows.
      start: (domain) => {
        const settings = config.domains.find((candidate) => candidate.domain === domain);
        return startRotation(
          { sfn: operator.sfn, stateMachineArn, s3: operator.s3, bucket: BUCKET, clock: clock.now },
          {
            domain,
            selectorPrefix: settings?.selectorPrefix ?? 'demo',
            timeZone: config.timeZone,
            requestedBy: 'local',
          },
        );
      },
      async stop() {
        for (const stop of stops.reverse()) await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
