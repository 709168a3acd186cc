/** VerifyDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { assertDnsVerified, checkDkimEndToEnd, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv } from '../../shared/rotation/lambda-kit';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { verifyDnsRecord } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'VerifyDnsRecord',
  deps: ({ env, base }) => ({
    ...base,
    ...keyStoreOf(env),
    dns: { verifyDkimRecord, assertDnsVerified, checkDkimEndToEnd },
    dnsOptions: dnsOptionsFromEnv(),
  }),
  run: verifyDnsRecord,
});
