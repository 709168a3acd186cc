/**
 * How a deployed DNS-checking function (VerifyDnsRecord, RetireOldKey, the monitor) learns whether
 * it has IPv6 egress: infra sets `DNS_IPV6_EGRESS` from the construct's `dnsCheckVpc` prop, the
 * handler turns it into the checks' IPv6 policy (docs/design/20261203-ipv6-egress.md).
 */
import { LAMBDA_NO_IPV6_REASON } from '../dns/not-checked-reasons';
import type { Ipv6Policy } from '../dns/types';

/** The environment variable naming the function's IPv6 egress. */
export const DNS_IPV6_EGRESS_ENV = 'DNS_IPV6_EGRESS';

/**
 * `none`: outside a VPC, IPv4 only (Lambda's default network).
 * `dual-stack-vpc`: in dual-stack subnets with `Ipv6AllowedForDualStack`.
 */
export type DnsIpv6Egress = 'none' | 'dual-stack-vpc';

/**
 * The IPv6 policy of a function whose environment says `egress`: every IPv6 address checked in a
 * dual-stack VPC; otherwise none asked, each reported not checked with Lambda's reason. Anything
 * else (unset, a typo) counts as `none`: claiming egress a function lacks would fail every check.
 */
export function ipv6PolicyFor(egress: string | undefined): Ipv6Policy {
  return egress === 'dual-stack-vpc' ? { mode: 'check' } : { mode: 'skip', reason: LAMBDA_NO_IPV6_REASON };
}
