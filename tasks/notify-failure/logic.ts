/**
 * NotifyFailure: tells operators (and the DNS team, when a rollback happened) what failed and
 * what signs the mail now. A failed rollback is CRITICAL: it pages the operators — and when SES
 * does not confirm the restored configuration (ConfirmRollback), the page names the records to
 * publish.
 */
import { printable } from '../../shared/dns/printable';
import { ERROR_NAMES } from '../../shared/errors';
import { failureNotification, type NotifyDeps, publish } from '../../shared/rotation/notifications';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';

export interface NotifyFailureDeps extends BaseDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

/**
 * Short text of a Catch's cause for the operators (Lambda causes are JSON with errorMessage):
 * printable ASCII only (line breaks and control characters escaped, so a cause cannot forge
 * lines in a mail) and at most 500 characters, whichever form the cause has.
 */
export function describeCause(cause: string | null | undefined): string {
  if (!cause) return '';
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // not JSON: use as is
  }
  return printable(text, 500);
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
  } else if (state.rollbackConfirmation?.confirmed === false) {
    // Restored, but SES does not confirm it: page the operators with the records to publish.
    const confirmation = state.rollbackConfirmation;
    const reason = `${ERROR_NAMES.RollbackFailed}: ${printable(confirmation.reason ?? 'SES does not confirm the restored configuration', 1500)}`;
    const notification = failureNotification({
      ...base,
      kind: 'rollback-unverified',
      reason,
      records: confirmation.records ?? [],
    });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  } else if (state.rollback !== undefined) {
    const error = printable(state.failure?.Error ?? 'Error', 100);
    const reason = `${error}: ${describeCause(state.failure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'rolled-back', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
    // The DNS team is another team: the error's name only, never AWS's text (role ARNs, account
    // ids, record contents); the operators' notice has the cause.
    const forDnsTeam = failureNotification({ ...base, kind: 'rolled-back', reason: error });
    messageIds.push(await publish(deps.dnsTeam, domain, language, forDnsTeam));
  } else {
    const reason = `${state.retirementFailure?.Error ?? 'Error'}: ${describeCause(state.retirementFailure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'retirement-failed', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  }
  return { sentAt: deps.clock().toISOString(), messageIds };
}
