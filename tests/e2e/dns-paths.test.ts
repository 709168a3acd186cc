import { createPrivateKey, type KeyObject } from 'node:crypto';
import { scanForLeaks } from '../../local/leak-scan';
import { isInApplyWindow } from '../../shared/rotation/apply-window';
import { E2E_TIMEOUT_MS, enteredAt, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

describe('DNS paths: SES gets the key only when every name server serves it exactly', () => {
  it('waits after an early approval and applies only once the record is published', async () => {
    const { run } = await rehearse(scenario('approve-before-publish'));
    expect(run.summary.status).toBe('SUCCEEDED');
    const retries = run.execution.events.filter(
      (event) => event.type === 'StateRetried' && event.state.name === 'VerifyDnsRecord',
    );
    expect(retries.length).toBeGreaterThan(0);
    // The team published 1.5 s after the notification: SES cannot have been touched before.
    expect(enteredAt(run, 'ApplyToSes') - enteredAt(run, 'NotifyDnsTeam')).toBeGreaterThanOrEqual(1500);
    expect(run.summary.probe.failed).toBe(0);
  });

  it('never applies a wrong key: the rotation fails as DnsRecordMismatch and SES keeps the previous key', async () => {
    let privateKeys: KeyObject[] = [];
    const { run, inspection } = await rehearse(scenario('wrong-key'), {
      inspect: (env) => {
        privateKeys = env.aws.s3
          .dump({ includeHistory: true })
          .filter((object) => object.key.endsWith('private-key.pem'))
          .map((object) => createPrivateKey(object.body.toString('utf8')));
      },
    });
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'DnsRecordMismatch' });
    // The cause says, per server, how the served value differs (lengths, first difference) …
    const cause = run.summary.cause ?? '';
    expect(cause).toMatch(/^VerifyDnsRecord \(DnsRecordMismatch\): .*first difference at character \d+/);
    // … and never quotes the record served or expected, nor any key material
    const served = inspection.txt(0, run.summary.selectors.new as string).join('');
    expect(served.length).toBeGreaterThan(100);
    for (let at = 0; at + 24 <= served.length; at += 24)
      expect(cause).not.toContain(served.slice(at, at + 24));
    expect(cause).not.toMatch(/p=[A-Za-z0-9+/]{8}/);
    const leaks = scanForLeaks([{ source: 'summary.cause', text: cause, shownToPeople: true }], {
      privateKeys,
      taskTokens: [],
    });
    expect(leaks.found).toBe(0);
    expect(run.summary.statesVisited).not.toContain('ApplyToSes');
    expect(inspection.switches).toEqual([]);
    expect(run.summary.ses['ap-northeast-1']?.selector).toBe(run.summary.selectors.previous);
    expect(run.summary.probe.failed).toBe(0);
  });

  it('does not apply while one name server is stale, then applies after it catches up', async () => {
    const { run, inspection } = await rehearse(scenario('stale-server'));
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(enteredAt(run, 'ApplyToSes') - enteredAt(run, 'NotifyDnsTeam')).toBeGreaterThanOrEqual(2000);
    const next = run.summary.selectors.new as string;
    expect(inspection.txt(0, next)).toHaveLength(1);
    expect(inspection.txt(1, next)).toHaveLength(1);
    expect(run.summary.probe.failed).toBe(0);
  });
});

describe('apply window: SES is switched only inside the window chosen by the operators', () => {
  it('waits for the next opening, verifies the record again, and switches inside the window', async () => {
    // A window that is closed now: it opens three hours from now (Asia/Tokyo wall clock).
    const opensAt = new Date(Date.now() + 3 * 3600_000);
    const wall = (at: Date) =>
      at.toLocaleTimeString('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });
    const applyWindow = { start: wall(opensAt), end: wall(new Date(opensAt.getTime() + 3600_000)) };

    const { run, inspection } = await rehearse(scenario('apply-window', { applyWindow }));

    expect(run.summary.status).toBe('SUCCEEDED');
    // VerifyDnsRecord → WhenToApply → WaitForApplyWindow → VerifyDnsRecord (the recheck) → ApplyToSes
    const entered = run.execution.events.flatMap((event) =>
      event.type === 'StateEntered' ? [event.state.name] : [],
    );
    const verify = entered.indexOf('VerifyDnsRecord');
    expect(entered.slice(verify, entered.indexOf('ApplyToSes') + 1)).toEqual([
      'VerifyDnsRecord',
      'WhenToApply',
      'WaitForApplyWindow',
      'VerifyDnsRecord',
      'WhenToApply',
      'ApplyToSes',
    ]);
    // applyAt is the time ApplyToSes changed SES: inside the window, not at the verification.
    const applyAt = new Date(run.summary.applyAt as string);
    expect(isInApplyWindow(applyAt, { ...applyWindow, timeZone: 'Asia/Tokyo' })).toBe(true);
    expect(applyAt.getTime()).toBeGreaterThan(Date.now() + 2 * 3600_000);
    // The DNS team were told when the switch is planned, in both languages.
    const request = inspection.notifications.find((sent) => sent.subject.includes('Please publish'));
    expect(request?.message).toContain(`apply window ${applyWindow.start}–${applyWindow.end} Asia/Tokyo`);
    expect(request?.message).toContain(`適用時間帯 ${applyWindow.start}–${applyWindow.end} Asia/Tokyo`);
    expect(run.summary.probe.failed).toBe(0);
  });
});
