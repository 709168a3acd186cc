/**
 * The configuration refuses polling settings whose longest rotation would pass the execution
 * history budget (shared/workflow-history.ts), naming the schedule to change.
 */
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../shared/config';
import { InvalidInputError } from '../../shared/errors';
import { DEFAULT_SES_CONFIRMATION } from '../../shared/rotation/poll-schedule';
import { MAX_ROTATION_HISTORY_EVENTS, worstCaseHistoryEvents } from '../../shared/workflow-history';

const DEFAULT_POLLING = {
  initialIntervalSeconds: 60,
  backoffRate: 2,
  maxDelaySeconds: 3600,
  maxWaitHours: 72,
};

const domain = (maxReminders = 3) => ({
  domain: 'mail.example.jp',
  selectorPrefix: 'p',
  dnsTeamEmails: ['dns@example.jp'],
  opsEmails: ['ops@example.jp'],
  maxReminders,
});

/** DNS polled every `seconds` (no backoff) for `hours`. */
const steadyDns = (seconds: number, hours: number) => ({
  initialIntervalSeconds: seconds,
  backoffRate: 1,
  maxDelaySeconds: seconds,
  maxWaitHours: hours,
});

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message.split('\n').slice(1);
  }
  return [];
}

describe('execution history budget of the polling settings', () => {
  it('counts 11,056 events for the longest rotation with the default settings', () => {
    // Every Lambda task entered once: entered + exited and 1 + 8 transient retries of 3 events = 29;
    // NotifyDnsTeam (task token, 4 events an attempt) 38. DNS: 149 retries (60 s doubling to 1 h,
    // 72 h). SES: a loop of 154 polls (5 s doubling to 1 h, equal jitter, 72 h), each poll a
    // whole task (29) and the Choice (2), every poll but the last a Wait (2). Longest path: 4
    // approval waits, 3 reminders, verify, WhenToApply (a Choice), apply, every SES poll and the last one giving up,
    // RollbackSigning, every ConfirmRollback poll, NotifyFailure → HowItFailed → Fail.
    const dnsPolling = 2 + 3 * (1 + 8 + 149);
    const sesLoop = 154 * (29 + 2) + 153 * 2;
    const expected =
      2 + 3 * 29 + 2 + (4 * 38 + 3 * 29) + dnsPolling + 2 + 29 + (sesLoop - 2) + 29 + sesLoop + (29 + 2 + 1);
    expect(expected).toBe(11_056);
    expect(
      worstCaseHistoryEvents({
        dnsVerification: DEFAULT_POLLING,
        sesConfirmation: DEFAULT_SES_CONFIRMATION,
        maxReminders: 3,
      }).total,
    ).toBe(expected);
    expect(problemsOf({ domains: [domain()] })).toEqual([]);
  });

  it('counts VerifyDnsRecord once more per allowed apply-window wait when a domain has a window', () => {
    // Each further round: WaitForApplyWindow (2), VerifyDnsRecord polling again (476), WhenToApply (2).
    const polling = 2 + 3 * (1 + 8 + 149);
    const inputs = { dnsVerification: DEFAULT_POLLING, sesConfirmation: DEFAULT_POLLING, maxReminders: 3 };

    const without = worstCaseHistoryEvents(inputs).total;
    const withWindow = worstCaseHistoryEvents({ ...inputs, applyWindow: true }).total;

    expect(withWindow - without).toBe(2 * (2 + polling + 2));
    // A configuration that fits without a window can pass the budget with one, and is told why.
    const dns = steadyDns(4, 1);
    expect(problemsOf({ dnsVerification: dns, domains: [domain()] })).toEqual([]);
    expect(
      problemsOf({
        dnsVerification: dns,
        domains: [{ ...domain(), applyWindow: { start: '02:00', end: '04:00' } }],
      }),
    ).toEqual([
      expect.stringContaining('VerifyDnsRecord (up to 3 times with an apply window) and RetireOldKey'),
    ]);
  });

  it('accepts the example configurations', () => {
    for (const stage of ['prod', 'dev']) {
      expect(() => loadConfig(join(__dirname, '../../infra/config', `${stage}.json`))).not.toThrow();
    }
  });

  it('accepts DNS polling every 4 s for 1 hour and refuses it for 2 hours, naming the field and the fix', () => {
    // 1 h: 1,800 polls (2 s on average under full jitter) in VerifyDnsRecord and in RetireOldKey.
    expect(problemsOf({ dnsVerification: steadyDns(4, 1), domains: [domain()] })).toEqual([]);

    const problems = problemsOf({ dnsVerification: steadyDns(4, 2), domains: [domain()] });

    expect(problems).toEqual([
      expect.stringMatching(
        /^ {2}- config\.dnsVerification\.maxWaitHours = 2: 3600 polls in each of VerifyDnsRecord and RetireOldKey \(every 4-4 s\) make the longest rotation 27,176 execution history events, over the 20,000 allowed \(Step Functions fails an execution at 25,000\): lower maxWaitHours or raise initialIntervalSeconds and maxDelaySeconds$/,
      ),
    ]);
  });

  it('accepts a rotation within one reminder of the budget and refuses the reminder that passes it', () => {
    // DNS every 161 s for 54 h: 2,415 polls; 2 reminders make 19,999 events (one under the budget), 3 reminders 67 more.
    const dns = steadyDns(161, 54);
    const under = worstCaseHistoryEvents({
      dnsVerification: dns,
      sesConfirmation: DEFAULT_SES_CONFIRMATION,
      maxReminders: 2,
    });
    const over = worstCaseHistoryEvents({
      dnsVerification: dns,
      sesConfirmation: DEFAULT_SES_CONFIRMATION,
      maxReminders: 3,
    });
    expect(under.total).toBe(MAX_ROTATION_HISTORY_EVENTS - 1);
    expect(over.total).toBe(under.total + 67);
    expect(over.total).toBeGreaterThan(MAX_ROTATION_HISTORY_EVENTS);

    expect(problemsOf({ dnsVerification: dns, domains: [domain(2)] })).toEqual([]);
    expect(
      problemsOf({ dnsVerification: dns, domains: [domain(2), { ...domain(3), domain: 'b.example.jp' }] }),
    ).toEqual([expect.stringContaining('config.dnsVerification.maxWaitHours = 54: 2415 polls')]);
  });

  it('blames the SES schedule when SES polling fills the history, and only it', () => {
    const problems = problemsOf({
      sesConfirmation: { initialIntervalSeconds: 1, backoffRate: 1, maxDelaySeconds: 1, maxWaitHours: 72 },
      domains: [domain()],
    });

    expect(problems).toEqual([
      expect.stringContaining(
        'config.sesConfirmation.maxWaitHours = 72: 10001 polls in each of ConfirmSesStatus and ConfirmRollback',
      ),
    ]);
  });

  it('blames both schedules when each takes half the room or more', () => {
    const everySecond = { initialIntervalSeconds: 1, backoffRate: 1, maxDelaySeconds: 1, maxWaitHours: 720 };

    const problems = problemsOf({
      dnsVerification: everySecond,
      sesConfirmation: everySecond,
      domains: [domain()],
    });

    expect(problems).toEqual([
      expect.stringContaining('config.dnsVerification.maxWaitHours = 720'),
      expect.stringContaining('config.sesConfirmation.maxWaitHours = 720'),
    ]);
  });
});
