/** PrepareRotation: AWS wiring only; the logic is in ./logic.ts. */
import { parseConfig } from '../../shared/config';
import { taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, s3Client, sesClients } from '../../shared/rotation/runtime';
import type { PreparedRotation, PrepareRotationInput } from '../../shared/rotation/state';
import { type PrepareRotationDeps, prepareRotation } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): PrepareRotationDeps {
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    ses: sesClients(),
    config: parseConfig(JSON.parse(requiredEnv('ROTATION_CONFIG')), 'ROTATION_CONFIG'),
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
