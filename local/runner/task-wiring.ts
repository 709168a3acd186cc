import './quiet-powertools';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ConfigSource } from '../../shared/config-store';
import type { DnsCheckOptions } from '../../shared/dns/types';
import type { NotifyDeps } from '../../shared/notifications/publish';
import type { ApprovalKeys } from '../../shared/rotation/approval-keys';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { SesClientFor } from '../../shared/rotation/ses-signing';
import * as abandonKey from '../../tasks/abandon-key/handler';
import * as applyToSes from '../../tasks/apply-to-ses/handler';
import * as approvalEndpoint from '../../tasks/approval-endpoint/handler';
import * as confirmRollback from '../../tasks/confirm-rollback/handler';
import type { RollbackDnsChecker } from '../../tasks/confirm-rollback/logic';
import * as confirmSesStatus from '../../tasks/confirm-ses-status/handler';
import * as generateKey from '../../tasks/generate-key/handler';
import * as notifyDnsTeam from '../../tasks/notify-dns-team/handler';
import * as notifyFailure from '../../tasks/notify-failure/handler';
import * as notifySuccess from '../../tasks/notify-success/handler';
import * as prepareRotation from '../../tasks/prepare-rotation/handler';
import * as publishDnsRecord from '../../tasks/publish-dns-record/handler';
import * as retireOldKey from '../../tasks/retire-old-key/handler';
import * as rollbackSigning from '../../tasks/rollback-signing/handler';
import * as sendReminder from '../../tasks/send-reminder/handler';
import * as storeDnsRequest from '../../tasks/store-dns-request/handler';
import * as verifyDnsRecord from '../../tasks/verify-dns-record/handler';
import type { LambdaTaskName } from '../../workflows/states';
import type { ApprovalLambda } from '../approval-server';
import type { LocalTaskHandler } from '../sfn/engine';
import { asLambdaFunctionError } from './lambda-error';

/**
 * Every dependency any task takes, pointed at the local stand-ins. Each task's `makeHandler`
 * picks what its own Deps type names, exactly as its `defaultDeps()` does from the environment
 * in Lambda.
 */
export interface LocalTaskDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
  /** The deployed configuration object, read with the principal's own S3 client. */
  readonly config: ConfigSource;
  readonly dns: VerifyDeps['dns'] & RollbackDnsChecker;
  readonly dnsOptions: DnsCheckOptions;
  readonly dnsTeam: NotifyDeps;
  readonly operators: NotifyDeps;
  readonly approvalKeys: () => Promise<ApprovalKeys>;
  readonly approvalBaseUrl: string;
  readonly sfn: SFNClient;
  readonly route53: Route53Client;
  /** The polling loops' jitter (Math.random, as in Lambda). */
  readonly random: () => number;
}

type VerifyDeps = Parameters<typeof verifyDnsRecord.makeHandler>[0] extends infer D
  ? D extends () => infer R
    ? R
    : D
  : never;

/**
 * The handler of each Lambda task state, by state name: the same `makeHandler` the Lambda runs,
 * each on the dependencies of its own role (`depsOf(state)`), as each function has its own.
 */
export function localTaskHandlers(
  depsOf: (state: LambdaTaskName) => LocalTaskDeps,
): Record<LambdaTaskName, LocalTaskHandler> {
  const handlers: Record<LambdaTaskName, (event: never) => Promise<unknown>> = {
    PrepareRotation: prepareRotation.makeHandler(depsOf('PrepareRotation')),
    GenerateKey: generateKey.makeHandler(depsOf('GenerateKey')),
    StoreDnsRequest: storeDnsRequest.makeHandler(depsOf('StoreDnsRequest')),
    PublishDnsRecord: publishDnsRecord.makeHandler(depsOf('PublishDnsRecord')),
    NotifyDnsTeam: notifyDnsTeam.makeHandler(depsOf('NotifyDnsTeam')),
    SendReminder: sendReminder.makeHandler(depsOf('SendReminder')),
    VerifyDnsRecord: verifyDnsRecord.makeHandler(depsOf('VerifyDnsRecord')),
    ApplyToSes: applyToSes.makeHandler(depsOf('ApplyToSes')),
    ConfirmSesStatus: confirmSesStatus.makeHandler(depsOf('ConfirmSesStatus')),
    NotifySuccess: notifySuccess.makeHandler(depsOf('NotifySuccess')),
    RetireOldKey: retireOldKey.makeHandler(depsOf('RetireOldKey')),
    AbandonKey: abandonKey.makeHandler(depsOf('AbandonKey')),
    RollbackSigning: rollbackSigning.makeHandler(depsOf('RollbackSigning')),
    ConfirmRollback: confirmRollback.makeHandler(depsOf('ConfirmRollback')),
    NotifyFailure: notifyFailure.makeHandler(depsOf('NotifyFailure')),
  };
  // A failure reaches the interpreter as Lambda reports it: Error = its name, Cause = the JSON.
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (payload: unknown) =>
        handler(payload as never).catch((error: unknown) => {
          throw asLambdaFunctionError(error);
        }),
    ]),
  ) as unknown as Record<LambdaTaskName, LocalTaskHandler>;
}

/** The approval endpoint's Lambda handler on the local dependencies. */
export function localApprovalHandler(deps: LocalTaskDeps): ApprovalLambda {
  return approvalEndpoint.makeHandler(deps) as ApprovalLambda;
}
