/** ApplyToSes: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, s3Client, sesClients } from '../../shared/rotation/runtime';
import type { SesApplied } from '../../shared/rotation/state';
import { type ApplyToSesDeps, applyToSes } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): ApplyToSesDeps {
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    ses: sesClients(),
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: ApplyToSesDeps | (() => ApplyToSesDeps)) {
  return rotationStateTask<ApplyToSesDeps, SesApplied>('ApplyToSes', logger, deps, applyToSes);
}

export const handler = makeHandler(defaultDeps);
