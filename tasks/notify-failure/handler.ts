/** NotifyFailure: AWS wiring only; the logic is in ./logic.ts. */
import { METRIC, type MetricName, type MetricsSink } from '../../shared/monitoring/metrics';
import { countingAfterSuccess, rotationMetrics } from '../../shared/monitoring/task-metrics';
import type { RotationState } from '../../shared/rotation/state';
import { bothTopicsOf, defineTask } from '../../shared/tasks/define-task';
import { type NotifyFailureDeps, notifyFailure } from './logic';

const task = defineTask({
  state: 'NotifyFailure',
  deps: ({ env, base }) => ({ ...base, ...bothTopicsOf(env) }),
  run: notifyFailure,
});

/** Real clients and settings from the environment the stack sets. */
export const defaultDeps = task.defaultDeps;

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
  return countingAfterSuccess(task.makeHandler(deps), failureMetric, metrics);
}

export const handler = makeHandler(defaultDeps);
