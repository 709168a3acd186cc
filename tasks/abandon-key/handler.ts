/** AbandonKey: AWS wiring only; the logic is in ./logic.ts. */
import { bothTopicsOf, defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { abandonKey } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'AbandonKey',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env), ...bothTopicsOf(env) }),
  run: abandonKey,
});
