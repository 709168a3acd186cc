/** ConfirmRollback: AWS wiring only; the logic is in ./logic.ts. */
import { verifyCnameRecord, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv, rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client, sesClients } from '../../shared/rotation/runtime';
import type { RollbackConfirmation } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type ConfirmRollbackDeps, confirmRollback } from './logic';

const logger = taskLogger();
const env = taskEnvironment('ConfirmRollback');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): ConfirmRollbackDeps {
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    ses: sesClients(),
    dns: { verifyDkimRecord, verifyCnameRecord },
    dnsOptions: dnsOptionsFromEnv(),
    clock: () => new Date(),
    random: Math.random,
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: ConfirmRollbackDeps | (() => ConfirmRollbackDeps)) {
  return rotationStateTask<ConfirmRollbackDeps, RollbackConfirmation>(
    'ConfirmRollback',
    logger,
    deps,
    confirmRollback,
  );
}

export const handler = makeHandler(defaultDeps);
