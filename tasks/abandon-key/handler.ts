/** AbandonKey: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, snsClient } from '../../shared/rotation/runtime';
import type { AbandonResult } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type AbandonKeyDeps, abandonKey } from './logic';

const logger = taskLogger();
const env = taskEnvironment('AbandonKey');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): AbandonKeyDeps {
  const sns = snsClient();
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    operators: { sns, topicArn: env.operatorsTopicArn() },
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: AbandonKeyDeps | (() => AbandonKeyDeps)) {
  return rotationStateTask<AbandonKeyDeps, AbandonResult>('AbandonKey', logger, deps, abandonKey);
}

export const handler = makeHandler(defaultDeps);
