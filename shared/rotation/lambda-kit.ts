/**
 * Wiring shared by the task handlers: the Powertools logger, the approval secret, DNS options
 * from the environment. Only handler.ts files import this; logic never does.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import type { DnsCheckOptions, DnsEndpoint } from '../dns/types';
import { sanitiseError } from '../sanitise';
import { type ApprovalKeys, approvalKeysFrom } from './approval-keys';
import { DNS_IPV6_EGRESS_ENV, ipv6PolicyFor } from './dns-egress';
import { type DepsSource, memoDeps } from './runtime';
import { assertRotationState, type RotationState } from './state';

/** One Powertools logger per function (service name from POWERTOOLS_SERVICE_NAME). */
export function taskLogger(): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'byodkim-rotation' });
}

/**
 * A Lambda handler around a task's logic: adds the Lambda context and the rotation's domain and
 * selector to every log line (never the event itself: NotifyDnsTeam's event holds a task token).
 * A failure is logged whole, then rethrown with its message sanitised (shared/sanitise.ts): that
 * message becomes the cause Step Functions records, a Catch hands on and the console, the CLI and
 * the notices show, so no AWS identifier or control character of an SDK error or of DNS gets there.
 */
export function taskHandler<E, D extends object, R>(
  logger: Logger,
  source: DepsSource<D>,
  run: (event: E, deps: D) => Promise<R>,
  keysOf: (event: E) => Record<string, string | undefined> = () => ({}),
): (event: E, context?: Context) => Promise<R> {
  const deps = memoDeps(source);
  return async (event, context) => {
    if (context !== undefined) logger.addContext(context);
    const keys = keysOf(event);
    logger.appendKeys(keys);
    try {
      return await run(event, deps());
    } catch (error) {
      logger.error('Task failed', {
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      throw sanitiseError(error);
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };
}

/**
 * {@link taskHandler} for the tasks whose input is the rotation state: checks its shape first and
 * logs the rotation's domain and selector.
 */
export function rotationStateTask<D extends object, R>(
  task: string,
  logger: Logger,
  source: DepsSource<D>,
  run: (state: RotationState, deps: D) => Promise<R>,
): (event: RotationState, context?: Context) => Promise<R> {
  return taskHandler<RotationState, D, R>(
    logger,
    source,
    (event, deps) => {
      assertRotationState(event, task);
      return run(event, deps);
    },
    (event) => ({ domain: event?.plan?.domain, selector: event?.plan?.selector }),
  );
}

/**
 * The approval signing keys from Secrets Manager (AWSCURRENT and AWSPREVIOUS), read again by each
 * container after ./approval-keys.ts's TTL so that a rotation reaches every warm container.
 */
export function approvalKeysOf(
  secretArn: string,
  client = new SecretsManagerClient({}),
): () => Promise<ApprovalKeys> {
  return approvalKeysFrom(secretArn, client);
}

function parseHostPort(text: string): DnsEndpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(text.trim());
  return {
    host: match?.[1] ?? match?.[2] ?? text.trim(),
    port: match?.[3] === undefined ? 53 : Number(match[3]),
  };
}

/**
 * DNS options from `DNS_RESOLVER` and `DNS_NAME_SERVERS` (comma-separated host:port), when set,
 * and the IPv6 policy from `DNS_IPV6_EGRESS` (always: unset means Lambda's IPv4-only network).
 */
export function dnsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DnsCheckOptions {
  const options: { resolver?: DnsEndpoint; nameServers?: DnsEndpoint[]; ipv6: DnsCheckOptions['ipv6'] } = {
    ipv6: ipv6PolicyFor(env[DNS_IPV6_EGRESS_ENV]),
  };
  if (env.DNS_RESOLVER) options.resolver = parseHostPort(env.DNS_RESOLVER);
  if (env.DNS_NAME_SERVERS) options.nameServers = env.DNS_NAME_SERVERS.split(',').map(parseHostPort);
  return options;
}
