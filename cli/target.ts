import { readFileSync } from 'node:fs';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { credentialsOf, OPERATOR_PRINCIPAL } from '../local/iam/principals';
import { partitionOf } from '../shared/aws-regions';
import { loadConfig, parseConfig, type RotationConfig } from '../shared/config';
import { CONFIG_KEY_OUTPUT, type ConfigStoreDeps, readDeployedConfig } from '../shared/config-store';
import type { DnsCheckOptions } from '../shared/dns/types';
import { InvalidInputError, type RotationErrorOptions } from '../shared/errors';
import type { SesClientFor } from '../shared/rotation/ses-signing';

/** Where the CLI acts: a deployed stack in AWS, or a running local environment. */
export interface Target {
  readonly kind: 'aws' | 'local';
  readonly config: RotationConfig;
  readonly stateMachineArn: string;
  readonly bucket: string;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly ses: SesClientFor;
  readonly dnsOptions: DnsCheckOptions;
  /** Closes every client. */
  close(): void;
}

/** What `byodkim local serve` writes so other commands can reach the environment with `--local`. */
export interface LocalState {
  readonly s3Endpoint: string;
  readonly sesEndpoint: string;
  readonly sfnEndpoint: string;
  readonly stateMachineArn: string;
  readonly bucket: string;
  readonly approvalBaseUrl: string;
  readonly nameServers: ReadonlyArray<{ host: string; port: number }>;
  readonly config: unknown;
  /** Key of the deployed configuration object in `bucket`, read as the operators would. */
  readonly configKey?: string;
}

/** Default path of the local state file. */
export const DEFAULT_LOCAL_STATE = '.byodkim-local.json';

/** The options every command that talks to a deployment accepts. */
export interface TargetOptions {
  /** Use the local environment described by this state file (`true`: the default path). */
  readonly local?: string | boolean;
  readonly stage?: string;
  readonly stack?: string;
  /**
   * A configuration file to use instead of the deployed one (local work, a stack of an earlier
   * release). @default - the configuration object the stack deployed (output `ConfigurationKey`)
   */
  readonly config?: string;
}

// The local environment evaluates the CLI's calls as the operators' managed policy
// (infra/operator-policy.ts), the policy docs/deployment.md tells operators to attach.
const LOCAL_CREDENTIALS = credentialsOf(OPERATOR_PRINCIPAL);

function perRegion(create: (region: string) => SESv2Client): { ses: SesClientFor; all: () => SESv2Client[] } {
  const clients = new Map<string, SESv2Client>();
  return {
    ses: (region) => {
      let client = clients.get(region);
      if (!client) {
        client = create(region);
        clients.set(region, client);
      }
      return client;
    },
    all: () => [...clients.values()],
  };
}

async function localTarget(path: string): Promise<Target> {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as LocalState;
  } catch {
    throw new InvalidInputError(
      `No local environment at ${path}: start one with "npx byodkim local serve" first.`,
    );
  }
  const region = 'ap-northeast-1';
  const s3 = new S3Client({
    endpoint: state.s3Endpoint,
    forcePathStyle: true,
    region,
    credentials: LOCAL_CREDENTIALS,
  });
  const sfn = new SFNClient({ endpoint: state.sfnEndpoint, region, credentials: LOCAL_CREDENTIALS });
  const ses = perRegion(
    (sesRegion) =>
      new SESv2Client({ endpoint: state.sesEndpoint, region: sesRegion, credentials: LOCAL_CREDENTIALS }),
  );
  // The environment's deployed object when the state names it (read with the operators' policy).
  const config =
    state.configKey === undefined
      ? parseConfig(state.config, path)
      : await readDeployedConfig({ s3, bucket: state.bucket }, state.configKey);
  return {
    kind: 'local',
    config,
    stateMachineArn: state.stateMachineArn,
    bucket: state.bucket,
    s3,
    sfn,
    ses: ses.ses,
    dnsOptions: { nameServers: [...state.nameServers], timeoutMs: 500, retries: 1 },
    close: () => {
      s3.destroy();
      sfn.destroy();
      for (const client of ses.all()) client.destroy();
    },
  };
}

/**
 * The stack the CLI was pointed at does not exist in the region it asked (CloudFormation answers
 * `ValidationError` "Stack with id X does not exist"): bad input, exit code 2.
 */
