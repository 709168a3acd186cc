/** NotifyDnsTeam: AWS wiring only; the logic is in ./logic.ts. */
import { approvalKeysOf, taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, snsClient } from '../../shared/rotation/runtime';
import type { NotifyDnsTeamInput } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type NotifyDnsTeamDeps, type NotifyDnsTeamResult, notifyDnsTeam } from './logic';

const logger = taskLogger();
const env = taskEnvironment('NotifyDnsTeam');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): NotifyDnsTeamDeps {
  const sns = snsClient();
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
    approvalKeys: approvalKeysOf(env.approvalSecretArn()),
    approvalBaseUrl: env.approvalBaseUrl(),
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
