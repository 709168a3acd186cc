/** AbandonKey: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, s3Client, snsClient } from '../../shared/rotation/runtime';
import type { AbandonResult } from '../../shared/rotation/state';
import { type AbandonKeyDeps, abandonKey } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): AbandonKeyDeps {
  const sns = snsClient();
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    operators: { sns, topicArn: requiredEnv('OPS_TOPIC_ARN') },
    dnsTeam: { sns, topicArn: requiredEnv('DNS_TEAM_TOPIC_ARN') },
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: AbandonKeyDeps | (() => AbandonKeyDeps)) {
  return rotationStateTask<AbandonKeyDeps, AbandonResult>('AbandonKey', logger, deps, abandonKey);
}

export const handler = makeHandler(defaultDeps);
