/**
 * AbandonKey: the DNS team rejected the change, or nobody approved in time. SES was never
 * touched; the new key becomes ABANDONED (never applied later), its link dies, and both teams
 * are told the request is withdrawn.
 */
import { ERROR_NAMES } from '../../shared/errors';
import { closeApproval } from '../../shared/rotation/approvals';
import { type KeyStoreDeps, readMetadata, transitionKey } from '../../shared/rotation/key-store';
import { type NotifyDeps, publish, statusNotification } from '../../shared/rotation/notifications';
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

  const notification = statusNotification(
    'WARNING',
    { ja: `DKIM 鍵更新を中止しました ${domain}`, en: `DKIM rotation abandoned for ${domain}` },
    {
      ja: `セレクタ ${selector} の更新を中止しました (${reason === 'approval expired' ? '承認期限切れ' : 'DNS チームが却下'})。SES の設定は変更していません。登録済みなら ${selector}._domainkey.${domain} は削除して構いません。`,
      en: `The rotation to selector ${selector} was abandoned (${reason}). SES was not changed. If you already published ${selector}._domainkey.${domain}, you may remove it.`,
    },
  );
  await publish(deps.operators, domain, language, notification);
  await publish(deps.dnsTeam, domain, language, notification);
  deps.logger.warn('Key abandoned', { domain, selector, reason });
  return { selector, state: 'ABANDONED', reason };
}
