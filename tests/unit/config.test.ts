import { join } from 'node:path';
import { loadConfig, parseConfig, type RotationConfigInput } from '../../shared/config';
import { InvalidInputError } from '../../shared/errors';

const minimalDomain = {
  domain: 'mail.example.jp',
  selectorPrefix: 'gooid-21-pro',
  dnsTeamEmails: ['dns@example.jp'],
  opsEmails: ['ops@example.jp'],
};

function withDomain(overrides: Record<string, unknown>): RotationConfigInput {
  return { domains: [{ ...minimalDomain, ...overrides }] } as RotationConfigInput;
}

function problemsOf(raw: unknown): string {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration schema', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({ domains: [minimalDomain] });
    expect(config.schedule).toEqual({ expression: 'cron(0 9 * * ? *)', timeZone: 'Asia/Tokyo' });
    expect(config.timeZone).toBe('Asia/Tokyo');
    expect(config.logRetentionDays).toBe(731);
    expect(config.dnsVerification).toEqual({
      initialIntervalSeconds: 60,
      backoffRate: 2,
      maxDelaySeconds: 3600,
      maxWaitHours: 72,
    });
    expect(config.healthChecks).toEqual({
      recordMissingAlertHours: 48,
      sesPendingAlertHours: 72,
      oldRecordAlertDays: 7,
    });
    expect(config.domains[0]).toEqual({
      ...minimalDomain,
      regions: ['ap-northeast-1'],
      keyLength: 2048,
      certificateValidityDays: 456,
      renewalAlertDays: 16,
      rotationMode: 'MANUAL',
      retentionDays: 7,
      reminderAfterHours: 72,
      maxReminders: 3,
      language: 'both',
    });
  });

  it('normalises the domain', () => {
    expect(parseConfig(withDomain({ domain: 'Mail.Example.JP.' })).domains[0]?.domain).toBe(
      'mail.example.jp',
    );
  });

  it.each([
    [
      'domain',
      'not a domain',
      /domains\[0\]\.domain = "not a domain": Domain "not a domain" contains " " \(character 4\)/,
    ],
    ['domain', 42, /domains\[0\]\.domain = 42: must be a domain name/],
    ['regions', [], /domains\[0\]\.regions = \[\]: must list at least one region/],
    ['regions', ['tokyo'], /domains\[0\]\.regions\[0\] = "tokyo": is not an AWS region/],
    ['regions', ['zz-fake-9'], /domains\[0\]\.regions\[0\] = "zz-fake-9": is not an AWS region/],
    ['regions', ['us-north-7'], /domains\[0\]\.regions\[0\] = "us-north-7": is not an AWS region/],
    [
      'regions',
      ['ap-northeast-1', 'cn-north-1'],
      /domains\[0\]\.regions = .*must all be in one AWS partition/,
    ],
    [
      'domain',
      'example.jp/..',
      /domains\[0\]\.domain = "example\.jp\/\.\.": Domain "example\.jp\/\.\." contains "\/"/,
    ],
    ['domain', 'ex%41mple.jp', /domains\[0\]\.domain = "ex%41mple\.jp": Domain .* contains "%"/],
    ['regions', ['ap-northeast-1', 'ap-northeast-1'], /domains\[0\]\.regions = .*must not repeat a region/],
    ['selectorPrefix', 'has.dot', /domains\[0\]\.selectorPrefix = "has.dot": must be 1-50 letters/],
    ['selectorPrefix', 'x'.repeat(51), /domains\[0\]\.selectorPrefix = .*must be 1-50/],
    ['keyLength', 4096, /domains\[0\]\.keyLength = 4096: must be 1024 or 2048/],
    [
      'certificateValidityDays',
      0,
      /domains\[0\]\.certificateValidityDays = 0: must be a whole number of days from 2 to 3650/,
    ],
    ['certificateValidityDays', 1.5, /domains\[0\]\.certificateValidityDays = 1\.5: must be a whole number/],
    ['renewalAlertDays', 0, /domains\[0\]\.renewalAlertDays = 0: must be a whole number of days/],
    [
      'renewalAlertDays',
      456,
      /domains\[0\]\.renewalAlertDays = 456: must be less than certificateValidityDays \(456\)/,
    ],
    ['rotationMode', 'YOLO', /domains\[0\]\.rotationMode = "YOLO": must be MANUAL or AUTO/],
    ['rotationMode', 'AUTO', /domains\[0\]\.hostedZoneId = nothing: is required when rotationMode is AUTO/],
    ['hostedZoneId', 'zone-1', /domains\[0\]\.hostedZoneId = "zone-1": must be a Route 53 hosted zone id/],
    ['dnsTeamEmails', [], /domains\[0\]\.dnsTeamEmails = \[\]: must list at least one e-mail address/],
    [
      'dnsTeamEmails',
      ['dns team'],
      /domains\[0\]\.dnsTeamEmails\[0\] = "dns team": must be an e-mail address/,
    ],
    [
      'opsEmails',
      'ops@example.jp',
      /domains\[0\]\.opsEmails = "ops@example.jp": must be a list of e-mail addresses/,
    ],
    ['retentionDays', 0, /domains\[0\]\.retentionDays = 0: must be a whole number of days from 1 to 90/],
    ['reminderAfterHours', 0, /domains\[0\]\.reminderAfterHours = 0: must be a whole number of hours/],
    ['maxReminders', -1, /domains\[0\]\.maxReminders = -1: must be a whole number of reminders from 0 to 10/],
    ['language', 'fr', /domains\[0\]\.language = "fr": must be ja, en or both/],
    [
      'applyWindow',
      { start: '2:00', end: '04:00' },
      /domains\[0\]\.applyWindow\.start = "2:00": must be a time HH:MM on the 24-hour clock/,
    ],
    [
      'applyWindow',
      { start: '03:00', end: '03:00' },
      /domains\[0\]\.applyWindow = .*must have different start and end/,
    ],
    ['applyWindow', '02:00-04:00', /domains\[0\]\.applyWindow = "02:00-04:00": must be \{"start": "HH:MM"/],
    ['unknownSetting', true, /config\.domains\[0\]: unknown setting\(s\) "unknownSetting"/],
  ])('rejects a bad %s (%p) naming the field, the value and what is allowed', (field, value, message) => {
    expect(problemsOf(withDomain({ [field]: value }))).toMatch(message);
  });

  it.each([
    [{ schedule: { expression: '0 9 * * *' } }, /schedule\.expression = "0 9 \* \* \*": must be cron\(/],
    [
      { schedule: { timeZone: 'Tokyo/Asia' } },
      /schedule\.timeZone = "Tokyo\/Asia": must be an IANA time zone/,
    ],
    [{ timeZone: 'JST' }, /timeZone = "JST": must be an IANA/],
    [
      { logRetentionDays: 700 },
      /logRetentionDays = 700: must be one of CloudWatch's retention periods: 1, 3/,
    ],
    [{ metricsNamespace: 'has space' }, /metricsNamespace = "has space"/],
    [{ metricsNamespace: 'AWS/Byodkim' }, /metricsNamespace = "AWS\/Byodkim": must not begin with "AWS\/"/],
    [
      { dnsVerification: { maxDelaySeconds: 0 } },
      /dnsVerification\.maxDelaySeconds = 0: must be a whole number of seconds/,
    ],
    [
      { sesConfirmation: { backoffRate: 0.5 } },
      /sesConfirmation\.backoffRate = 0\.5: must be a number from 1 to 10/,
    ],
    [{ healthChecks: { recordMissingAlertHours: 0 } }, /healthChecks\.recordMissingAlertHours = 0/],
  ])('rejects a bad global setting %p', (overrides, message) => {
    expect(problemsOf({ ...overrides, domains: [minimalDomain] })).toMatch(message);
  });

  it('rejects an empty domain list and a domain listed twice', () => {
    expect(problemsOf({ domains: [] })).toMatch(/config\.domains = \[\]: must list at least one domain/);
    expect(problemsOf({ domains: [minimalDomain, { ...minimalDomain, domain: 'MAIL.example.jp' }] })).toMatch(
      /domains\[1\]\.domain = "mail\.example\.jp": appears twice/,
    );
  });

  it('lists every problem at once, one per line', () => {
    const message = problemsOf(withDomain({ keyLength: 512, language: 'fr' }));
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(2);
  });

  it.each(['dev.json', 'prod.json'])('accepts the example config infra/config/%s', (file) => {
    const config = loadConfig(join(__dirname, '../../infra/config', file));
    expect(config.domains[0]?.regions).toEqual(['ap-northeast-1']);
  });

  it('carries our users production values in the prod example', () => {
    const domain = loadConfig(join(__dirname, '../../infra/config/prod.json')).domains[0];
    expect(domain).toMatchObject({
      selectorPrefix: 'gooid-21-pro',
      certificateValidityDays: 456,
      renewalAlertDays: 16,
    });
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadConfig('/nonexistent/config.json')).toThrow(
      /Cannot read configuration \/nonexistent\/config\.json/,
    );
  });

  it('prints a bad value on one escaped line, whatever it holds', () => {
    // GIVEN a domain carrying a line break and text meant to look like another line
    const problems = problemsOf({ domains: [{ ...minimalDomain, domain: 'mail.example.jp\n  - all good' }] });
    // THEN the report has one line per problem and the value is escaped
    expect(problems).toMatch(/domains\[0\]\.domain = "mail\.example\.jp\\n {2}- all good"/);
    expect(problems.split('\n').filter((line) => line.includes('all good'))).toHaveLength(1);
  });
});
