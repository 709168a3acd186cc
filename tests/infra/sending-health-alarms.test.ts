/**
 * SES sending-health alarms (issue 18): every alarm's metric, dimensions, statistic, threshold,
 * comparison, period, evaluation periods, datapoints and missing-data treatment, read from the
 * synthesized template and compared with the config (defaults, and a custom stage); the
 * composite P1; the success rate on a configuration set; the dashboard row; and the switches
 * (`enabled`, no configuration set). Two syntheses of the whole construct (bundling skipped).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ByodkimRotation } from '../../infra/byodkim-rotation';
import { percent, SendingHealthAlarms } from '../../infra/monitoring/sending-health-alarms';
import { parseConfig, type RotationConfig } from '../../shared/config';
import { SENDING_HEALTH_DEFAULTS } from '../../shared/monitoring/sending-health';

type Properties = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties: Properties }>;

const PREFIX = 'byodkim-rotation-test';
const domain = {
  domain: 'mail.example.jp',
  selectorPrefix: 'p',
  dnsTeamEmails: ['d@example.jp'],
  opsEmails: ['o@example.jp'],
};
const configWith = (sendingHealth?: Record<string, unknown>): RotationConfig =>
  parseConfig({
    metricsNamespace: 'Byodkim/Test',
    domains: [domain],
    ...(sendingHealth ? { sendingHealth } : {}),
  });

function synth(config: RotationConfig) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'SendingHealth', {
    env: { account: '123456789012', region: 'ap-northeast-1' },
  });
  const rotation = new ByodkimRotation(stack, 'Rotation', { config, namePrefix: PREFIX });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Resources;
  const byName = (type: string) =>
    new Map(
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([logicalId, resource]) => [
          String(resource.Properties.AlarmName),
          { ...resource.Properties, logicalId } as Properties & { logicalId: string },
        ]),
    );
  return {
    stack,
    rotation,
    template,
    alarms: byName('AWS::CloudWatch::Alarm'),
    composites: byName('AWS::CloudWatch::CompositeAlarm'),
  };
}

/** The alarms topic's logical id: the one every sending alarm with an action must name. */
const alarmsTopicRef = (template: Template) => {
  const [logicalId] = Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) =>
    id.startsWith('RotationAlarmsTopic'),
  );
  return [{ Ref: logicalId }];
};

/** A token as text that may stand inside a JSON string: `@<logical id>` for an ARN or a Ref. */
const tokenText = (token: unknown): string => {
  const { 'Fn::GetAtt': getAtt, Ref: ref } = token as { 'Fn::GetAtt'?: [string, string]; Ref?: string };
  return getAtt ? `@${getAtt[0]}` : ref ? `@${ref}` : 'TOKEN';
};

/** The dashboard's widgets, with every CloudFormation token replaced by a placeholder. */
function dashboardWidgets(stack: Stack, template: Template) {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard') as Resources);
  const body = stack.resolve(dashboard?.Properties.DashboardBody) as
    | { 'Fn::Join': [string, unknown[]] }
    | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : tokenText(part))).join('');
  return (JSON.parse(text) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> })
    .widgets;
}

// Defaults (the users' table) with a configuration set, and a custom stage.
const defaultsConfig = configWith({ configurationSetName: 'transactional' });
const customConfig = configWith({
  bounceRate: { critical: 0.04, warning: 0.03, info: 0.005 },
  complaintRate: { critical: 0.002, warning: 0.001, info: 0.0002 },
  evaluationPeriods: { critical: 1, warning: 4, info: 12 },
  sendSuccessRate: 0.98,
  configurationSetName: 'prod-mail_1',
});
const defaults = synth(defaultsConfig);
const custom = synth(customConfig);

const REPUTATION = [
  { id: 'BounceRate', metricName: 'Reputation.BounceRate', key: 'bounceRate' },
  { id: 'ComplaintRate', metricName: 'Reputation.ComplaintRate', key: 'complaintRate' },
] as const;
const LEVELS = [
  { level: 'critical', suffix: 'Critical', severity: 'CRITICAL' },
  { level: 'warning', suffix: 'Warning', severity: 'WARNING' },
  { level: 'info', suffix: 'Info', severity: 'INFO' },
] as const;

