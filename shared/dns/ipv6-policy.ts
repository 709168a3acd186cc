/**
 * Which name server addresses a check may skip, and why (docs/design/20261203-ipv6-egress.md).
 * IPv4 addresses are always asked. IPv6 addresses are asked unless the policy says the checking
 * code has no IPv6 egress, or (on an operator's machine) the kernel has no route to them; either
 * way they are reported `not-checked` with the reason, never dropped.
 */
import { isIPv6 } from 'node:net';
import { printable, sanitise } from '../sanitise';
import { isNoRoute } from './transport';
import type { DnsEndpoint, Ipv6Policy, ServerCheck } from './types';

export { LAMBDA_NO_IPV6_REASON } from './not-checked-reasons';

/** The policy of a check that was given none: ask, and report a missing route as not checked. */
export const DEFAULT_IPV6_POLICY: Ipv6Policy = { mode: 'when-routed' };

/** The reason `endpoint` is not asked at all under `policy`, or undefined when it is asked. */
export function skippedReason(endpoint: DnsEndpoint, policy: Ipv6Policy): string | undefined {
  return policy.mode === 'skip' && isIPv6(endpoint.host) ? policy.reason : undefined;
}

/**
 * The reason a failed query leaves `endpoint` not checked rather than unreachable: only an IPv6
 * address, only under `when-routed`, only when the kernel refused the send for want of a route.
 */
export function unroutedReason(
  endpoint: DnsEndpoint,
  policy: Ipv6Policy,
  error: unknown,
): string | undefined {
  if (policy.mode !== 'when-routed' || !isIPv6(endpoint.host) || !isNoRoute(error)) return undefined;
  return `no IPv6 route from this machine (${error.code})`;
}

/** A `not-checked` result for one address. */
export function notChecked(name: string, address: string, reason: string): ServerCheck {
  return { name, address, result: 'not-checked', detail: reason };
}

/**
 * One line summing up the addresses not checked, grouped by reason, e.g.
 * `2 IPv6 address(es) not checked (Lambda outside a VPC has no IPv6 egress): ::1, 2001:db8::53`.
 * Empty when every address was checked.
 */
export function describeNotChecked(servers: readonly ServerCheck[]): string {
  const byReason = new Map<string, string[]>();
  for (const check of servers) {
    if (check.result !== 'not-checked') continue;
    byReason.set(check.detail, [...(byReason.get(check.detail) ?? []), check.address]);
  }
  return [...byReason]
    .map(
      ([reason, addresses]) =>
        `${addresses.length} address(es) not checked (${sanitise(reason)}): ${addresses.map((address) => printable(address, 64)).join(', ')}`,
    )
    .join('; ');
}
