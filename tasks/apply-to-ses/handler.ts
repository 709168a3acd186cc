/** ApplyToSes: AWS wiring only; the logic is in ./logic.ts. */
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { countForDomain, rotationMetrics } from '../../shared/monitoring/task-metrics';
import { sesClients } from '../../shared/rotation/runtime';
import type { RotationState, SesApplied } from '../../shared/rotation/state';
import { defineTask, keyStoreOf } from '../../shared/tasks/define-task';
import { type ApplyToSesDeps, applyToSes } from './logic';

const task = defineTask({
  state: 'ApplyToSes',
  deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env), ses: sesClients() }),
  run: applyToSes,
});

/** Real clients and settings from the environment the stack sets. */
export const defaultDeps = task.defaultDeps;

/**
 * The handler for any deps (the local runner passes its own); deps are resolved on first call.
 * Counts SigningSwitched for the domain when SES was changed in at least one region: the
 * dashboard's marker of the switch beside the bounce and complaint rates. A retry or redrive that
 * finds SES already signing with the new key (every region ALREADY_APPLIED) counts nothing, so one
 * switch is one marker. Only the domain name is emitted, never a selector or key material.
 */
export function makeHandler(
  deps: ApplyToSesDeps | (() => ApplyToSesDeps),
  metrics: () => MetricsSink = rotationMetrics,
) {
  const apply = task.makeHandler(deps);
  return async (event: RotationState, context?: Parameters<typeof apply>[1]): Promise<SesApplied> => {
    const result = await apply(event, context);
    if (result.regions.some((region) => region.action === 'APPLIED')) {
      countForDomain(metrics(), METRIC.SigningSwitched, event?.plan?.domain);
    }
    return result;
  };
}

export const handler = makeHandler(defaultDeps);
