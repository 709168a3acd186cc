/** PublishDnsRecord: AWS wiring only; the logic is in ./logic.ts. */
import { route53Client, snsClient } from '../../shared/rotation/runtime';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { publishDnsRecord } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'PublishDnsRecord',
  deps: ({ env, base }) => ({
    ...base,
    ...keyStoreOf(env),
    route53: route53Client(),
    dnsTeam: { sns: snsClient(), topicArn: env.dnsTeamTopicArn() },
  }),
  run: publishDnsRecord,
});
