/** NotifyDnsTeam: AWS wiring only; the logic is in ./logic.ts. */
import { approvalKeysOf } from '../../shared/rotation/lambda-kit';
import { snsClient } from '../../shared/rotation/runtime';
import type { NotifyDnsTeamInput } from '../../shared/rotation/state';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { notifyDnsTeam } from './logic';

export const { defaultDeps, makeHandler, handler } = defineTask({
  state: 'NotifyDnsTeam',
  deps: ({ env, base }) => ({
    ...base,
    ...keyStoreOf(env),
    dnsTeam: { sns: snsClient(), topicArn: env.dnsTeamTopicArn() },
    approvalKeys: approvalKeysOf(env.approvalSecretArn()),
    approvalBaseUrl: env.approvalBaseUrl(),
  }),
  run: notifyDnsTeam,
  // Its input is { state, taskToken }: the token is never logged, the rotation's keys are.
  keysOf: (event: NotifyDnsTeamInput) => ({
    domain: event?.state?.plan?.domain,
    selector: event?.state?.plan?.selector,
  }),
});
