/**
 * Config `sendingHealth`: the users' table as defaults, rates as fractions, thresholds ordered
 * critical > warning > info, and a configuration set name SES would accept.
 */
import * as path from 'node:path';
import { loadConfig, parseConfig } from '../../shared/config';
import { InvalidInputError } from '../../shared/errors';

const domain = {
  domain: 'mail.example.jp',
  selectorPrefix: 'p',
  dnsTeamEmails: ['d@example.jp'],
  opsEmails: ['o@example.jp'],
};
const withSending = (sendingHealth: unknown) => () => parseConfig({ domains: [domain], sendingHealth });
const problems = (sendingHealth: unknown): string => {
  try {
    withSending(sendingHealth)();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('config sendingHealth', () => {
  it('defaults to the users’ table, enabled, without a configuration set', () => {
    // WHEN a config says nothing about sending health
    const { sendingHealth } = parseConfig({ domains: [domain] });
    // THEN the alarms are on with the table's values, as fractions
    expect(sendingHealth).toEqual({
      enabled: true,
      bounceRate: { critical: 0.05, warning: 0.02, info: 0.01 },
      complaintRate: { critical: 0.001, warning: 0.0005, info: 0.0001 },
      evaluationPeriods: { critical: 2, warning: 3, info: 5 },
      sendSuccessRate: 0.95,
    });
  });

  it('takes the prod stage’s 98 % success rate from infra/config/prod.json, the rest at the defaults', () => {
    const { sendingHealth } = loadConfig(path.join(__dirname, '../../infra/config/prod.json'));
    expect(sendingHealth.sendSuccessRate).toBe(0.98);
    expect(sendingHealth.bounceRate.critical).toBe(0.05);
  });

  it('keeps the defaults of the levels a stage does not name', () => {
    const { sendingHealth } = withSending({ bounceRate: { info: 0.015 }, evaluationPeriods: { info: 10 } })();
    expect(sendingHealth.bounceRate).toEqual({ critical: 0.05, warning: 0.02, info: 0.015 });
    expect(sendingHealth.evaluationPeriods).toEqual({ critical: 2, warning: 3, info: 10 });
  });

  it('refuses a percentage where a fraction belongs, naming the field', () => {
    // GIVEN 5 meant as 5 % — WHEN parsed — THEN the message says rates are fractions
    expect(problems({ bounceRate: { critical: 5 } })).toContain(
      'config.sendingHealth.bounceRate.critical = 5: must be a fraction from 0 to 1 (0.05 is 5 %',
    );
    expect(problems({ sendSuccessRate: 98 })).toContain('config.sendingHealth.sendSuccessRate = 98');
    expect(problems({ complaintRate: { info: -0.1 } })).toContain('config.sendingHealth.complaintRate.info');
  });

  it('refuses thresholds out of order: a warning at or above its critical, an info at or above its warning', () => {
    expect(problems({ bounceRate: { warning: 0.05 } })).toContain(
      'config.sendingHealth.bounceRate.warning = 0.05: must be below critical (0.05)',
    );
    expect(problems({ complaintRate: { warning: 0.0004, info: 0.0004 } })).toContain(
      'config.sendingHealth.complaintRate.info = 0.0004: must be below warning (0.0004)',
    );
    expect(() => withSending({ bounceRate: { critical: 0.1, warning: 0.05, info: 0.02 } })()).not.toThrow();
  });

  it('refuses evaluation periods past one day of 5-minute periods, or not whole', () => {
    expect(problems({ evaluationPeriods: { info: 289 } })).toContain(
      'config.sendingHealth.evaluationPeriods.info = 289: must be a whole number from 1 to 288',
    );
    expect(problems({ evaluationPeriods: { critical: 1.5 } })).toContain(
      'config.sendingHealth.evaluationPeriods.critical',
    );
  });

  it('accepts a configuration set name SES accepts and refuses others', () => {
    expect(withSending({ configurationSetName: 'prod-mail_1' })().sendingHealth.configurationSetName).toBe(
      'prod-mail_1',
    );
    for (const name of ['', 'with space', 'a.b', 'x'.repeat(65)]) {
      expect(problems({ configurationSetName: name })).toContain('config.sendingHealth.configurationSetName');
    }
  });

  it('refuses unknown settings (every object is strict)', () => {
    expect(problems({ bounceRates: {} })).toContain('unknown setting(s) "bounceRates"');
    expect(problems({ bounceRate: { p1: 0.05 } })).toContain('unknown setting(s) "p1"');
  });
});
