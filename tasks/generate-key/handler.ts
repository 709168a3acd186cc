/** GenerateKey: AWS wiring only; the logic is in ./logic.ts. */
import type { Context } from 'aws-lambda';
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { countForDomain, rotationMetrics } from '../../shared/monitoring/task-metrics';
import type { KeyReference, RotationState } from '../../shared/rotation/state';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { type GenerateKeyDeps, generateKey } from './logic';

const task = defineTask({
  state: 'GenerateKey',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env) }),
  run: generateKey,
});

/** Real clients and settings from the environment the stack sets. */
export const defaultDeps = task.defaultDeps;

/**
 * The handler for any deps (the local runner passes its own); deps are resolved on first call.
 * Emits KeyGenerationStatus 1 when the key is stored (or reused), 0 when generation failed.
 */
export function makeHandler(
  deps: GenerateKeyDeps | (() => GenerateKeyDeps),
  metrics: () => MetricsSink = rotationMetrics,
) {
  const run = task.makeHandler(deps);
  return async (event: RotationState, context?: Context): Promise<KeyReference> => {
    try {
      const reference = await run(event, context);
      countForDomain(metrics(), METRIC.KeyGenerationStatus, event?.plan?.domain, 1);
      return reference;
    } catch (error) {
      countForDomain(metrics(), METRIC.KeyGenerationStatus, event?.plan?.domain, 0);
      throw error;
    }
  };
}

export const handler = makeHandler(defaultDeps);
