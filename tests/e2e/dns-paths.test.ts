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
    const { run, inspection } = await rehearse(scenario('wrong-key'));
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'DnsRecordMismatch' });
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
