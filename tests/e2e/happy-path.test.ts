import { join } from 'node:path';
import type { MailboxMessage } from '../../local/mailbox';
import { byodkim } from '../support/byodkim-cli';
import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

describe('a complete rotation on the local environment', () => {
  it('rotates to a new key, keeps every probe mail passing DKIM, retires the old record and leaks nothing', async () => {
    // GIVEN the demo domain signing with last year's key, and a DNS team that publishes then approves
    const { run, inspection } = await rehearse(scenario('happy-path'));
    const { summary } = run;
    // THEN the workflow went the whole way in the designed order (WaitForSesStatus only when SES
    // was still PENDING at the first poll)
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.statesVisited.filter((name) => name !== 'WaitForSesStatus')).toEqual([
      'PrepareRotation',
      'GenerateKey',
      'StoreDnsRequest',
      'HowToPublish',
      'NotifyDnsTeam',
      'VerifyDnsRecord',
      'WhenToApply',
      'ApplyToSes',
      'ConfirmSesStatus',
      'SesConfirmed',
      'NotifySuccess',
      'WaitRetention',
      'RetireOldKey',
      'RotationComplete',
    ]);
    // AND the success notice says, in both languages, how long SES took in the region
    const success = inspection.notifications.find((sent) => sent.subject.includes('DKIM key rotated'));
    expect(success?.message).toMatch(/- ap-northeast-1: (\d+ 秒以内|\d+ 秒〜\d+ 秒)/);
    expect(success?.message).toMatch(/- ap-northeast-1: (at most \d+ s|between \d+ s and \d+ s)/);
    // AND SES signs with the new selector, verified
    const previous = summary.selectors.previous as string;
    const next = summary.selectors.new as string;
    expect(next).toMatch(/^demo-\d{8}-1$/);
    expect(summary.ses['ap-northeast-1']).toEqual({
      origin: 'EXTERNAL',
      selector: next,
      status: 'SUCCESS',
      signingEnabled: true,
    });
    // AND no mail ever failed DKIM (invariants 1 and 2, measured)
    expect(summary.probe.failed).toBe(0);
    expect(summary.probe.sent).toBeGreaterThanOrEqual(summary.statesVisited.length);
    // AND the key states and DNS reflect the retirement
    expect(inspection.metadata).toEqual({ [previous]: 'RETIRED', [next]: 'ACTIVE' });
    expect(inspection.txt(0, previous)).toEqual([]);
    expect(inspection.txt(1, previous)).toEqual([]);
    expect(inspection.txt(1, next)[0]).toMatch(/^v=DKIM1; k=rsa; p=/);
    // AND nothing secret reached history, logs, notifications or the template (invariant 4)
    expect(summary.leaks.scanned).toBeGreaterThan(20);
    expect(summary.leaks.found).toBe(0);
    expect(summary.approvals).toEqual({ accepted: 1, refused: 0 });
    // AND SES was switched once, after the approval
    expect(inspection.switches.filter((change) => change.selector === next)).toHaveLength(1);
  });

  it('reports the window SES held a BYODKIM → BYODKIM switch PENDING, and sends unsigned only inside it', async () => {
    // GIVEN SES that stays PENDING 1.5 s after it finds the new record (scenario ses.afterMs)
    const pendingDelay = scenario('pending-delay');
    let probeMail: MailboxMessage[] = [];
    const { run, inspection } = await rehearse(pendingDelay, {
      inspect: (env) => {
        probeMail = env.aws.mailbox
          .messages()
          .filter((message) => message.from.endsWith(`@${pendingDelay.domain}`));
      },
    });
    const { summary } = run;
    // THEN the rotation succeeded, no mail failed DKIM, and the reported window covers the delay
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.probe.failed).toBe(0);
    expect(summary.unsignedWindowMs).toBeGreaterThanOrEqual(pendingDelay.ses.afterMs);
    // AND a probe went out unsigned only while a switch was PENDING (the probe may miss the window)
    const windows = inspection.switches.map((change) => [
      change.at,
      change.settled?.at ?? Number.POSITIVE_INFINITY,
    ]);
    const unsigned = probeMail.filter((message) => message.unsignedReason !== undefined);
    expect(unsigned).toHaveLength(summary.probe.unsigned);
    for (const message of unsigned) {
      const at = message.receivedAt.getTime();
      expect(windows.some(([from = 0, to = 0]) => at >= from && at <= to)).toBe(true);
    }
  });

  it('prints exactly one JSON object with the contract fields from byodkim local rotate --json', async () => {
    const file = join(__dirname, '../../local/scenarios/happy-path.json');
    const { code, stdout } = await byodkim(['local', 'rotate', '--scenario', file, '--json'], E2E_TIMEOUT_MS);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'applyAt',
        'approvals',
        'durationMs',
        'iam',
        'leaks',
        'probe',
        'selectors',
        'ses',
        'statesVisited',
        'status',
        'transitions',
        'unsignedWindowMs',
      ].sort(),
    );
    expect(summary).toMatchObject({
      status: 'SUCCEEDED',
      transitions: expect.any(Number),
      durationMs: expect.any(Number),
      selectors: { previous: expect.any(String), new: expect.any(String) },
      probe: {
        sent: expect.any(Number),
        passed: expect.any(Number),
        failed: 0,
        unsigned: expect.any(Number),
      },
      unsignedWindowMs: expect.any(Number),
      leaks: { scanned: expect.any(Number), found: 0 },
      iam: { evaluated: expect.any(Number), denied: 0, deniedRequests: [] },
    });
    expect(summary.iam.evaluated).toBeGreaterThan(0);
  });

  it("completes when SNS refuses the success notice: nothing rolled back, the state machine's own metric counts the loss", async () => {
    // GIVEN NotifySuccess's role may not publish (a permanent error: not retried)
    let lost: readonly { name: string; value: number; dimensions: Record<string, string> }[] = [];
    const { run, inspection } = await rehearse(
      scenario('happy-path', { iamDeny: { NotifySuccess: ['sns:Publish'] } }),
      {
        inspect: (env) => {
          lost = env.metrics.data();
        },
      },
    );
    // THEN the rotation still retired the old key, and never went back to it
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(run.summary.statesVisited).toEqual(expect.arrayContaining(['RecordLostNotice', 'RetireOldKey']));
    expect(run.summary.statesVisited).not.toContain('RollbackSigning');
    expect(inspection.metadata[run.summary.selectors.new as string]).toBe('ACTIVE');
    // AND the only denial was the one asked for; the state machine's PutMetricData was allowed
    expect(run.summary.iam.deniedRequests.map((denied) => `${denied.state} ${denied.action}`)).toEqual([
      'NotifySuccess sns:Publish',
    ]);
    expect(lost.map(({ name, value, dimensions }) => ({ name, value, dimensions }))).toEqual([
      { name: 'SuccessNoticeLost', value: 1, dimensions: { service: 'byodkim-rotation' } },
      {
        name: 'SuccessNoticeLost',
        value: 1,
        dimensions: { service: 'byodkim-rotation', Domain: 'demo.example.test' },
      },
    ]);
  });

  it('refuses a bad scenario file with exit code 2, naming the field', async () => {
    const result = await byodkim([
      'local',
      'rotate',
      '--scenario',
      join(__dirname, 'fixtures/bad-scenario.json'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scenario\.dnsTeam\.decision = "maybe"/);
  });
});
