/** StoreDnsRequest: AWS wiring only; the logic is in ./logic.ts. */
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { storeDnsRequest } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'StoreDnsRequest',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env) }),
  run: storeDnsRequest,
});
