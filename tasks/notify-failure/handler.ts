/** NotifyFailure: AWS wiring only; the logic is in ./logic.ts. */
import { taskHandler, taskLogger } from '../../shared/rotation/lambda-kit';
import { requiredEnv, snsClient } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';
import { type NotifyFailureDeps, notifyFailure } from './logic';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): NotifyFailureDeps {
  const sns = snsClient();
  return {
    operators: { sns, topicArn: requiredEnv('OPS_TOPIC_ARN') },
    dnsTeam: { sns, topicArn: requiredEnv('DNS_TEAM_TOPIC_ARN') },
    clock: () => new Date(),
    logger,
  };
}

/** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
export function makeHandler(deps: NotifyFailureDeps | (() => NotifyFailureDeps)) {
  return taskHandler<RotationState, NotifyFailureDeps, NotificationSent>(
    logger,
    deps,
    notifyFailure,
    (event) => ({ domain: event?.plan?.domain, selector: event?.plan?.selector }),
  );
}

export const handler = makeHandler(defaultDeps);
