/**
 * Subscription filter policies within SNS's 150-value limit ("Filter policy constraints in
 * Amazon SNS"): each address gets the shortest policy that routes exactly its domains.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import {
  type DomainRoute,
  domainRoute,
  filterPolicyOf,
  SNS_FILTER_POLICY_VALUE_LIMIT,
} from '../../infra/notification-routing';

const domains = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `mail${from + i}.example.jp`);

/** The FilterPolicy CloudFormation receives for `route`. */
function rendered(route: DomainRoute): unknown {
  const stack = new Stack(new App(), 'Routing');
  new sns.Topic(stack, 'Topic').addSubscription(
    new subscriptions.EmailSubscription('team@example.jp', { filterPolicy: filterPolicyOf(route) }),
  );
  const [subscription] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Subscription'));
  return subscription?.Properties.FilterPolicy;
}

describe('domain routes of email subscriptions', () => {
  it('gives an address of every domain one `exists` value, whatever the fleet size', () => {
    const all = domains(1000);
    const route = domainRoute('team@example.jp', all, all);

    expect(route).toEqual({ kind: 'every-domain' });
    expect(rendered(route)).toEqual({ domain: [{ exists: true }] });
  });

  it('lists up to 150 domains of an address', () => {
    const all = domains(1000);
    const route = domainRoute('team@example.jp', domains(SNS_FILTER_POLICY_VALUE_LIMIT), all);

    expect(route.kind).toBe('only');
    expect((rendered(route) as { domain: string[] }).domain).toHaveLength(SNS_FILTER_POLICY_VALUE_LIMIT);
  });

  it('lists the domains an address does not receive when that is the shorter list (anything-but)', () => {
    const all = domains(1000);
    const route = domainRoute('team@example.jp', domains(900, 100), all);

    expect(route).toEqual({ kind: 'all-but', domains: domains(100).sort() });
    expect(rendered(route)).toEqual({ domain: [{ 'anything-but': domains(100).sort() }] });
  });

  it('refuses an address no policy within the limit can route, naming it and the fix', () => {
    expect(() => domainRoute('team@example.jp', domains(500), domains(1000))).toThrow(
      /team@example\.jp receives 500 of 1000 domains: an SNS filter policy holds at most 150 values.*split the domains over several stacks/,
    );
  });
});
