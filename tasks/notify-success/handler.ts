/** NotifySuccess: AWS wiring only; the logic is in ./logic.ts. */
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { countingAfterSuccess, rotationMetrics } from '../../shared/monitoring/task-metrics';
import { bothTopicsOf, defineTask } from '../../shared/tasks/define-task';
import { type NotifySuccessDeps, notifySuccess } from './logic';

const task = defineTask({
  state: 'NotifySuccess',
  deps: ({ env, base }) => ({ ...base, ...bothTopicsOf(env) }),
  run: notifySuccess,
});

/** Real clients and settings from the environment the stack sets. */
export const defaultDeps = task.defaultDeps;

/**
 * The handler for any deps (the local runner passes its own); deps are resolved on first call.
 * Counts RotationSucceeded once SES confirmed the new key everywhere and people were told.
 */
export function makeHandler(
  deps: NotifySuccessDeps | (() => NotifySuccessDeps),
  metrics: () => MetricsSink = rotationMetrics,
) {
  return countingAfterSuccess(task.makeHandler(deps), () => METRIC.RotationSucceeded, metrics);
}

export const handler = makeHandler(defaultDeps);
