/**
 * What every task's logic receives: a clock and a logger, plus its own clients.
 * Handlers build these once at module scope (AWS client factory, Powertools logger, env).
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { InvalidInputError } from '../errors';
import type { SesClientFor } from './ses-signing';

/** The part of Powertools' Logger the logic uses (the local runner passes its own). */
export interface TaskLogger {
  info(message: string, ...attributes: Array<{ [key: string]: unknown }>): void;
  warn(message: string, ...attributes: Array<{ [key: string]: unknown }>): void;
  error(message: string, ...attributes: Array<{ [key: string]: unknown }>): void;
}

/** Dependencies every task has. */
export interface BaseDeps {
  readonly clock: () => Date;
  readonly logger: TaskLogger;
}

/** A logger that drops everything (tests). */
export const silentLogger: TaskLogger = { info() {}, warn() {}, error() {} };

/** Reads a required environment variable (handlers only; logic never reads env). */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new InvalidInputError(
      `Environment variable ${name} is not set: the stack sets it; check the deployment.`,
    );
  }
  return value;
}

/**
 * Optional endpoint override (stand-ins on 127.0.0.1): the service's own variable
 * (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_SESV2`, `AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL_ROUTE_53`,
 * the SDK's names) wins
 * over the global `AWS_ENDPOINT_URL`, so each service can point at its own stand-in.
 */
function endpointOverride(
  env: NodeJS.ProcessEnv,
  service: 'S3' | 'SESV2' | 'SNS' | 'ROUTE_53',
): { endpoint?: string } {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return endpoint ? { endpoint } : {};
}

/** One S3 client for the task's lifetime (path-style when pointed at a stand-in). */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const override = endpointOverride(env, 'S3');
  return new S3Client(override.endpoint ? { ...override, forcePathStyle: true } : {});
}

/** One SNS client for the task's lifetime. */
export function snsClient(env: NodeJS.ProcessEnv = process.env): SNSClient {
  return new SNSClient(endpointOverride(env, 'SNS'));
}

/**
 * One Route 53 client. Route 53 is global, but its endpoint and signing region depend on the
 * partition (aws, aws-cn, aws-us-gov): the SDK derives them from the function's own region.
 */
export function route53Client(env: NodeJS.ProcessEnv = process.env): Route53Client {
  return new Route53Client({ region: env.AWS_REGION ?? 'us-east-1', ...endpointOverride(env, 'ROUTE_53') });
}

/** SES clients per region, created on first use and kept. */
export function sesClients(env: NodeJS.ProcessEnv = process.env): SesClientFor {
  const clients = new Map<string, SESv2Client>();
  const { endpoint } = endpointOverride(env, 'SESV2');
  return (region) => {
    let client = clients.get(region);
    if (client === undefined) {
      client = new SESv2Client({ region, ...(endpoint ? { endpoint } : {}) });
      clients.set(region, client);
    }
    return client;
  };
}

/** Dependencies given directly, or a factory called once on first use (so importing a handler never reads env). */
export type DepsSource<D> = D | (() => D);

/** Resolves a {@link DepsSource} once. */
export function memoDeps<D extends object>(source: DepsSource<D>): () => D {
  let resolved: D | undefined;
  return () => {
    if (resolved === undefined) resolved = typeof source === 'function' ? (source as () => D)() : source;
    return resolved;
  };
}
