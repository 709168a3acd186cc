/**
 * The deployed configuration: the validated configuration written at deployment as one object in
 * the key-store bucket (shared/config-store.ts says why an S3 object), by a custom resource whose
 * function may do nothing else. Functions that need the domains get only the object's key in
 * their environment, so a stack's capacity no longer depends on Lambda's 4 KB of environment.
 *
 * ```ts
 * const configuration = new DeployedConfig(this, 'Configuration', { config, bucket, encryptionKey });
 * configuration.grantRead(myFunction);   // CONFIG_OBJECT_KEY + s3:GetObject on config/*
 * ```
 */
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RotationConfig } from '../shared/config';
import { CONFIG_OBJECT_PREFIX, configObjectBody, configObjectKey } from '../shared/config-store';
import { ROTATION_SERVICE_NAME } from '../shared/monitoring/metrics';
import { TASK_ENV } from '../shared/tasks/task-env';
import { CONFIG_RESOURCE_TYPE, type ConfigResourceProperties } from '../tasks/write-config/logic';
import { dataKeyStatements } from './data-key-grants';
import { addTaskFunction } from './task-function';

/**
 * Largest gzipped, base64-encoded configuration the template may carry. CloudFormation invokes the
 * writer asynchronously: the Invoke API reference gives 1 MB for an asynchronous payload, the
 * older InvokeAsync 256 KB, and staying under the smaller figure works wherever either applies.
 * 1,000 domains written like prod.json: 340 KB of JSON, 5.5 KB gzipped and base64-encoded.
 */
export const MAX_CONFIG_PROPERTY_BYTES = 200_000;

/** Props of {@link DeployedConfig}. */
export interface DeployedConfigProps {
  /** The validated configuration (after defaults: `parseConfig`). */
  readonly config: RotationConfig;
  /** The key-store bucket the object is written to (under `config/`). */
  readonly bucket: s3.IBucket;
  /** The bucket's customer managed key: the writer needs GenerateDataKey, readers Decrypt. @default - none (SSE-S3) */
  readonly encryptionKey?: kms.IKey;
  /** Prefix of the writer's function name (`<namePrefix>-ConfigWriter`). @default 'byodkim-rotation' */
  readonly namePrefix?: string;
  /** Log retention of the writer's log group. @default ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the writer's log group when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Directory holding `tasks/` and package-lock.json. @default - this package's root */
  readonly projectRoot?: string;
}

/** The configuration object of one deployment and the custom resource that writes it. */
export class DeployedConfig extends Construct {
  /** The object's key (`config/rotation-config-<hash>.json`): a new key for each new content. */
  public readonly objectKey: string;
  /** The writer function (the custom resource's service token). */
  public readonly writer: lambda.Function;
  /** The custom resource: readers depend on it, so the object exists before they run. */
  public readonly resource: CustomResource;
  readonly #bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: DeployedConfigProps) {
    super(scope, id);
    this.#bucket = props.bucket;
    const body = configObjectBody(props.config);
    this.objectKey = configObjectKey(body);
    const encoded = gzipSync(Buffer.from(body, 'utf8'), { level: 9 }).toString('base64');
    if (Buffer.byteLength(encoded) > MAX_CONFIG_PROPERTY_BYTES) {
      throw new Error(
        `The configuration at ${this.node.path} is ${Buffer.byteLength(encoded)} bytes gzipped and base64-encoded, over the ${MAX_CONFIG_PROPERTY_BYTES} bytes a deployment can carry: split the domains over several stacks.`,
      );
    }
    const prefix = props.namePrefix ?? 'byodkim-rotation';
    const functionName = `${prefix}-ConfigWriter`;
    const projectRoot = props.projectRoot ?? path.resolve(__dirname, '..');
    const { fn, role } = addTaskFunction(this, {
      folder: 'write-config',
      projectRoot,
      functionName,
      description: 'BYODKIM rotation: writes the deployed configuration object (custom resource)',
      roleDescription: 'BYODKIM rotation ConfigWriter: writes the configuration object, nothing else',
      ids: { logGroup: 'WriterLogs', role: 'WriterRole', function: 'Writer' },
      memorySize: 256,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      environment: {
        [TASK_ENV.bucketName]: props.bucket.bucketName,
        POWERTOOLS_SERVICE_NAME: ROTATION_SERVICE_NAME,
      },
    });
    this.writer = fn;
    // Only the configuration prefix: this role can neither read nor write a key.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteConfiguration',
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${CONFIG_OBJECT_PREFIX}*`)],
      }),
    );
    if (props.encryptionKey !== undefined) {
      for (const statement of dataKeyStatements(
        this,
        props.encryptionKey,
        new Map([['s3', new Set(['kms:GenerateDataKey'] as const)]]),
      ))
        role.addToPolicy(statement);
    }
    this.resource = new CustomResource(this, 'Object', {
      serviceToken: this.writer.functionArn,
      resourceType: CONFIG_RESOURCE_TYPE,
      properties: { Key: this.objectKey, BodyGzipBase64: encoded } satisfies ConfigResourceProperties,
    });
    // The function must be able to log and write before CloudFormation calls it.
    this.resource.node.addDependency(role);
    acknowledgeConfigObjects(role, props.bucket);
  }

  /**
   * Lets `fn` read the object: sets `CONFIG_OBJECT_KEY`, allows s3:GetObject on `config/*` (the
   * caller adds kms:Decrypt through S3 with the rest of its key grants), and makes `fn` wait for
   * the object, so no container starts with a key that is not written yet.
   */
  grantRead(fn: lambda.Function): void {
    fn.addEnvironment(TASK_ENV.configObjectKey, this.objectKey);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadConfiguration',
        actions: ['s3:GetObject'],
        resources: [this.#bucket.arnForObjects(`${CONFIG_OBJECT_PREFIX}*`)],
      }),
    );
    fn.node.addDependency(this.resource);
    acknowledgeConfigObjects(fn.role ?? fn, this.#bucket);
  }
}

function renderedBucketArn(scope: Construct, bucket: s3.IBucket): string {
  const logicalId = (bucket.node.defaultChild as s3.CfnBucket | undefined)?.logicalId;
  return logicalId === undefined ? bucket.bucketArn : `<${Stack.of(scope).resolve(logicalId)}.Arn>`;
}

/** Acknowledges cdk-nag's IAM5 finding on `config/*` of `bucket` for `scope`. */
export function acknowledgeConfigObjects(scope: Construct | iam.IRole, bucket: s3.IBucket): void {
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${renderedBucketArn(scope, bucket)}/${CONFIG_OBJECT_PREFIX}*]`,
    reason: 'Configuration objects only: their names carry a content hash made at synth.',
  });
}
