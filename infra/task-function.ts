/**
 * One Lambda function of the product, from its `tasks/<folder>/handler.ts`.
 *
 * From a checkout, the CDK bundles the TypeScript at synth with local esbuild (`NodejsFunction`,
 * `LAMBDA_BUNDLING`). From the installed package, the same bundles are already built
 * (`dist/lambda/<folder>/index.js`, made by `scripts/build-package.ts` with the same options), so
 * a consumer's synth needs neither esbuild nor our devDependencies, and deploys exactly the code
 * that was tested.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from './bundling';
import { checkEnvironmentSize } from './environment-size';
import { lambdaLogGroupName } from './log-group-names';

/** Where the package keeps the prebuilt bundles, relative to the compiled constructs (dist/infra). */
export const PREBUILT_LAMBDA_DIR = path.resolve(__dirname, '..', 'lambda');

/** What a product function is made of, besides its code. */
export interface TaskFunctionProps
  extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime' | 'architecture'> {
  /** The folder under `tasks/` holding `handler.ts` (exporting `handler`). */
  readonly folder: string;
  /** Directory holding `tasks/` and package-lock.json, for bundling from a checkout. */
  readonly projectRoot: string;
}

/** The prebuilt bundle directory of `folder`, or undefined when this is a checkout. */
export function prebuiltBundle(folder: string): string | undefined {
  const dir = path.join(PREBUILT_LAMBDA_DIR, folder);
  return existsSync(path.join(dir, 'index.js')) ? dir : undefined;
}

/** Node.js 22 on ARM64, from the prebuilt bundle when there is one, bundled at synth otherwise. */
function createTaskFunction(scope: Construct, id: string, props: TaskFunctionProps): lambda.Function {
  const { folder, projectRoot, ...functionProps } = props;
  const common = {
    ...functionProps,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
  };
  const prebuilt = prebuiltBundle(folder);
  if (prebuilt !== undefined) {
    return new lambda.Function(scope, id, {
      ...common,
      code: lambda.Code.fromAsset(prebuilt),
      handler: 'index.handler',
    });
  }
  return new nodejs.NodejsFunction(scope, id, {
    ...common,
    entry: path.join(projectRoot, 'tasks', folder, 'handler.ts'),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    bundling: LAMBDA_BUNDLING,
  });
}

/** What {@link addTaskFunction} builds one function from. */
export interface TaskFunctionBuildProps {
  /** The folder under `tasks/` holding `handler.ts`. */
  readonly folder: string;
  /** Directory holding `tasks/` and package-lock.json, for bundling from a checkout. */
  readonly projectRoot: string;
  /** The function's name; its log group is named after it (log-group-names.ts). */
  readonly functionName: string;
  /** The function's description. */
  readonly description: string;
  /** What the role is for, in a few words (the role's description). */
  readonly roleDescription: string;
  /**
   * Construct ids of the log group, the role and the function in `scope`. They are the logical
   * ids of deployed, custom-named resources (a function name, a log group name): a changed id
   * would make CloudFormation replace them, which it refuses for a custom name, so each caller
   * keeps the ids it has always had.
   */
  readonly ids: { readonly logGroup: string; readonly role: string; readonly function: string };
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Log retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** Encrypts the log group. @default - CloudWatch Logs' own encryption */
  readonly encryptionKey?: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Environment variables besides the ones added later (addEnvironment). */
  readonly environment: Record<string, string>;
  /** VPC placement and the like (dns-check-network.ts). */
  readonly placement?: Partial<lambda.FunctionProps>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
}

/** One product function: its log group, its own role and the function. */
export interface TaskFunctionParts {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * The one way the product makes a function: a log group of its own (retention, key, removal
 * policy), a role of its own that may write only that log group (every other grant is added by
 * the caller, from the task manifest or the construct's own needs), JSON logging, source maps,
 * the environment size checked at synth, and cdk-nag's runtime finding acknowledged once.
 */
export function addTaskFunction(scope: Construct, props: TaskFunctionBuildProps): TaskFunctionParts {
  const logGroup = new logs.LogGroup(scope, props.ids.logGroup, {
    logGroupName: lambdaLogGroupName(props.functionName),
    retention: props.logRetention,
    ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
    removalPolicy: props.removalPolicy,
  });
  const role = new iam.Role(scope, props.ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'OwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  const fn = createTaskFunction(scope, props.ids.function, {
    folder: props.folder,
    projectRoot: props.projectRoot,
    functionName: props.functionName,
    description: props.description,
    memorySize: props.memorySize,
    timeout: props.timeout,
    ...(props.reservedConcurrentExecutions === undefined
      ? {}
      : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
    ...props.placement,
  });
  // A validation: measured at synth, after every variable is added.
  checkEnvironmentSize(
    fn,
    'the configuration is not among them (it is an S3 object): shorten namePrefix or the VPC settings',
  );
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'Node.js 22 is the project runtime (package.json engines, local environment, CI); moving to 24 is a separate change.',
  });
  return { fn, role, logGroup };
}
