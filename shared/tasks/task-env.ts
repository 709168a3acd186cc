/**
 * The environment of the rotation's functions, derived from the task manifest: the infrastructure
 * sets exactly {@link environmentOf}`(entry)` (plus Powertools' and Node's own variables), and a
 * handler reads it through {@link taskEnvironment}, whose type only offers what its entry gives.
 */
import { InvalidInputError } from '../errors';
import { DNS_IPV6_EGRESS_ENV } from '../rotation/dns-egress';
import { TASK_MANIFEST, type TaskManifestEntry, type TaskName, usesKeyStore } from './manifest';

/** Every variable the manifest can give a function, by the name handlers use. */
export const TASK_ENV = {
  bucketName: 'BUCKET_NAME',
  /** The deployed configuration object's key (infra/deployed-config.ts). */
  configObjectKey: 'CONFIG_OBJECT_KEY',
  dnsTeamTopicArn: 'DNS_TEAM_TOPIC_ARN',
  operatorsTopicArn: 'OPS_TOPIC_ARN',
  approvalSecretArn: 'APPROVAL_SECRET_ARN',
  approvalBaseUrl: 'APPROVAL_BASE_URL',
  dnsIpv6Egress: DNS_IPV6_EGRESS_ENV,
} as const;

/**
 * The monitor's own variables besides {@link TASK_ENV}'s (infra/rotation-monitor.ts sets them,
 * tasks/monitor/handler.ts reads them): the monitor is a construct of its own, not a manifest entry.
 */
export const MONITOR_ENV = {
  stateMachineArn: 'STATE_MACHINE_ARN',
  sesRequestIntervalMs: 'SES_REQUEST_INTERVAL_MS',
  concurrency: 'MONITOR_CONCURRENCY',
} as const;

/** A variable the manifest can give, by the name handlers use. */
export type TaskEnvName = keyof typeof TASK_ENV;

/** The variables an entry gets, as a type (mirrors {@link environmentOf}). */
export type EnvOf<E> =
  | (E extends
      | { reads: readonly unknown[] }
      | { writes: readonly unknown[] }
      | { lists: true }
      | { readsConfig: true }
      ? 'bucketName'
      : never)
  | (E extends { readsConfig: true } ? 'configObjectKey' : never)
  | (E extends { publishes: readonly (infer T)[] }
      ?
          | (T extends 'dnsTeam' ? 'dnsTeamTopicArn' : never)
          | (T extends 'operators' ? 'operatorsTopicArn' : never)
      : never)
  | (E extends { approvalSecret: true } ? 'approvalSecretArn' : never)
  | (E extends { approvalLinks: true } ? 'approvalBaseUrl' : never)
  | (E extends { asksNameServers: true } ? 'dnsIpv6Egress' : never);

/** The variables `entry` gets, in a fixed order. */
export function environmentOf(entry: TaskManifestEntry): TaskEnvName[] {
  const names: TaskEnvName[] = [];
  if (usesKeyStore(entry)) names.push('bucketName');
  if (entry.readsConfig) names.push('configObjectKey');
  if (entry.publishes?.includes('dnsTeam')) names.push('dnsTeamTopicArn');
  if (entry.publishes?.includes('operators')) names.push('operatorsTopicArn');
  if (entry.approvalSecret) names.push('approvalSecretArn');
  if (entry.approvalLinks) names.push('approvalBaseUrl');
  if (entry.asksNameServers) names.push('dnsIpv6Egress');
  return names;
}

/** Reads `name` of `task`'s environment, or fails naming the variable and the function. */
function required(task: TaskName, name: TaskEnvName, env: NodeJS.ProcessEnv): string {
  const variable = TASK_ENV[name];
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new InvalidInputError(
      `Environment variable ${variable} is not set for ${task}: the stack sets it; check the deployment.`,
    );
  }
  return value;
}

/**
 * The environment of `task`: one reader per variable its manifest entry gives (read when called,
 * so a handler module loads without its environment, as the local rehearsal and tests load it).
 */
export function taskEnvironment<T extends TaskName>(
  task: T,
  env?: NodeJS.ProcessEnv,
): { readonly [K in EnvOf<(typeof TASK_MANIFEST)[T]>]: () => string } {
  const readers: Partial<Record<TaskEnvName, () => string>> = {};
  for (const name of environmentOf(TASK_MANIFEST[task]))
    readers[name] = () => required(task, name, env ?? process.env);
  return readers as { readonly [K in EnvOf<(typeof TASK_MANIFEST)[T]>]: () => string };
}
