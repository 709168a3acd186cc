/** NotifyDnsTeam: AWS wiring only; the logic is in ./logic.ts. */
import { approvalKeysOf, taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, s3Client, snsClient } from '../../shared/rotation/runtime';
import type { NotifyDnsTeamInput } from '../../shared/rotation/state';
import { type NotifyDnsTeamDeps, type NotifyDnsTeamResult, notifyDnsTeam } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): NotifyDnsTeamDeps {
  const sns = snsClient();
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    dnsTeam: { sns, topicArn: requiredEnv('DNS_TEAM_TOPIC_ARN') },
    approvalKeys: approvalKeysOf(requiredEnv('APPROVAL_SECRET_ARN')),
    approvalBaseUrl: requiredEnv('APPROVAL_BASE_URL'),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: NotifyDnsTeamDeps | (() => NotifyDnsTeamDeps)) {
  return taskHandler<NotifyDnsTeamInput, NotifyDnsTeamDeps, NotifyDnsTeamResult>(
    logger,
    deps,
    notifyDnsTeam,
    (event) => ({ domain: event?.state?.plan?.domain, selector: event?.state?.plan?.selector }),
  );
}

export const handler = makeHandler(defaultDeps);
