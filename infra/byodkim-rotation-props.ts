/**
 * The properties of `ByodkimRotation` and their validation at synth (one problem per line,
 * naming the prop and the fix).
 */
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { RotationConfig } from '../shared/config';
import type { TaskName } from '../shared/tasks/manifest';
import { type ApprovalRateLimit, checkApprovalRateLimit } from './approval-api';
import type { DnsCheckVpc } from './dns-check-network';
import { checkSharedProps } from './prop-checks';
import type { SesIdentityScope } from './ses-identity-scope';

/** Properties of {@link ByodkimRotation}. */
export interface ByodkimRotationProps {
  /** The validated configuration (shared/config/): domains, regions, timings, log retention. */
  readonly config: RotationConfig;
  /**
   * Prefix of resource names (log groups, state machine), letters, digits and hyphens.
   * @default 'byodkim-rotation'
   */
  readonly namePrefix?: string;
  /**
   * Customer managed KMS key encrypting the bucket, logs, topics, the secret and the state machine.
   * @default - a new key with yearly rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the key bucket, the key and the log groups when the stack is deleted. Log
   * group names end in a suffix new for every stack creation, so retained groups never block a
   * later deployment.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Memory of every task function, in MiB (128-10240).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of every task function (at most 15 minutes).
   * @default Duration.minutes(2)
   */
  readonly functionTimeout?: Duration;
  /**
   * Alarms on failed or timed-out executions and approval endpoint failures, sent to the alarms topic.
   * The SES sending-health alarms follow config `sendingHealth.enabled` instead.
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Directory holding package-lock.json, tasks/ and shared/ (bundling root).
   * @default - the repository root (two levels above this file)
   */
  readonly projectRoot?: string;
  /**
   * Runs VerifyDnsRecord, RetireOldKey, ConfirmRollback and the monitor in this dual-stack VPC with IPv6 egress
   * (`ipv6AllowedForDualStack`), so that they check every IPv6 address of every authoritative
   * name server too. docs/deployment.md says what the VPC needs (NAT, egress-only gateway, DNS).
   * @default - outside any VPC: every IPv4 address is checked, and the IPv6 addresses are reported
   * not checked (Lambda outside a VPC has no IPv6 egress)
   */
  readonly dnsCheckVpc?: DnsCheckVpc;
  /**
   * Reserved concurrency of the monitor function (see `RotationMonitorProps.reservedConcurrency`):
   * the monitor is single-flight by its lease without it, and Lambda refuses to reserve unless
   * 100 unreserved executions remain in the account.
   * @default - none
   */
  readonly monitorReservedConcurrency?: number;
  /**
   * A per-client limit on the approval API: AWS WAF (a regional web ACL with one rate-based rule
   * keyed on the client IP) blocks with 429 an address over the limit, so nobody who learns the
   * host can keep the DNS team on 429s by exhausting the shared stage limit. WAF attaches to REST
   * APIs only, so the approval API becomes a REST API: its host changes when this is turned on or
   * off (links already sent stop working; do it while no approval is open).
   *
   * Cost: AWS WAF $5.00/month per web ACL + $1.00/month per rule + $0.60 per million requests;
   * REST API requests $3.50 per million instead of $1.00 — about $6/month in all.
   * @default - off: an HTTP API with one stage-wide limit (5 requests/s, burst 10) for everyone
   */
  readonly approvalRateLimit?: ApprovalRateLimit;
  /**
   * Which SES identities the roles may read and change: `identities` lists each configured one
   * (up to 50 domains × regions), `regions` grants `identity/*` in each configured region, for a
   * fleet whose list would outgrow IAM's policy size and CloudFormation's template size
   * (infra/ses-identity-scope.ts).
   * @default 'identities'
   */
  readonly sesIdentityScope?: SesIdentityScope;
  /**
   * The stack outputs the `byodkim` CLI reads (StateMachineArn, KeyStoreBucket, ApprovalEndpoint,
   * OperatorPolicyArn, ConfigurationKey), under those fixed names: set false on all but one
   * ByodkimRotation of a stack.
   * @default true
   */
  readonly stackOutputs?: boolean;
}

/** The functions of the construct: every task state's, plus the approval endpoint's (the task manifest's names). */
export type RotationFunctionName = TaskName;

/** One problem per line, naming the prop and the fix. */
export function validateByodkimRotationProps(props: ByodkimRotationProps): string[] {
  const problems: string[] = [];
  checkSharedProps(props, problems);
  checkApprovalRateLimit(props.approvalRateLimit, problems);
  if (props.functionTimeout !== undefined && !props.functionTimeout.isUnresolved()) {
    const seconds = props.functionTimeout.toSeconds();
    if (seconds < 10 || seconds > 900) {
      problems.push(`props.functionTimeout = ${seconds}s: must be from 10 seconds to 15 minutes`);
    }
  }
  return problems;
}
