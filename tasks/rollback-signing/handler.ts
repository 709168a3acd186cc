/** RollbackSigning: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, sesClients } from '../../shared/rotation/runtime';
import type { RollbackResult } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type RollbackSigningDeps, rollbackSigning } from './logic';

const logger = taskLogger();
const env = taskEnvironment('RollbackSigning');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): RollbackSigningDeps {
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    ses: sesClients(),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: RollbackSigningDeps | (() => RollbackSigningDeps)) {
  return rotationStateTask<RollbackSigningDeps, RollbackResult>(
    'RollbackSigning',
    logger,
    deps,
    rollbackSigning,
  );
}

export const handler = makeHandler(defaultDeps);
