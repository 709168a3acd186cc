/** ConfirmSesStatus: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, sesClients } from '../../shared/rotation/runtime';
import type { SesConfirmation } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type ConfirmSesStatusDeps, confirmSesStatus } from './logic';

const logger = taskLogger();
const env = taskEnvironment('ConfirmSesStatus');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): ConfirmSesStatusDeps {
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    ses: sesClients(),
    clock: () => new Date(),
    random: Math.random,
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: ConfirmSesStatusDeps | (() => ConfirmSesStatusDeps)) {
  return rotationStateTask<ConfirmSesStatusDeps, SesConfirmation>(
    'ConfirmSesStatus',
    logger,
    deps,
    confirmSesStatus,
  );
}

export const handler = makeHandler(defaultDeps);
