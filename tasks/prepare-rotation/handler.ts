/** PrepareRotation: AWS wiring only; the logic is in ./logic.ts. */
import { deployedConfigSource } from '../../shared/config-store';
import { taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, sesClients } from '../../shared/rotation/runtime';
import type { PreparedRotation, PrepareRotationInput } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type PrepareRotationDeps, prepareRotation } from './logic';

const logger = taskLogger();
const env = taskEnvironment('PrepareRotation');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): PrepareRotationDeps {
  const s3 = s3Client();
  const bucket = env.bucketName();
  return {
    s3,
    bucket,
    ses: sesClients(),
    // The deployed configuration object (infra/deployed-config.ts), read on first use per container.
    config: deployedConfigSource({ s3, bucket }, env.configObjectKey()),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: PrepareRotationDeps | (() => PrepareRotationDeps)) {
  return taskHandler<PrepareRotationInput, PrepareRotationDeps, PreparedRotation>(
    logger,
    deps,
    prepareRotation,
    (event) => ({ domain: event?.request?.domain, selector: event?.request?.selector }),
  );
}

export const handler = makeHandler(defaultDeps);
