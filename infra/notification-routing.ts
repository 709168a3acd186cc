/**
 * Which notifications each email subscription receives: one subscription per address and topic,
 * filtered on the `domain` message attribute every notification carries
 * (shared/notifications/publish.ts).
 *
 * SNS limits a filter policy to 150 values in all ("Filter policy constraints in Amazon SNS",
 * SNS Developer Guide: "The total combination of values in a filter policy must not exceed 150"),
 * so an address of a fleet cannot list its domains once it has more than 150. It gets instead the
 * shortest policy that routes exactly its domains:
 * - every domain of the topic: `{"domain": [{"exists": true}]}` (one value; matches any message
 *   carrying the attribute: SNS Developer Guide, "Key matching");
 * - at most 150 domains: `{"domain": ["a.example", …]}`;
 * - all but at most 150: `{"domain": [{"anything-but": ["z.example", …]}]}` ("String value
 *   matching", anything-but);
 * - otherwise the stack cannot route it, and synth says so.
 */
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { RotationConfig } from '../shared/config';

/** SNS's limit on the values of one filter policy. */
export const SNS_FILTER_POLICY_VALUE_LIMIT = 150;

/** How one address's subscription selects its domains. */
export type DomainRoute =
  | { readonly kind: 'every-domain' }
  | { readonly kind: 'only'; readonly domains: readonly string[] }
  | { readonly kind: 'all-but'; readonly domains: readonly string[] };

/**
 * The route of an address that receives `wanted` out of the topic's `all` domains.
 * @throws Error naming the address and the fix when no policy within SNS's limit routes it
 */
export function domainRoute(email: string, wanted: readonly string[], all: readonly string[]): DomainRoute {
  const receives = new Set(wanted);
  const others = all.filter((domain) => !receives.has(domain));
  if (others.length === 0) return { kind: 'every-domain' };
  if (receives.size <= SNS_FILTER_POLICY_VALUE_LIMIT) return { kind: 'only', domains: [...receives].sort() };
  if (others.length <= SNS_FILTER_POLICY_VALUE_LIMIT) return { kind: 'all-but', domains: others.sort() };
  throw new Error(
    `${email} receives ${receives.size} of ${all.length} domains: an SNS filter policy holds at most ${SNS_FILTER_POLICY_VALUE_LIMIT} values, so it can list neither the domains it receives nor those it does not. Give the address every domain, or at most ${SNS_FILTER_POLICY_VALUE_LIMIT} (or all but ${SNS_FILTER_POLICY_VALUE_LIMIT}), or split the domains over several stacks.`,
  );
}

/** The subscription filter policy of a route. */
export function filterPolicyOf(route: DomainRoute): Record<string, sns.SubscriptionFilter> {
  switch (route.kind) {
    case 'every-domain':
      return { domain: sns.SubscriptionFilter.existsFilter() };
    case 'only':
      return { domain: sns.SubscriptionFilter.stringFilter({ allowlist: [...route.domains] }) };
    case 'all-but':
      return { domain: sns.SubscriptionFilter.stringFilter({ denylist: [...route.domains] }) };
  }
}

/**
 * One email subscription per address, whose filter policy lets through only the notifications of
 * the domains that address is configured for (a message's `domain` attribute).
 */
export function subscribeByDomain(
  topic: sns.Topic,
  config: RotationConfig,
  emailsOf: (domain: RotationConfig['domains'][number]) => readonly string[],
): void {
  const domainsByEmail = new Map<string, string[]>();
  for (const domain of config.domains) {
    for (const email of emailsOf(domain)) {
      domainsByEmail.set(email, [...(domainsByEmail.get(email) ?? []), domain.domain]);
    }
  }
  const all = config.domains.map((domain) => domain.domain);
  for (const [email, domains] of domainsByEmail) {
    topic.addSubscription(
      new subscriptions.EmailSubscription(email, {
        filterPolicy: filterPolicyOf(domainRoute(email, domains, all)),
      }),
    );
  }
}
