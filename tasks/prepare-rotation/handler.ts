/** PrepareRotation: AWS wiring only; the logic is in ./logic.ts. */
import { deployedConfigSource } from '../../shared/config-store';
import { sesClients } from '../../shared/rotation/runtime';
import type { PrepareRotationInput } from '../../shared/rotation/state';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { prepareRotation } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'PrepareRotation',
  deps: ({ env, base }) => {
    const keyStore = keyStoreOf(env);
    return {
      ...base,
      ...keyStore,
      ses: sesClients(),
      // The deployed configuration object (infra/deployed-config.ts), read on first use per container.
      config: deployedConfigSource(keyStore, env.configObjectKey()),
    };
  },
  run: prepareRotation,
  // Its input is the request, not the rotation state.
  keysOf: (event: PrepareRotationInput) => ({
    domain: event?.request?.domain,
    selector: event?.request?.selector,
  }),
});
