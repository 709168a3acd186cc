/**
 * The monitor's pure decisions (tasks/monitor/plan.ts): an evaluated domain in, the rotation to
 * start, the metrics and the notifications out. The I/O around them is covered by
 * tests/tasks/monitor.test.ts.
 */
import { parseConfig } from '../../shared/config';
import {
  type DomainObservation,
  evaluateDomainHealth,
  type Finding,
  finding,
  HEALTH_CHECKS,
} from '../../shared/monitoring/evaluate';
import { planReport, planRotation, type RotationOutcome } from '../../tasks/monitor/plan';

const DOMAIN = 'plan.example.jp';
const TOKYO = 'ap-northeast-1';
const NOW = new Date('2026-11-24T00:00:00Z');
const config = parseConfig({
  domains: [
    {
      domain: DOMAIN,
      regions: [TOKYO],
      selectorPrefix: 'mail',
      renewalAlertDays: 16,
      dnsTeamEmails: ['dns-team@example.jp'],
      opsEmails: ['ops@example.jp'],
    },
  ],
});
const domain = config.domains[0] as (typeof config.domains)[number];

/** A healthy domain 30 days from expiry: the ACTIVE record served, SES signing with it. */
function observed(overrides: Partial<DomainObservation> = {}): DomainObservation {
  return {
    domain: DOMAIN,
    now: NOW,
    thresholds: { renewalAlertDays: 16, ...config.healthChecks },
    daysUntilExpiry: 30,
    expired: false,
    keys: [
      { selector: 'mail-1', state: 'ACTIVE', stateSince: new Date('2025-08-20T00:00:00Z'), record: 'served' },
    ],
    ses: [
      {
        region: TOKYO,
        kind: 'read',
        signing: {
          region: TOKYO,
          origin: 'EXTERNAL',
          selector: 'mail-1',
          tokens: ['mail-1'],
          status: 'SUCCESS',
          signingEnabled: true,
        },
      },
    ],
    ...overrides,
  };
}

describe('planRotation', () => {
  it.each([
    ['no ACTIVE certificate', undefined, false],
    ['17 days left (alert at 16)', 17, false],
    ['16 days left', 16, true],
    ['expired yesterday', -1, true],
  ])('%s (daysUntilExpiry %s): starts a rotation: %s', (_case, days, starts) => {
    // WHEN the rotation is planned THEN it starts only within renewalAlertDays, as the monitor
    const planned = planRotation(domain, config, { daysUntilExpiry: days });
    expect(planned).toEqual(
      starts
        ? { domain: DOMAIN, selectorPrefix: 'mail', timeZone: 'Asia/Tokyo', requestedBy: 'monitor' }
        : undefined,
    );
  });
});

const missing = finding(HEALTH_CHECKS.DnsRecordMissing, 'new record missing', { selector: 'mail-2' });
const expiring = finding(HEALTH_CHECKS.CertificateExpiring, 'expires in 16 days', { selector: 'mail-1' });

