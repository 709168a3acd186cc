/**
 * Alarms reach a person: for every alarm of the synthesized stack, CloudWatch may publish to each
 * action topic (topic policy) and use its KMS key (key policy) — evaluated with the project's IAM
 * engine — and at least one subscription of the topic delivers a message without attributes,
 * which every alarm notification is. One synthesis (bundling skipped) for the whole file.
 */
import * as path from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeployedIam } from '../../local/iam/deployed-iam';
import { authorizeServicePrincipal } from '../../local/iam/service-principal';
import { TemplateResolver } from '../../local/iam/template-resolver';
import type { CfnTemplate } from '../../local/runner/definition';
import { loadConfig, parseConfig } from '../../shared/config';
import { deliversWithoutAttributes, type SubscriptionFilter } from '../support/sns-filter-policy';
import { synthStack } from '../workflow/support/synth';

type Properties = Record<string, unknown>;

// prod.json plus two domains: one sharing the ops address (in another case), one with a new one,
// so "one subscription per address" and "per-domain filters kept" both have something to count.
const prod = loadConfig(path.join(__dirname, '../../infra/config/prod.json'));
const [first] = prod.domains;
if (!first) throw new Error('prod.json has no domain');
const config = parseConfig({
  ...prod,
  domains: [
    ...prod.domains,
    {
      ...first,
      domain: 'news.example.jp',
      selectorPrefix: 'news',
      opsEmails: [first.opsEmails[0]?.toUpperCase()],
    },
    { ...first, domain: 'shop.example.jp', selectorPrefix: 'shop', opsEmails: ['shop-ops@example.jp'] },
  ],
});
const { stack, template } = synthStack('prod', config);
const cfn = template.toJSON() as CfnTemplate;
const resolver = new TemplateResolver(cfn);
const deployed = readDeployedIam(cfn, { byLogicalIdFragment: {} });
const { account } = resolver.account;

const resourcesOf = (type: string) =>
  Object.entries(cfn.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ logicalId, properties: (resource.Properties ?? {}) as Properties }));
// Metric and composite alarms alike: a composite alarm publishes as itself (its own ARN, inside
// the same `<prefix>-alarm-*` grants), so it needs the same topic and key permissions.
const alarms = [
  ...resourcesOf('AWS::CloudWatch::Alarm'),
  ...resourcesOf('AWS::CloudWatch::CompositeAlarm'),
].map(({ logicalId, properties }) => ({
  logicalId,
  properties,
  /** The alarms a composite's rule watches (`ALARM("<arn>")`); none for a metric alarm. */
  members:
    properties.AlarmRule === undefined
      ? []
      : [...resolver.resolveString(properties.AlarmRule).matchAll(/ALARM\("([^"]+)"\)/g)].map(
          (match) => match[1] ?? '',
        ),
  arn: resolver.physical(logicalId).attributes.Arn ?? '',
  topics: [
    ...new Set(
      ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((key) =>
        ((properties[key] ?? []) as unknown[]).map((action) => resolver.resolveString(action)),
      ),
    ),
  ],
}));
const subscriptionsOf = (topicArn: string) =>
  resourcesOf('AWS::SNS::Subscription')
    .map(({ properties }) => properties)
    .filter((properties) => resolver.resolveString(properties.TopicArn) === topicArn);
const topicArnOf = (logicalIdPrefix: string) => {
  const found = resourcesOf('AWS::SNS::Topic').find(({ logicalId }) => logicalId.startsWith(logicalIdPrefix));
  if (!found) throw new Error(`No topic ${logicalIdPrefix}`);
  return resolver.physical(found.logicalId).ref;
};

/** What CloudWatch does for one alarm on one topic: publish, and the two KMS calls behind it. */
async function cloudWatchCalls(topicArn: string, sourceArn: string, sourceAccount = account) {
  const keyArn = deployed.encryptionKeys.get(topicArn);
  const call = (action: string, resource: string) =>
    authorizeServicePrincipal({
      service: 'cloudwatch.amazonaws.com',
      action,
      resource,
      account,
      sourceAccount,
      sourceArn,
      resourcePolicy: deployed.resourcePolicies.get(resource),
    });
  return {
    keyArn,
    publish: await call('sns:Publish', topicArn),
    generateDataKey: keyArn ? await call('kms:GenerateDataKey', keyArn) : 'no key',
    decrypt: keyArn ? await call('kms:Decrypt', keyArn) : 'no key',
  };
}

