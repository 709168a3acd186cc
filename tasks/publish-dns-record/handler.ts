/** PublishDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { route53Client, s3Client, snsClient } from '../../shared/rotation/runtime';
import type { PublicationResult } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type PublishDnsRecordDeps, publishDnsRecord } from './logic';

const logger = taskLogger();
const env = taskEnvironment('PublishDnsRecord');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): PublishDnsRecordDeps {
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    route53: route53Client(),
    dnsTeam: { sns: snsClient(), topicArn: env.dnsTeamTopicArn() },
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: PublishDnsRecordDeps | (() => PublishDnsRecordDeps)) {
  return rotationStateTask<PublishDnsRecordDeps, PublicationResult>(
    'PublishDnsRecord',
    logger,
    deps,
    publishDnsRecord,
  );
}

export const handler = makeHandler(defaultDeps);
