/**
 * The network of the deployed DNS-checking functions, read from the synthesized template so the
 * rehearsal runs their code on Lambda's network rather than on this machine's: outside a VPC a
 * function has IPv4 egress only, and a send to an IPv6 address fails with ENETUNREACH; with a
 * VpcConfig whose Ipv6AllowedForDualStack is true it reaches IPv6 too. The function's own
 * DNS_IPV6_EGRESS variable gives its code's IPv6 policy, exactly as the handler reads it.
 */
import type { DnsCheckOptions } from '../../shared/dns/types';
import { DNS_IPV6_EGRESS_ENV, ipv6PolicyFor } from '../../shared/rotation/dns-egress';
import { TemplateResolver } from '../iam/template-resolver';
import type { CfnTemplate } from './definition';

/** The egress and IPv6 policy of the function `<prefix>-<task>` in `template`. */
export function lambdaDnsNetwork(
  template: CfnTemplate,
  task = 'VerifyDnsRecord',
): Required<Pick<DnsCheckOptions, 'egress' | 'ipv6'>> {
  const { properties } = new TemplateResolver(template).functionOf(task);
  const vpcConfig = properties.VpcConfig as { Ipv6AllowedForDualStack?: unknown } | undefined;
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  const egressValue = variables?.[DNS_IPV6_EGRESS_ENV];
  return {
    egress: { ipv4: true, ipv6: vpcConfig?.Ipv6AllowedForDualStack === true },
    ipv6: ipv6PolicyFor(typeof egressValue === 'string' ? egressValue : undefined),
  };
}
