/** ConfirmSesStatus: AWS wiring only; the logic is in ./logic.ts. */
import { sesClients } from '../../shared/rotation/runtime';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { confirmSesStatus } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'ConfirmSesStatus',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env), ses: sesClients(), random: Math.random }),
  run: confirmSesStatus,
});
