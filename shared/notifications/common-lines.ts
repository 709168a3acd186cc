/**
 * Lines several templates (and the CLI) share: whom to call, when SES will be switched, and which
 * name server addresses the DNS check did not ask.
 */
import { LAMBDA_NO_IPV6_REASON } from '../dns/not-checked-reasons';
import { type ApplyWindow, applySchedule, describeApplyWindow } from '../rotation/apply-window';
import type { AddressNotChecked } from '../rotation/state';
import { printable, sanitise } from '../sanitise';
import type { Bilingual } from './model';
import { formatInstant } from './time-format';

/** "Who to call": the operators' addresses, or a generic line when none are configured. */
export function contactLine(contacts: readonly string[] | undefined): Bilingual {
  const list = (contacts ?? []).join(', ');
  return list.length > 0
    ? { ja: `問い合わせ先 (メール運用担当): ${list}`, en: `Questions: the mail operations team, ${list}` }
    : {
        ja: '問い合わせ先: メール運用担当 (このメールの差出人) にご連絡ください。',
        en: 'Questions: contact the mail operations team (the sender of this message).',
      };
}

/**
 * When SES will be switched: with an apply window, the window and its first chance after `now`
 * (now itself when inside it); without one, as soon as the record is verified.
 */
export function plannedSwitchLine(window: ApplyWindow | undefined, now: Date): Bilingual {
  if (window === undefined) {
    return {
      ja: 'SES の切り替え: すべてのネームサーバーでレコードを確認でき次第、すぐに行います (適用時間帯の指定なし)。',
      en: 'SES switch: as soon as every name server serves the record (no apply window is set).',
    };
  }
  const earliest = formatInstant(applySchedule(now, window).applyAt);
  const span = describeApplyWindow(window);
  return {
    ja: `SES の切り替え: 適用時間帯 ${span} の中で、レコード確認後に行います (早ければ ${earliest.ja})。時間帯の開始時に全ネームサーバーのレコードをもう一度確認します。切り替え直後、SES が新しいレコードを確認するまで DKIM 署名なしのメールが送られることがあります。`,
    en: `SES switch: inside the apply window ${span}, once the record is verified (at the earliest ${earliest.en}). The record is checked on every name server again when the window opens. Right after the switch, mail may go out without a DKIM signature until SES finds the new record.`,
  };
}

/**
 * Which name server addresses the DNS check did not ask, and why, one line per reason:
 * `IPv6 addresses of ns1.example.jp (2001:db8::1) were not checked: Lambda outside a VPC has no
 * IPv6 egress; deploy with dnsCheckVpc to check them.` Undefined when every address was asked.
 * Host names and addresses come from DNS: they are escaped here (printable); reasons are free
 * text and go through the sanitiser.
 */
export function notCheckedNotice(
  notChecked: readonly AddressNotChecked[] | undefined,
): Bilingual | undefined {
  if (notChecked === undefined || notChecked.length === 0) return undefined;
  const byReason = new Map<string, Map<string, string[]>>();
  for (const entry of notChecked) {
    const hosts = byReason.get(entry.reason) ?? new Map<string, string[]>();
    const host = printable(entry.nameServer, 255);
    hosts.set(host, [...(hosts.get(host) ?? []), printable(entry.address, 64)]);
    byReason.set(entry.reason, hosts);
  }
  const ja: string[] = [];
  const en: string[] = [];
  for (const [reason, hosts] of byReason) {
    const which = [...hosts].map(([host, addresses]) => `${host} (${addresses.join(', ')})`).join(', ');
    const lambda = reason === LAMBDA_NO_IPV6_REASON;
    ja.push(
      lambda
        ? `${which} の IPv6 アドレスは確認していません: VPC 外の Lambda には IPv6 の外向き通信がないためです。確認するには dnsCheckVpc を指定してデプロイしてください (運用担当)。`
        : `${which} の IPv6 アドレスは確認していません: ${sanitise(reason)}`,
    );
    en.push(
      lambda
        ? `IPv6 addresses of ${which} were not checked: ${LAMBDA_NO_IPV6_REASON}; deploy with dnsCheckVpc to check them (operators).`
        : `IPv6 addresses of ${which} were not checked: ${sanitise(reason)}.`,
    );
  }
  return { ja: ja.join('\n'), en: en.join('\n') };
}

/**
 * The retirement notices' line on the addresses the new record's verification did not ask
 * (RetireOldKey checks with the same IPv6 policy), or undefined when it asked them all. Shared by
 * the retirement request and, in AUTO mode, the Route 53 removal notice.
 */
export function retirementNotCheckedLine(
  notChecked: readonly AddressNotChecked[] | undefined,
): Bilingual | undefined {
  const unchecked = notCheckedNotice(notChecked);
  return (
    unchecked && {
      ja: `新しいレコードの確認時: ${unchecked.ja} 旧鍵の削除も同じアドレスで確認します。`,
      en: `When the new record was verified: ${unchecked.en} The old key's removal is checked on the same addresses.`,
    }
  );
}
