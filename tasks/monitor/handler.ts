/**
 * Monitor: AWS wiring only; the logic is in ./logic.ts.
 *
 * Invoked by EventBridge Scheduler with `{ "now": "<aws.scheduler.scheduled-time>" }`, so a
 * retried delivery counts days from the same instant. When the SES pacing cannot finish every
 * domain inside this invocation, the handler invokes its own function asynchronously with
 * `{ now, fromIndex, lease }` (a chain, never parallel: SES's per-region quota is shared anyway).
 * The chain holds the single-flight lease (./lease.ts) from its first invocation to its last: an
 * overlapping run finds it held and does nothing.
 */
import { randomUUID } from 'node:crypto';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { type ConfigSource, deployedConfigSource, resolveConfig } from '../../shared/config-store';
import { verifyDkimRecord } from '../../shared/dns/verify';
import { InvalidInputError } from '../../shared/errors';
import { MONITOR_SERVICE_NAME, powertoolsMetricsSink } from '../../shared/monitoring/metrics';
import { DEFAULT_SES_INTERVAL_MS, realSleep } from '../../shared/monitoring/pacer';
import { dnsOptionsFromEnv, taskLogger } from '../../shared/rotation/lambda-kit';
import { memoDeps, requiredEnv, s3Client, sesClients, snsClient } from '../../shared/rotation/runtime';
import { MONITOR_ENV, TASK_ENV } from '../../shared/tasks/task-env';
import { acquireMonitorLease, LEASE_MARGIN_MS, releaseMonitorLease } from './lease';
import { type MonitorDeps, type MonitorResult, runMonitor } from './logic';

const logger = taskLogger();

/** The event the schedule (or a continuation) sends. */
export interface MonitorEvent {
  /** The run's instant (ISO 8601). @default - the invocation time */
  readonly now?: string;
  /** Continue from this domain index. @default 0 */
  readonly fromIndex?: number;
  /** The lease owner of the run being continued. @default - a new run, which takes the lease */
  readonly lease?: string;
}

/** Time kept back from the Lambda timeout for the domains in flight and the continuation. */
export const SAFETY_MARGIN_MS = 60_000;

/** How long a lease lives when the invocation's remaining time is unknown (local runs): 15 min. */
const DEFAULT_INVOCATION_MS = 900_000;

/** What the handler needs besides the logic's deps. */
export interface MonitorHandlerDeps extends Omit<MonitorDeps, 'config'> {
  /** The configuration, or the deployed object's reader (read once per container). */
  readonly config: ConfigSource;
  /** Publishes buffered metrics, for sinks that buffer. @default - nothing to flush */
  readonly flushMetrics?: () => void;
  /** Starts the next invocation of the chain. */
  readonly continueFrom?: (event: Required<MonitorEvent>) => Promise<void>;
  /** Sees each invocation's full result (the local runner keeps its reports). @default - none */
  readonly onResult?: (result: MonitorResult) => void;
}

/**
 * The chain's next invocation: an asynchronous invoke (InvocationType `Event`) of the function
 * itself, with the monitor role's `lambda:InvokeFunction` on its own ARN.
 */
export function invokeSelf(
  lambda: LambdaClient,
  functionName: string | undefined,
): NonNullable<MonitorHandlerDeps['continueFrom']> {
  return async (event) => {
    if (functionName === undefined) throw new InvalidInputError('AWS_LAMBDA_FUNCTION_NAME is not set.');
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
  };
}

function positiveNumber(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidInputError(`Environment variable ${name} = "${raw}": must be a number ≥ 0.`);
  }
  return value;
}

