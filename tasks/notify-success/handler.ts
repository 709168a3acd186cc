/** NotifySuccess: AWS wiring only; the logic is in ./logic.ts. */
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { countingAfterSuccess, rotationMetrics } from '../../shared/monitoring/task-metrics';
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { snsClient } from '../../shared/rotation/runtime';
import type { NotificationSent } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type NotifySuccessDeps, notifySuccess } from './logic';

const logger = taskLogger();
const env = taskEnvironment('NotifySuccess');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): NotifySuccessDeps {
  const sns = snsClient();
  return {
    operators: { sns, topicArn: env.operatorsTopicArn() },
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
    clock: () => new Date(),
    logger,
  };
}

/**
 * The handler for any deps (the local runner passes its own); deps are resolved on first call.
 * Counts RotationSucceeded once SES confirmed the new key everywhere and people were told.
 */
export function makeHandler(
  deps: NotifySuccessDeps | (() => NotifySuccessDeps),
  metrics: () => MetricsSink = rotationMetrics,
) {
  return countingAfterSuccess(
    rotationStateTask<NotifySuccessDeps, NotificationSent>('NotifySuccess', logger, deps, notifySuccess),
    () => METRIC.RotationSucceeded,
    metrics,
  );
}

export const handler = makeHandler(defaultDeps);