describe('alarm delivery (every alarm of the prod stack reaches a person)', () => {
  it('gives every alarm an action topic, or a composite alarm with one that watches it', () => {
    // GIVEN the synthesized stack — WHEN its alarms are read
    const notifyingComposites = alarms.filter((alarm) => alarm.members.length > 0 && alarm.topics.length > 0);
    const coveredByComposite = (arn: string) =>
      notifyingComposites.some((composite) => composite.members.includes(arn));
    const silent = alarms.filter((alarm) => alarm.topics.length === 0);
    // THEN there are many, and an alarm without a topic of its own is watched by a composite that
    // has one (its state change reaches people once, through the composite)
    expect(alarms.length).toBeGreaterThanOrEqual(15);
    expect(silent.filter((alarm) => !coveredByComposite(alarm.arn)).map((alarm) => alarm.logicalId)).toEqual(
      [],
    );
    // AND those are exactly the sending P1 members: one bounce or complaint event pages once
    expect(silent.map((alarm) => alarm.properties.AlarmName).sort()).toEqual([
      'byodkim-rotation-prod-alarm-BounceRateCritical',
      'byodkim-rotation-prod-alarm-ComplaintRateCritical',
    ]);
    expect(notifyingComposites.map((alarm) => alarm.properties.AlarmName)).toEqual([
      'byodkim-rotation-prod-alarm-SendingCritical',
    ]);
  });

  it("lets CloudWatch publish each alarm to its topics and use the topics' KMS key", async () => {
    // GIVEN every (alarm, topic) pair of the template
    const verdicts: Record<string, unknown>[] = [];
    for (const alarm of alarms) {
      for (const topicArn of alarm.topics) {
        // WHEN CloudWatch publishes as that alarm
        const calls = await cloudWatchCalls(topicArn, alarm.arn);
        verdicts.push({ alarm: alarm.logicalId, topicArn, ...calls });
      }
    }
    // THEN the topic policy and the key policy allow all three calls for every pair, composites included
    expect(verdicts.length).toBeGreaterThanOrEqual(alarms.filter((alarm) => alarm.topics.length > 0).length);
    expect(verdicts.map((verdict) => verdict.alarm)).toContain(
      alarms.find((alarm) => alarm.members.length > 0)?.logicalId,
    );
    for (const verdict of verdicts) {
      expect(verdict).toEqual({
        ...verdict,
        keyArn: expect.stringMatching(/^arn:aws:kms:/),
        publish: 'Allowed',
        generateDataKey: 'Allowed',
        decrypt: 'Allowed',
      });
    }
  });

  it("refuses CloudWatch publishing, and the key, for another deployment's alarm or another account's", async () => {
    // GIVEN the alarms topic
    const [topicArn] = alarms[0]?.topics ?? [];
    if (!topicArn) throw new Error('no alarm topic');
    // WHEN an alarm outside this deployment's name prefix, or in another account, publishes
    const otherPrefix = await cloudWatchCalls(
      topicArn,
      `arn:aws:cloudwatch:${resolver.account.region}:${account}:alarm:someone-elses-alarm`,
    );
    const otherAccount = await cloudWatchCalls(
      topicArn,
      alarms[0]?.arn.replace(`:${account}:`, ':111122223333:') ?? '',
      '111122223333',
    );
    // THEN the topic does not let it publish, and the key (which also protects the key store)
    // refuses CloudWatch acting for it
    for (const calls of [otherPrefix, otherAccount])
      expect(calls).toMatchObject({
        publish: 'ImplicitlyDenied',
        generateDataKey: 'ImplicitlyDenied',
        decrypt: 'ImplicitlyDenied',
      });
  });

  it('delivers every alarm to at least one subscription that takes messages without attributes', () => {
    // GIVEN each alarm topic's subscriptions — WHEN an attribute-less alarm notification arrives
    const undelivered = [...new Set(alarms.flatMap((alarm) => alarm.topics))].filter(
      (topicArn) =>
        !subscriptionsOf(topicArn).some((s) => deliversWithoutAttributes(s as SubscriptionFilter)),
    );
    // THEN no topic drops it
    expect(undelivered).toEqual([]);
  });

  it('subscribes each distinct operator address once to the alarms, unfiltered', () => {
    // GIVEN three domains whose ops addresses are two distinct mailboxes (one repeated in capitals)
    const alarmTopics = [...new Set(alarms.flatMap((alarm) => alarm.topics))];
    // WHEN the alarm topics' subscriptions are listed
    const endpoints = alarmTopics.flatMap((topicArn) =>
      subscriptionsOf(topicArn).map((s) => ({
        protocol: s.Protocol,
        endpoint: s.Endpoint,
        filter: s.FilterPolicy,
      })),
    );
    // THEN one email subscription per address, none filtered, all on one topic
    expect(alarmTopics).toHaveLength(1);
    expect(endpoints.sort((a, b) => String(a.endpoint).localeCompare(String(b.endpoint)))).toEqual([
      { protocol: 'email', endpoint: 'mail-ops@example.jp', filter: undefined },
      { protocol: 'email', endpoint: 'shop-ops@example.jp', filter: undefined },
    ]);
  });

  it('keeps the per-domain filters of the workflow notifications, and sends them no alarm', () => {
    // GIVEN the DNS team and operators topics the workflow publishes to with a `domain` attribute
    const notificationTopics = [topicArnOf('RotationDnsTeamTopic'), topicArnOf('RotationOperatorsTopic')];
    for (const topicArn of notificationTopics) {
      // WHEN their subscriptions are read
      const subscriptions = subscriptionsOf(topicArn);
      // THEN each filters on its domains (so drops attribute-less messages), and no alarm targets them
      expect(subscriptions.length).toBeGreaterThan(0);
      for (const subscription of subscriptions) {
        expect(subscription.FilterPolicy).toEqual({ domain: expect.any(Array) });
        expect(deliversWithoutAttributes(subscription as SubscriptionFilter)).toBe(false);
      }
      expect(alarms.filter((alarm) => alarm.topics.includes(topicArn))).toEqual([]);
    }
    const operators = subscriptionsOf(topicArnOf('RotationOperatorsTopic'));
    expect(operators.find((s) => s.Endpoint === 'mail-ops@example.jp')?.FilterPolicy).toEqual({
      domain: ['mail.example.jp'],
    });
  });

  it("watches the approval endpoint's 503 pages and its function errors", () => {
    // GIVEN the approval endpoint's alarm
    const alarm = alarms.find(
      (a) => a.properties.AlarmName === 'byodkim-rotation-prod-alarm-ApprovalEndpointFailures',
    );
    const queries = (alarm?.properties.Metrics ?? []) as Array<{
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] }; Stat: string };
    }>;
    const metricOf = (id: string) => queries.find((query) => query.Id === id)?.MetricStat;
    // THEN it sums the handler's ApprovalPageUnavailable count and Lambda Errors of that function
    expect(queries.find((query) => query.Expression)?.Expression).toBe(
      'FILL(unavailable, 0) + FILL(errors, 0)',
    );
    expect(metricOf('unavailable')).toEqual({
      Metric: {
        Namespace: config.metricsNamespace,
        MetricName: 'ApprovalPageUnavailable',
        Dimensions: [{ Name: 'service', Value: 'byodkim-rotation' }],
      },
      Period: 300,
      Stat: 'Sum',
    });
    const errors = metricOf('errors');
    expect(errors?.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    const [dimension] = (errors?.Metric.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>;
    expect(dimension?.Name).toBe('FunctionName');
    expect(resolver.resolveString(dimension?.Value)).toBe('byodkim-rotation-prod-ApprovalEndpoint');
    expect(
      alarms.some((a) => a.properties.MetricName === 'Errors' && a.logicalId.includes('ApprovalEndpoint')),
    ).toBe(false);
  });

  it('names every alarm with the prefix the grants are scoped to', () => {
    const names = alarms.map((alarm) => String(alarm.properties.AlarmName));
    expect(names.filter((name) => !name.startsWith('byodkim-rotation-prod-alarm-'))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('adds no cdk-nag finding on the topics, the key or the alarms', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const ours = report.violations.filter((violation) =>
      violation.violatingResources.some((r) => /Alarm|Topic|Key[0-9A-F]{8}$/.test(r.resourceLogicalId ?? '')),
    );
    expect(ours.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('deliversWithoutAttributes (the SNS rule for a message without attributes)', () => {
  it('delivers when there is no filter policy or every property allows absence', () => {
    expect(deliversWithoutAttributes({})).toBe(true);
    expect(deliversWithoutAttributes({ FilterPolicy: { domain: [{ exists: false }, 'a.example'] } })).toBe(
      true,
    );
  });

  it('drops when any property needs a value or existence', () => {
    expect(deliversWithoutAttributes({ FilterPolicy: { domain: ['mail.example.jp'] } })).toBe(false);
    expect(deliversWithoutAttributes({ FilterPolicy: { domain: [{ exists: true }] } })).toBe(false);
    expect(
      deliversWithoutAttributes({ FilterPolicy: { kind: [{ exists: false }], domain: [{ prefix: 'a' }] } }),
    ).toBe(false);
  });

  it('refuses what it does not model instead of guessing', () => {
    expect(() => deliversWithoutAttributes({ FilterPolicy: {}, FilterPolicyScope: 'MessageBody' })).toThrow(
      /not modelled/,
    );
    expect(() => deliversWithoutAttributes({ FilterPolicy: { $or: [] } })).toThrow(/not modelled/);
  });
});
