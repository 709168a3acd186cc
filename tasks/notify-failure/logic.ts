/**
 * NotifyFailure: tells operators (and the DNS team, when a rollback happened) what failed and
 * what signs the mail now. A failed rollback is CRITICAL: it pages the operators.
 */
import { type NotifyDeps, publish, statusNotification } from '../../shared/rotation/notifications';
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
  const messageIds: string[] = [];
  if (state.rollbackFailure !== undefined) {
    const why = describeCause(state.rollbackFailure.Cause);
    messageIds.push(
      await publish(
        deps.operators,
        domain,
        language,
        statusNotification(
          'CRITICAL',
          { ja: `DKIM ロールバック失敗 ${domain}`, en: `DKIM rollback FAILED for ${domain}` },
          {
            ja: `${executionName}: 以前の署名設定を復元できませんでした。至急 SES の DKIM 設定を確認してください。\n${why}`,
            en: `${executionName}: the previous signing configuration could not be restored. Check SES DKIM now.\n${why}`,
          },
        ),
      ),
    );
  } else if (state.rollback !== undefined) {
    const why = `${state.failure?.Error ?? 'Error'}: ${describeCause(state.failure?.Cause)}`;
    const notification = statusNotification(
      'WARNING',
      { ja: `DKIM 鍵更新をロールバックしました ${domain}`, en: `DKIM rotation rolled back for ${domain}` },
      {
        ja: `${executionName}: ${selector} への切り替えに失敗したため、以前の署名設定に戻しました。旧レコードは削除しないでください。\n${why}`,
        en: `${executionName}: switching to ${selector} failed, so the previous signing configuration was restored. Do not remove the old record.\n${why}`,
      },
    );
    messageIds.push(await publish(deps.operators, domain, language, notification));
    messageIds.push(await publish(deps.dnsTeam, domain, language, notification));
  } else {
    const why = `${state.retirementFailure?.Error ?? 'Error'}: ${describeCause(state.retirementFailure?.Cause)}`;
    messageIds.push(
      await publish(
        deps.operators,
        domain,
        language,
        statusNotification(
          'WARNING',
          { ja: `旧 DKIM レコードの失効未確認 ${domain}`, en: `Old DKIM record not retired for ${domain}` },
          {
            ja: `${executionName}: 新しい鍵 ${selector} で署名中です。旧レコードの削除を確認できませんでした。\n${why}`,
            en: `${executionName}: mail is signed with the new key ${selector}; the old record's removal could not be confirmed.\n${why}`,
          },
        ),
      ),
    );
  }
  return { sentAt: deps.clock().toISOString(), messageIds };
}