describe('planReport', () => {
  it.each<{
    case: string;
    findings: Finding[];
    outcome: RotationOutcome;
    dnsTeam: boolean;
    metrics: string[];
    notifications: [string, string, string[]][];
  }>([
    {
      case: 'a healthy domain: state metrics, no message',
      findings: [],
      outcome: { action: 'none' },
      dnsTeam: true,
      metrics: ['DaysUntilExpiry', 'DkimVerificationStatus', 'DnsRecordConsistency'],
      notifications: [],
    },
    {
      case: 'a started rotation: RotationStarted first, operators told',
      findings: [expiring],
      outcome: { action: 'started', executionName: 'plan-mail-20261124-1' },
      dnsTeam: true,
      metrics: [
        'RotationStarted',
        'DaysUntilExpiry',
        'DkimVerificationStatus',
        'DnsRecordConsistency',
        'HealthCheckFindings',
        'HealthCheckFindings',
      ],
      notifications: [['ops', 'started', ['certificate-expiring']]],
    },
    {
      case: 'a rotation already running with INFO findings only: no message',
      findings: [expiring],
      outcome: { action: 'already-running' },
      dnsTeam: true,
      metrics: [
        'DaysUntilExpiry',
        'DkimVerificationStatus',
        'DnsRecordConsistency',
        'HealthCheckFindings',
        'HealthCheckFindings',
      ],
      notifications: [],
    },
    {
      case: 'a refused start: rotation-start-failed added and sent to operators',
      findings: [expiring],
      outcome: { action: 'none', startFailure: 'AccessDeniedException' },
      dnsTeam: true,
      metrics: [
        'DaysUntilExpiry',
        'DkimVerificationStatus',
        'DnsRecordConsistency',
        'HealthCheckFindings',
        'HealthCheckFindings',
        'HealthCheckFindings',
        'HealthCheckFindings',
      ],
      notifications: [['ops', 'none', ['certificate-expiring', 'rotation-start-failed']]],
    },
    {
      case: 'a DNS finding: operators get everything, the DNS team its findings without the action',
      findings: [expiring, missing],
      outcome: { action: 'already-running' },
      dnsTeam: true,
      metrics: [
        'DaysUntilExpiry',
        'DkimVerificationStatus',
        'DnsRecordConsistency',
        'HealthCheckFindings',
        'HealthCheckFindings',
        'HealthCheckFindings',
        'HealthCheckFindings',
      ],
      notifications: [
        ['ops', 'already-running', ['certificate-expiring', 'dns-record-missing']],
        ['dns-team', 'none', ['dns-record-missing']],
      ],
    },
    {
      case: 'a DNS finding and no DNS team topic: operators only',
      findings: [missing],
      outcome: { action: 'none' },
      dnsTeam: false,
      metrics: [
        'DaysUntilExpiry',
        'DkimVerificationStatus',
        'DnsRecordConsistency',
        'HealthCheckFindings',
        'HealthCheckFindings',
      ],
      notifications: [['ops', 'none', ['dns-record-missing']]],
    },
  ])('$case', (row) => {
    // GIVEN an evaluated domain and how the rotation start went
    const input = {
      domain,
      config,
      now: NOW,
      observation: observed(),
      findings: row.findings,
      outcome: row.outcome,
      dnsTeam: row.dnsTeam,
    };

    // WHEN the report is planned
    const plan = planReport(input);

    // THEN the metrics and the messages are these, in this order
    expect(plan.metrics.map((point) => point.name)).toEqual(row.metrics);
    expect(
      plan.notifications.map((message) => [
        message.to,
        message.input.action,
        message.input.findings.map((f) => f.check),
      ]),
    ).toEqual(row.notifications);
  });

  it('counts each finding per domain and per check, neither with a fleet copy', () => {
    // WHEN a domain with one finding is planned
    const plan = planReport({
      domain,
      config,
      now: NOW,
      observation: observed(),
      findings: [missing],
      outcome: { action: 'none' },
      dnsTeam: true,
    });

    // THEN two HealthCheckFindings points, Domain+Check and Check, both fleet: false
    expect(plan.metrics.filter((point) => point.name === 'HealthCheckFindings')).toEqual([
      {
        name: 'HealthCheckFindings',
        value: 1,
        unit: 'Count',
        dimensions: { Domain: DOMAIN, Check: 'dns-record-missing' },
        fleet: false,
      },
      {
        name: 'HealthCheckFindings',
        value: 1,
        unit: 'Count',
        dimensions: { Check: 'dns-record-missing' },
        fleet: false,
      },
    ]);
  });

  it('tells operators when the started rotation will switch SES', () => {
    // WHEN a started rotation is planned
    const plan = planReport({
      domain,
      config,
      now: NOW,
      observation: observed({ daysUntilExpiry: 16 }),
      findings: [expiring],
      outcome: { action: 'started', executionName: 'plan-mail-20261124-1' },
      dnsTeam: true,
    });

    // THEN the message names the execution and the switch (no apply window: as soon as verified)
    expect(plan.notifications[0]?.input).toMatchObject({
      daysUntilExpiry: 16,
      executionName: 'plan-mail-20261124-1',
      plannedSwitch: { en: expect.stringContaining('as soon as every name server serves the record') },
    });
  });
});

describe('evaluateDomainHealth with an unreadable key store', () => {
  it('reports key-store-unreadable instead of no-active-key', () => {
    // GIVEN a domain whose key store could not be read (no keys for want of data)
    const observation = observed({ keys: [], daysUntilExpiry: undefined, keyStoreError: 'AccessDenied' });

    // WHEN it is evaluated THEN only the key store is reported, with its reason
    expect(evaluateDomainHealth(observation)).toEqual([
      expect.objectContaining({
        check: 'key-store-unreadable',
        severity: 'WARNING',
        detail: `The key store could not be read for ${DOMAIN}: AccessDenied`,
      }),
    ]);
    expect(evaluateDomainHealth({ ...observation, keyStoreError: undefined }).map((f) => f.check)).toEqual([
      'no-active-key',
    ]);
  });
});