export class StackNotFoundError extends InvalidInputError {
  constructor(
    readonly stackName: string,
    readonly region: string,
    options: RotationErrorOptions = {},
  ) {
    super(`Stack ${stackName} not found in ${region}: deploy it, or pass --stack/--stage.`, options);
  }
}

function isMissingStack(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ValidationError' && /\bdoes not exist\b/.test(error.message)
  );
}

/** The outputs of `stackName`, read with the SDK's default credentials, region and endpoint. */
async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient({});
  try {
    const region = await cloudFormation.config.region().catch((cause: unknown) => {
      throw new InvalidInputError(
        'No AWS region: set AWS_REGION (or the region of your AWS profile) to the region of the stack.',
        { cause },
      );
    });
    if (partitionOf(region) === undefined) {
      throw new InvalidInputError(
        `AWS region "${region}" is not a region AWS has: set AWS_REGION (or your profile's region) to the region of the stack, e.g. ap-northeast-1.`,
      );
    }
    let described: DescribeStacksCommandOutput;
    try {
      described = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      if (isMissingStack(error)) throw new StackNotFoundError(stackName, region, { cause: error });
      throw error;
    }
    return Object.fromEntries(
      (described.Stacks?.[0]?.Outputs ?? []).map((output) => [
        output.OutputKey ?? '',
        output.OutputValue ?? '',
      ]),
    );
  } finally {
    cloudFormation.destroy();
  }
}

async function awsTarget(options: TargetOptions): Promise<Target> {
  const stage = options.stage ?? 'prod';
  const stackName = options.stack ?? `ByodkimRotation-${stage}`;
  const outputs = await stackOutputs(stackName);
  const stateMachineArn = outputs.StateMachineArn;
  const bucket = outputs.KeyStoreBucket;
  if (!stateMachineArn || !bucket) {
    throw new InvalidInputError(
      `Stack ${stackName} has no StateMachineArn/KeyStoreBucket outputs: deploy it first, or pass --stack.`,
    );
  }
  // No client of AWS mode sets an endpoint, a path style or credentials of its own: the SDK's
  // standard configuration applies to all of them, including AWS_ENDPOINT_URL_<SERVICE>
  // (CLOUDFORMATION, S3, SFN, SESV2) and a profile's `endpoint_url`. tests/e2e/cli-aws-mode.test.ts
  // runs AWS mode offline that way (against an IP endpoint the S3 client addresses buckets
  // path-style by itself).
  const s3 = new S3Client({});
  const sfn = new SFNClient({});
  const ses = perRegion((region) => new SESv2Client({ region }));
  let config: RotationConfig;
  try {
    config = await deployedOrGivenConfig(options, { s3, bucket }, outputs, stackName);
  } catch (error) {
    s3.destroy();
    sfn.destroy();
    throw error;
  }
  return {
    kind: 'aws',
    config,
    stateMachineArn,
    bucket,
    s3,
    sfn,
    ses: ses.ses,
    dnsOptions: {},
    close: () => {
      s3.destroy();
      sfn.destroy();
      for (const client of ses.all()) client.destroy();
    },
  };
}

/**
 * The configuration a command works with: `--config <file>` when given, otherwise what the stack
 * deployed (the object its `ConfigurationKey` output names), so the CLI and the functions never
 * disagree about the domains.
 */
async function deployedOrGivenConfig(
  options: TargetOptions,
  store: ConfigStoreDeps,
  outputs: Record<string, string>,
  stackName: string,
): Promise<RotationConfig> {
  if (options.config !== undefined) return loadConfig(options.config);
  const key = outputs[CONFIG_KEY_OUTPUT];
  if (!key) {
    throw new InvalidInputError(
      `Stack ${stackName} has no ${CONFIG_KEY_OUTPUT} output: an earlier release deployed it. Deploy this release, or pass --config infra/config/<stage>.json.`,
    );
  }
  return readDeployedConfig(store, key);
}

/**
 * Resolves where a command acts: `--local [state-file]` for the local environment, otherwise the
 * deployed stack `ByodkimRotation-<stage>` (outputs read with the SDK's default credentials,
 * region and endpoints) with the configuration it deployed. A stack that does not exist is a
 * {@link StackNotFoundError}; no region at all, an {@link InvalidInputError} (both exit code 2).
 */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.local)
    return localTarget(typeof options.local === 'string' ? options.local : DEFAULT_LOCAL_STATE);
  return awsTarget(options);
}
