/**
 * AbandonKey: the DNS team rejected the change, or nobody approved in time. SES was never
 * touched; the new key becomes ABANDONED (never applied later), its link dies, and both teams
 * are told the request is withdrawn.
 */
import { ERROR_NAMES } from '../../shared/errors';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { abandonedNotification } from '../../shared/notifications/templates/abandoned';
import { closeApproval } from '../../shared/rotation/approvals';
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { AbandonResult, RotationState } from '../../shared/rotation/state';

export interface AbandonKeyDeps extends BaseDeps, KeyStoreDeps {
  readonly operators: NotifyDeps;
  readonly dnsTeam: NotifyDeps;
}

export async function abandonKey(state: RotationState, deps: AbandonKeyDeps): Promise<AbandonResult> {
  const { domain, selector, language } = state.plan;
  const reason =
    state.failure?.Error === ERROR_NAMES.DnsChangeRejected ? 'rejected by the DNS team' : 'approval expired';
  const now = deps.clock();
  const metadata = await readMetadata(deps, domain, selector);
  if (metadata?.openApprovalId !== undefined)
    await closeApproval(deps, metadata.openApprovalId, 'SUPERSEDED', now);
  if (metadata !== undefined) await transitionKey(deps, domain, selector, 'ABANDONED', { at: now, reason });

  const notification = abandonedNotification({
    domain,
    selector,
    reason: reason === 'approval expired' ? 'expired' : 'rejected',
    contacts: state.plan.opsContacts ?? [],
  });
  await publish(deps.operators, domain, language, notification);
  await publish(deps.dnsTeam, domain, language, notification);
  deps.logger.warn('Key abandoned', { domain, selector, reason });
  return { selector, state: 'ABANDONED', reason };
}
