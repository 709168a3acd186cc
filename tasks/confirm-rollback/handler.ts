/** ConfirmRollback: AWS wiring only; the logic is in ./logic.ts. */
import { verifyCnameRecord, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv } from '../../shared/rotation/lambda-kit';
import { sesClients } from '../../shared/rotation/runtime';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { confirmRollback } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'ConfirmRollback',
  deps: ({ env, base }) => ({
    ...base,
    ...keyStoreOf(env),
    ses: sesClients(),
    dns: { verifyDkimRecord, verifyCnameRecord },
    dnsOptions: dnsOptionsFromEnv(),
    random: Math.random,
  }),
  run: confirmRollback,
});
