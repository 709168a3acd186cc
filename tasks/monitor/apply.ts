/**
 * The monitor's last step: carries out what plan.ts decided. Starts the rotation (Step Functions),
 * then emits the metrics and publishes the notifications (SNS) in the plan's order. Nothing here
 * throws for one domain's trouble: a failed start comes back as an outcome the report plan turns
 * into a finding, a failed publish is logged and not counted.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DomainConfig } from '../../shared/config';
import { RotationInProgressError, stableReason } from '../../shared/errors';
import { DIMENSION, METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { monitorNotification } from '../../shared/monitoring/notification';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { type StartRotationRequest, startRotation } from '../../shared/rotation/start-rotation';
import type { Recipient, ReportPlan, RotationOutcome } from './plan';

/** What applying a plan touches: Step Functions, the key store (next selector), SNS, metrics. */
export interface ApplyDeps extends BaseDeps, KeyStoreDeps {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  /** The operators' topic: every notification. */
  readonly ops: NotifyDeps;
  /** The DNS team's topic: DNS findings only (missing new record, old record left). @default - none */
  readonly dnsTeam?: NotifyDeps;
  readonly metrics: MetricsSink;
}

/**
 * Starts the planned rotation as of `now` (its selector is the next of `now`'s day). A rotation
 * already running is an outcome, not an error; any other refusal is reported as `startFailure`.
 */
export async function applyRotation(
  deps: ApplyDeps,
  request: StartRotationRequest | undefined,
  now: Date,
): Promise<RotationOutcome> {
  if (request === undefined) return { action: 'none' };
  try {
    const started = await startRotation({ ...deps, clock: () => now }, request);
    deps.logger.info('Rotation started', {
      domain: request.domain,
      executionName: started.executionName,
      selector: started.selector,
    });
    return { action: 'started', executionName: started.executionName };
  } catch (error) {
    if (error instanceof RotationInProgressError) return { action: 'already-running' };
    const reason = stableReason(error);
    deps.logger.error('Rotation could not be started', { domain: request.domain, reason });
    return { action: 'none', startFailure: reason };
  }
}

/**
 * Emits the plan's metrics, then publishes its notifications one after the other (operators
 * first) and counts those sent in NotificationsSent. Returns how many were sent.
 */
export async function applyReport(
  deps: ApplyDeps,
  domain: Pick<DomainConfig, 'domain' | 'language'>,
  plan: ReportPlan,
): Promise<number> {
  for (const point of plan.metrics) {
    deps.metrics.put(point.name, point.value, point.unit, point.dimensions, point.fleet);
  }
  let sent = 0;
  for (const notification of plan.notifications) {
    const to = topicOf(deps, notification.to);
    // The planner only addresses the DNS team when its topic exists; nothing to send otherwise.
    if (to === undefined) continue;
    try {
      await publish(to, domain.domain, domain.language, monitorNotification(notification.input));
      sent += 1;
    } catch (error) {
      deps.logger.error('Notification not sent', { domain: domain.domain, reason: stableReason(error) });
    }
  }
  if (sent > 0) {
    deps.metrics.put(METRIC.NotificationsSent, sent, 'Count', { [DIMENSION.Domain]: domain.domain });
  }
  return sent;
}

function topicOf(deps: ApplyDeps, recipient: Recipient): NotifyDeps | undefined {
  return recipient === 'ops' ? deps.ops : deps.dnsTeam;
}
