/** StoreDnsRequest: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client } from '../../shared/rotation/runtime';
import type { DnsRequestReference } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type StoreDnsRequestDeps, storeDnsRequest } from './logic';

const logger = taskLogger();
const env = taskEnvironment('StoreDnsRequest');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): StoreDnsRequestDeps {
  return { s3: s3Client(), bucket: env.bucketName(), clock: () => new Date(), logger };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: StoreDnsRequestDeps | (() => StoreDnsRequestDeps)) {
  return rotationStateTask<StoreDnsRequestDeps, DnsRequestReference>(
    'StoreDnsRequest',
    logger,
    deps,
    storeDnsRequest,
  );
}

export const handler = makeHandler(defaultDeps);
