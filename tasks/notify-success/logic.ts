/**
 * NotifySuccess: tells operators and the DNS team that SES signs with the new key everywhere, and
 * how long SES took in each region (ConfirmSesStatus's measurement). SES has confirmed the key
 * before this runs: when the notice cannot be sent, the workflow records the loss
 * (RecordLostNotice, alarm) and goes on; it never rolls back.
 */
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { successNotification } from '../../shared/notifications/templates/success';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { NotificationSent, RotationState } from '../../shared/rotation/state';

export interface NotifySuccessDeps extends BaseDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

export async function notifySuccess(
  state: RotationState,
  deps: NotifySuccessDeps,
): Promise<NotificationSent> {
  const { domain, selector, regions, retentionSeconds, language } = state.plan;
  const old = [...new Set(state.previous.flatMap((p) => (p.origin === 'EXTERNAL' ? [p.selector] : [])))];
  const notification = successNotification({
    domain,
    selector,
    regions,
    oldSelectors: old.filter((candidate) => candidate !== selector),
    retentionDays: Math.round(retentionSeconds / 86_400),
    retireAfter: new Date(deps.clock().getTime() + retentionSeconds * 1000),
    workflowRetires: state.plan.rotationMode === 'AUTO' && state.plan.hostedZoneId !== undefined,
    notChecked: state.dns?.notChecked,
    sesTimes: state.confirmation?.regions,
    contacts: state.plan.opsContacts ?? [],
  });
  const messageIds = [
    await publish(deps.operators, domain, language, notification),
    await publish(deps.dnsTeam, domain, language, notification),
  ];
  return { sentAt: deps.clock().toISOString(), messageIds };
}
