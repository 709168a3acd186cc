/**
 * NotifyFailure: tells operators (and the DNS team, when a rollback happened) what failed and
 * what signs the mail now. A failed rollback is CRITICAL: it pages the operators — and when SES
 * does not confirm the restored configuration (ConfirmRollback), the page names the records to
 * publish.
 */
import { ERROR_NAMES } from '../../shared/errors';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { failureNotification } from '../../shared/notifications/templates/failure';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';
import { COMPOSED_MAX_CHARS, causeText, sanitise } from '../../shared/sanitise';

export interface NotifyFailureDeps extends BaseDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

/**
 * Sends the failure notice(s). Every cause passes through the sanitiser (shared/sanitise.ts): the
 * operators get a Lambda cause's message on one line, without control characters, ARNs, account
 * ids or request ids, cut to 300 characters; the DNS team, after a rollback, the error's name only.
 */
export async function notifyFailure(
  state: RotationState,
  deps: NotifyFailureDeps,
): Promise<NotificationSent> {
  const { domain, selector, language, executionName } = state.plan;
  const contacts = state.plan.opsContacts ?? [];
  const base = { domain, selector, executionName, contacts };
  const messageIds: string[] = [];
  if (state.rollbackFailure !== undefined) {
    const error = sanitise(state.rollbackFailure.Error, 100);
    const reason = `${error}: ${causeText(state.rollbackFailure.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'rollback-failed', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  } else if (state.rollbackConfirmation?.confirmed === false) {
    // Restored, but SES does not confirm it: page the operators with the records to publish.
    const confirmation = state.rollbackConfirmation;
    // ConfirmRollback composes its reason from SES states and DNS verdicts (no record content).
    const why = sanitise(
      confirmation.reason ?? 'SES does not confirm the restored configuration',
      COMPOSED_MAX_CHARS,
    );
    const reason = `${ERROR_NAMES.RollbackFailed}: ${why}`;
    const notification = failureNotification({
      ...base,
      kind: 'rollback-unverified',
      reason,
      records: confirmation.records ?? [],
    });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  } else if (state.rollback !== undefined) {
    const error = sanitise(state.failure?.Error ?? 'Error', 100);
    const reason = `${error}: ${causeText(state.failure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'rolled-back', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
    // The DNS team is another team: the error's name only, never even sanitised AWS text; the
    // operators' notice has the cause.
    const forDnsTeam = failureNotification({ ...base, kind: 'rolled-back', reason: error });
    messageIds.push(await publish(deps.dnsTeam, domain, language, forDnsTeam));
  } else {
    const error = sanitise(state.retirementFailure?.Error ?? 'Error', 100);
    const reason = `${error}: ${causeText(state.retirementFailure?.Cause)}`;
    const notification = failureNotification({ ...base, kind: 'retirement-failed', reason });
    messageIds.push(await publish(deps.operators, domain, language, notification));
  }
  return { sentAt: deps.clock().toISOString(), messageIds };
}
