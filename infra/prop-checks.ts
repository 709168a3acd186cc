import { Token } from 'aws-cdk-lib';
import { describeIssues, type RotationConfig, RotationConfigSchema } from '../shared/config';
import { checkDnsCheckVpc, type DnsCheckVpc } from './dns-check-network';
import { checkSesIdentityScope, type SesIdentityScope } from './ses-identity-scope';

/**
 * Configurations this app has validated already: the monitor inside a ByodkimRotation (and the
 * configuration writer) gets the same object, which need not be parsed again. The props are
 * readonly, so an object that passed stays valid.
 */
const VALIDATED_CONFIGS = new WeakSet<object>();

/**
 * `props.config` against the schema, once per object: one line per problem (naming the field),
 * and the configuration to check the other props against when it is valid.
 */
export function checkConfigProp(config: RotationConfig, problems: string[]): RotationConfig | undefined {
  if (typeof config === 'object' && config !== null && VALIDATED_CONFIGS.has(config)) return config;
  const parsed = RotationConfigSchema.safeParse(config, { reportInput: true });
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, 'props.config'));
    return undefined;
  }
  if (typeof config === 'object' && config !== null) VALIDATED_CONFIGS.add(config);
  return parsed.data;
}

/**
 * Checks shared by the constructs' props validation: each pushes one line naming the prop, the
 * value and what is allowed, and skips unresolved tokens.
 */
export function checkNamePrefix(value: string | undefined, problems: string[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(value)) {
    problems.push(
      `props.namePrefix = "${value}": must be 1-40 lower-case letters, digits or hyphens, starting with a letter`,
    );
  }
}

/** Lambda memory in MiB. */
export function checkMemorySize(value: number | undefined, problems: string[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < 128 || value > 10_240) {
    problems.push(`props.memorySize = ${value}: must be a whole number of MiB from 128 to 10240`);
  }
}

/** The props ByodkimRotation and RotationMonitor share. */
export interface SharedProps {
  readonly config: RotationConfig;
  readonly sesIdentityScope?: SesIdentityScope;
  readonly namePrefix?: string;
  readonly memorySize?: number;
  readonly dnsCheckVpc?: DnsCheckVpc;
}

/** Checks the props both constructs take: the configuration, the SES scope, names, memory, VPC. */
export function checkSharedProps(props: SharedProps, problems: string[]): void {
  const config = checkConfigProp(props.config, problems);
  if (config !== undefined) checkSesIdentityScope(config, props.sesIdentityScope, problems);
  checkNamePrefix(props.namePrefix, problems);
  checkMemorySize(props.memorySize, problems);
  checkDnsCheckVpc(props.dnsCheckVpc, problems);
}
