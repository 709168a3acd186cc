/** SendReminder: AWS wiring only; the logic is in ./logic.ts. */
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { sendReminder } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'SendReminder',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env) }),
  run: sendReminder,
});
