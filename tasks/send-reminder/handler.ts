/** SendReminder: AWS wiring only; the logic is in ./logic.ts. */
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { s3Client } from '../../shared/rotation/runtime';
import type { ReminderCount } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type SendReminderDeps, sendReminder } from './logic';

const logger = taskLogger();
const env = taskEnvironment('SendReminder');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): SendReminderDeps {
  return { s3: s3Client(), bucket: env.bucketName(), clock: () => new Date(), logger };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: SendReminderDeps | (() => SendReminderDeps)) {
  return rotationStateTask<SendReminderDeps, ReminderCount>('SendReminder', logger, deps, sendReminder);
}

export const handler = makeHandler(defaultDeps);
