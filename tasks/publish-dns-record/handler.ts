/** PublishDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, route53Client, s3Client, snsClient } from '../../shared/rotation/runtime';
import type { PublicationResult } from '../../shared/rotation/state';
import { type PublishDnsRecordDeps, publishDnsRecord } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): PublishDnsRecordDeps {
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    route53: route53Client(),
    dnsTeam: { sns: snsClient(), topicArn: requiredEnv('DNS_TEAM_TOPIC_ARN') },
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
