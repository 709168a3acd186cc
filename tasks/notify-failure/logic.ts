/**
 * NotifyFailure: tells operators (and the DNS team, when a rollback happened) what failed and
 * what signs the mail now. A failed rollback is CRITICAL: it pages the operators.
 */
import { failureNotification, type NotifyDeps, publish } from '../../shared/rotation/notifications';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';

export interface NotifyFailureDeps extends BaseDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

/** Short, stable text of a Catch's cause (Lambda causes are JSON with errorMessage). */
export function describeCause(cause: string | null | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: use as is
  }
  return cause.length > 500 ? `${cause.slice(0, 497)}...` : cause;
}

export async function notifyFailure(
  state: RotationState,
  deps: NotifyFailureDeps,
): Promise<NotificationSent> {
  const { domain, selector, language, executionName } = state.plan;
  const contacts = state.plan.opsContacts ?? [];
  const base = { domain, selector, executionName, contacts };
  const messageIds: string[] = [];
  if (state.rollbackFailure !== undefined) {
    const reason = `${state.rollbackFailure.Error}: ${describeCause(state.rollbackFailure.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'rollback-failed', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  } else if (state.rollback !== undefined) {
    const reason = `${state.failure?.Error ?? 'Error'}: ${describeCause(state.failure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'rolled-back', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
    messageIds.push(await publish(deps.dnsTeam, domain, language, notification));
  } else {
    const reason = `${state.retirementFailure?.Error ?? 'Error'}: ${describeCause(state.retirementFailure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'retirement-failed', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  }
  return { sentAt: deps.clock().toISOString(), messageIds };
}
