/** RetireOldKey: AWS wiring only; the logic is in ./logic.ts. */
import { assertDnsVerified, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv, rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { route53Client, s3Client, sesClients, snsClient } from '../../shared/rotation/runtime';
import type { RetirementResult } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type RetireOldKeyDeps, retireOldKey } from './logic';

const logger = taskLogger();
const env = taskEnvironment('RetireOldKey');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): RetireOldKeyDeps {
  const sns = snsClient();
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    ses: sesClients(),
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
    dns: { verifyDkimRecord, assertDnsVerified },
    dnsOptions: dnsOptionsFromEnv(),
    route53: route53Client(),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: RetireOldKeyDeps | (() => RetireOldKeyDeps)) {
  return rotationStateTask<RetireOldKeyDeps, RetirementResult>('RetireOldKey', logger, deps, retireOldKey);
}

export const handler = makeHandler(defaultDeps);
