/** RetireOldKey: AWS wiring only; the logic is in ./logic.ts. */
import { assertDnsVerified, verifyDkimRecord } from '../../shared/dns';
import { dnsOptionsFromEnv } from '../../shared/rotation/lambda-kit';
import { route53Client, sesClients, snsClient } from '../../shared/rotation/runtime';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { retireOldKey } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'RetireOldKey',
  deps: ({ env, base }) => ({
    ...base,
    ...keyStoreOf(env),
    ses: sesClients(),
    dnsTeam: { sns: snsClient(), topicArn: env.dnsTeamTopicArn() },
    dns: { verifyDkimRecord, assertDnsVerified },
    dnsOptions: dnsOptionsFromEnv(),
    route53: route53Client(),
  }),
  run: retireOldKey,
});