describe('SES sending-health alarms', () => {
  it.each([
    ['the defaults (the users’ table)', defaults, defaultsConfig],
    ['a custom stage', custom, customConfig],
  ])('sets each reputation alarm from the config: %s', (_name, synthesized, config) => {
    const settings = config.sendingHealth;
    for (const { id, metricName, key } of REPUTATION) {
      for (const { level, suffix, severity } of LEVELS) {
        // GIVEN the alarm named for this metric and level
        const alarm = synthesized.alarms.get(`${PREFIX}-alarm-${id}${suffix}`);
        // THEN it watches SES's account-level rate (no dimension, a fraction) for the configured level
        const periods = settings.evaluationPeriods[level];
        expect(alarm).toMatchObject({
          Namespace: 'AWS/SES',
          MetricName: metricName,
          Statistic: 'Average',
          Period: 300,
          Threshold: settings[key][level],
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: periods,
          DatapointsToAlarm: periods,
          TreatMissingData: 'notBreaching',
        });
        expect(alarm?.Dimensions).toBeUndefined();
        expect(String(alarm?.AlarmDescription)).toMatch(new RegExp(`^\\[${severity}\\] SES `));
        expect(String(alarm?.AlarmDescription)).toContain(percent(settings[key][level]));
        // AND only the P1 members stay silent: the composite pages for them
        if (level === 'critical') expect(alarm?.AlarmActions).toBeUndefined();
        else expect(alarm?.AlarmActions).toEqual(alarmsTopicRef(synthesized.template));
      }
    }
  });

  it('uses the users’ table as defaults: 5 / 2 / 1 % bounces, 0.1 / 0.05 / 0.01 % complaints, 2 / 3 / 5 periods, 95 %', () => {
    const threshold = (name: string) => defaults.alarms.get(`${PREFIX}-alarm-${name}`)?.Threshold;
    expect(['BounceRateCritical', 'BounceRateWarning', 'BounceRateInfo'].map(threshold)).toEqual([
      0.05, 0.02, 0.01,
    ]);
    expect(['ComplaintRateCritical', 'ComplaintRateWarning', 'ComplaintRateInfo'].map(threshold)).toEqual([
      0.001, 0.0005, 0.0001,
    ]);
    expect(
      ['BounceRateCritical', 'BounceRateWarning', 'BounceRateInfo'].map(
        (name) => defaults.alarms.get(`${PREFIX}-alarm-${name}`)?.EvaluationPeriods,
      ),
    ).toEqual([2, 3, 5]);
    expect(threshold('SendSuccessRate')).toBe(SENDING_HEALTH_DEFAULTS.sendSuccessRate);
  });

  it('pages once for P1 bounce OR P1 complaint through the composite SendingCritical', () => {
    for (const synthesized of [defaults, custom]) {
      // GIVEN the composite alarm
      const composite = synthesized.composites.get(`${PREFIX}-alarm-SendingCritical`);
      const members = ['BounceRateCritical', 'ComplaintRateCritical'].map(
        (name) => synthesized.alarms.get(`${PREFIX}-alarm-${name}`)?.logicalId,
      );
      // THEN its rule is ALARM(bounce critical) OR ALARM(complaint critical), and it notifies the alarms topic
      const rule = JSON.stringify(synthesized.stack.resolve(composite?.AlarmRule));
      expect(rule).toMatch(/ALARM\(.*OR ALARM\(/);
      for (const member of members) expect(rule).toContain(`"Fn::GetAtt":["${member}","Arn"]`);
      expect(rule.match(/ALARM\(/g)).toHaveLength(2);
      expect(composite?.AlarmActions).toEqual(alarmsTopicRef(synthesized.template));
      expect(String(composite?.AlarmDescription)).toMatch(/^\[CRITICAL\]/);
    }
  });

  it('alarms on the configuration set’s Delivery / Send below the stage’s rate, counting no data as a failure', () => {
    for (const [synthesized, setName, rate] of [
      [defaults, 'transactional', 0.95],
      [custom, 'prod-mail_1', 0.98],
    ] as const) {
      const alarm = synthesized.alarms.get(`${PREFIX}-alarm-SendSuccessRate`);
      const queries = alarm?.Metrics as Array<{
        Id: string;
        Expression?: string;
        ReturnData?: boolean;
        MetricStat?: { Metric: unknown; Period: number; Stat: string };
      }>;
      expect(alarm).toMatchObject({
        Threshold: rate,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'breaching',
        AlarmActions: alarmsTopicRef(synthesized.template),
      });
      expect(String(alarm?.AlarmDescription)).toMatch(/^\[WARNING\]/);
      expect(queries.find((query) => query.Expression)?.Expression).toBe('FILL(delivery, 0) / send');
      for (const [id, metricName] of [
        ['send', 'Send'],
        ['delivery', 'Delivery'],
      ]) {
        expect(queries.find((query) => query.Id === id)?.MetricStat).toEqual({
          Metric: {
            Namespace: 'AWS/SES',
            MetricName: metricName,
            Dimensions: [{ Name: 'ses:configuration-set', Value: setName }],
          },
          Period: 300,
          Stat: 'Sum',
        });
      }
    }
  });

  it('creates no success-rate alarm without a configuration set, the reputation ones still', () => {
    const { alarms, composites } = synth(configWith());
    expect(alarms.has(`${PREFIX}-alarm-SendSuccessRate`)).toBe(false);
    expect([...alarms.values()].filter((alarm) => alarm.Namespace === 'AWS/SES')).toHaveLength(6);
    expect(composites.size).toBe(1);
  });

  it('creates no sending alarm, composite or dashboard row when disabled', () => {
    const disabled = synth(configWith({ enabled: false, configurationSetName: 'transactional' }));
    expect(disabled.rotation.sendingHealth).toBeUndefined();
    expect([...disabled.alarms.keys()].filter((name) => /Rate|Sending/.test(name))).toEqual([]);
    expect(disabled.composites.size).toBe(0);
    const text = JSON.stringify(dashboardWidgets(disabled.stack, disabled.template));
    expect(text).not.toContain('Reputation.');
    expect(text).not.toContain('SigningSwitched');
  });

  it('graphs the rates and DKIM status beside the rotation switches, and shows every sending alarm', () => {
    // GIVEN the dashboard of the defaults
    const widgets = dashboardWidgets(defaults.stack, defaults.template);
    const graphs = widgets
      .filter((widget) => widget.type === 'metric')
      .map((w) => JSON.stringify(w.properties));
    // THEN bounce, complaint and DKIM status each share a graph with SigningSwitched
    for (const needle of [
      'Reputation.BounceRate',
      'Reputation.ComplaintRate',
      'DkimVerificationStatus',
      'Delivery / Send',
    ]) {
      const graph = graphs.find((g) => g.includes(needle) && g.includes('SigningSwitched'));
      expect({ needle, found: graph !== undefined }).toEqual({ needle, found: true });
    }
    // AND the three sit side by side in one row
    const row = widgets.filter(
      (w) => w.type === 'metric' && JSON.stringify(w.properties).includes('SigningSwitched'),
    );
    expect(new Set(row.slice(0, 3).map((w) => (w as unknown as { y: number }).y)).size).toBe(1);
    // AND the alarm status widget lists the composite and every sending alarm
    const status = JSON.stringify(widgets.find((w) => w.type === 'alarm')?.properties);
    const names = [...defaults.alarms.values(), ...defaults.composites.values()]
      .filter((alarm) => /Rate|Sending/.test(String(alarm.AlarmName)))
      .map((alarm) => alarm.logicalId);
    expect(names).toHaveLength(8);
    for (const name of names) expect(status).toContain(`"@${name}"`);
  });

  it('keeps every description within CloudWatch’s 1,024 characters, in Japanese and English', () => {
    for (const alarm of [...defaults.alarms.values(), ...defaults.composites.values()].filter((a) =>
      /Rate|Sending/.test(String(a.AlarmName)),
    )) {
      const description = String(alarm.AlarmDescription);
      expect(description.length).toBeLessThanOrEqual(1024);
      expect(description).toMatch(/[\u3040-\u30ff]/);
      expect(description).toContain('Runbook');
    }
  });
});

describe('SendingHealthAlarms props', () => {
  const build = (settings: unknown) => () => {
    const stack = new Stack(new App(), 'Alone');
    new SendingHealthAlarms(stack, 'Sending', {
      settings: settings as RotationConfig['sendingHealth'],
      namePrefix: PREFIX,
      alarmTopic: new sns.Topic(stack, 'Topic'),
      metricsNamespace: 'Byodkim/Test',
    });
  };

  it('refuses settings the config schema refuses, naming the prop, and settings that say disabled', () => {
    const settings = configWith().sendingHealth;
    expect(build({ ...settings, bounceRate: { critical: 5, warning: 0.02, info: 0.01 } })).toThrow(
      /Invalid SendingHealthAlarms props at Alone\/Sending:\n {2}- props\.settings\.bounceRate\.critical = 5: must be a fraction/,
    );
    expect(build({ ...settings, enabled: false })).toThrow(/props\.settings\.enabled = false/);
    expect(build(settings)).not.toThrow();
  });
});

describe('percent', () => {
  it('prints fractions as the percentages of the users’ table', () => {
    expect([0.05, 0.02, 0.01, 0.001, 0.0005, 0.0001, 0.98].map(percent)).toEqual([
      '5 %',
      '2 %',
      '1 %',
      '0.1 %',
      '0.05 %',
      '0.01 %',
      '98 %',
    ]);
  });
});