/** Real clients and settings from the environment the RotationMonitor construct sets. */
export function defaultDeps(env: NodeJS.ProcessEnv = process.env): MonitorHandlerDeps {
  // The stack sets POWERTOOLS_METRICS_NAMESPACE to the configured namespace.
  const metrics = new Metrics({
    namespace: requiredEnv('POWERTOOLS_METRICS_NAMESPACE', env),
    serviceName: MONITOR_SERVICE_NAME,
  });
  const sns = snsClient(env);
  const s3 = s3Client(env);
  const bucket = requiredEnv(TASK_ENV.bucketName, env);
  const dnsTeamTopicArn = env[TASK_ENV.dnsTeamTopicArn];
  return {
    s3,
    bucket,
    // The deployed configuration object (infra/deployed-config.ts), read on first use per container.
    config: deployedConfigSource({ s3, bucket }, requiredEnv(TASK_ENV.configObjectKey, env)),
    ses: sesClients(env),
    sfn: new SFNClient({}),
    stateMachineArn: requiredEnv(MONITOR_ENV.stateMachineArn, env),
    ops: { sns, topicArn: requiredEnv(TASK_ENV.operatorsTopicArn, env) },
    ...(dnsTeamTopicArn ? { dnsTeam: { sns, topicArn: dnsTeamTopicArn } } : {}),
    verifyDkimRecord,
    dnsOptions: dnsOptionsFromEnv(env),
    // Every point is a Powertools single metric, written at once: nothing is buffered to flush.
    metrics: powertoolsMetricsSink(metrics),
    sleep: realSleep,
    pacing: {
      sesIntervalMs: positiveNumber(MONITOR_ENV.sesRequestIntervalMs, DEFAULT_SES_INTERVAL_MS, env),
      concurrency: positiveNumber(MONITOR_ENV.concurrency, 8, env),
    },
    clock: () => new Date(),
    logger,
    continueFrom: invokeSelf(new LambdaClient({}), env.AWS_LAMBDA_FUNCTION_NAME),
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(source: MonitorHandlerDeps | (() => MonitorHandlerDeps)) {
  const deps = memoDeps(source);
  return async (
    event: MonitorEvent | undefined,
    context?: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'awsRequestId'>>,
  ) => {
    const resolved = deps();
    const invokedAt = resolved.clock();
    const now = event?.now === undefined ? invokedAt : new Date(event.now);
    if (Number.isNaN(now.getTime()))
      throw new InvalidInputError(`Monitor event "now" = "${event?.now}" is not a date.`);
    const fromIndex = event?.fromIndex ?? 0;
    const remainingMs = context?.getRemainingTimeInMillis() ?? DEFAULT_INVOCATION_MS;
    const deadline =
      context === undefined ? undefined : new Date(invokedAt.getTime() + remainingMs - SAFETY_MARGIN_MS);

    // One run at a time: a retried schedule delivery or a manual invoke during the run stops here.
    const owner = event?.lease ?? context?.awsRequestId ?? randomUUID();
    const taken = await acquireMonitorLease(resolved, {
      owner,
      now: invokedAt,
      ttlMs: remainingMs + LEASE_MARGIN_MS,
    });
    if (!taken.acquired) {
      resolved.logger.warn('Another monitor run holds the lease: this one does nothing', {
        heldBy: taken.heldBy.owner,
        until: taken.heldBy.expiresAt,
      });
      return { skipped: true, heldBy: taken.heldBy.owner, until: taken.heldBy.expiresAt, checked: 0 };
    }
    let result: MonitorResult;
    let continued = false;
    try {
      try {
        const config = await resolveConfig(resolved.config);
        result = await runMonitor({ ...resolved, config }, now, { fromIndex, deadline });
      } finally {
        resolved.flushMetrics?.();
      }
      resolved.onResult?.(result);
      if (result.nextIndex !== undefined) {
        if (result.nextIndex <= fromIndex) {
          throw new InvalidInputError(
            `The monitor made no progress from domain ${fromIndex}: raise the function timeout or lower SES_REQUEST_INTERVAL_MS.`,
          );
        }
        await resolved.continueFrom?.({ now: now.toISOString(), fromIndex: result.nextIndex, lease: owner });
        continued = resolved.continueFrom !== undefined;
      }
    } finally {
      // The continuation keeps the lease; otherwise (done or failed) it is given back. A release
      // that fails is only logged: the lease expires by itself.
      if (!continued) {
        await releaseMonitorLease(resolved, owner, resolved.clock()).catch((error: unknown) =>
          resolved.logger.warn('Monitor lease not released', { reason: (error as Error).message }),
        );
      }
    }
    return {
      checked: result.reports.length,
      total: result.total,
      ...(result.nextIndex === undefined ? {} : { nextIndex: result.nextIndex }),
      domains: result.reports.map(({ domain, selector, daysUntilExpiry, action, findings }) => ({
        domain,
        selector,
        daysUntilExpiry,
        action,
        findings: findings.map(({ check, severity }) => ({ check, severity })),
      })),
    };
  };
}

export const handler = makeHandler(() => defaultDeps());
