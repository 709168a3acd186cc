/** RollbackSigning: AWS wiring only; the logic is in ./logic.ts. */
import { sesClients } from '../../shared/rotation/runtime';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { rollbackSigning } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'RollbackSigning',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env), ses: sesClients() }),
  run: rollbackSigning,
});
