/** NotifyFailure: AWS wiring only; the logic is in ./logic.ts. */
import { METRIC, type MetricName, type MetricsSink } from '../../shared/monitoring/metrics';
import { countingAfterSuccess, rotationMetrics } from '../../shared/monitoring/task-metrics';
import { rotationStateTask, taskLogger } from '../../shared/rotation/lambda-kit';
import { snsClient } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';
import { taskEnvironment } from '../../shared/tasks/task-env';
import { type NotifyFailureDeps, notifyFailure } from './logic';

const logger = taskLogger();
const env = taskEnvironment('NotifyFailure');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): NotifyFailureDeps {
  const sns = snsClient();
  return {
    operators: { sns, topicArn: env.operatorsTopicArn() },
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
    clock: () => new Date(),
    logger,
  };
}

/**
 * RotationRolledBack when the previous configuration was restored and SES confirmed it (or an
 * execution predating ConfirmRollback restored it), RotationFailed otherwise.
 */
export function failureMetric(state: RotationState): MetricName {
  return state.rollback !== undefined &&
    state.rollbackFailure === undefined &&
    state.rollbackConfirmation?.confirmed !== false
    ? METRIC.RotationRolledBack
    : METRIC.RotationFailed;
}

/**
 * The handler for any deps (the local runner passes its own); deps are resolved on first call.
 * Counts RotationRolledBack or RotationFailed once the operators were told.
 */
export function makeHandler(
  deps: NotifyFailureDeps | (() => NotifyFailureDeps),
  metrics: () => MetricsSink = rotationMetrics,
) {
  return countingAfterSuccess(
    rotationStateTask<NotifyFailureDeps, NotificationSent>('NotifyFailure', logger, deps, notifyFailure),
    failureMetric,
    metrics,
  );
}

export const handler = makeHandler(defaultDeps);
