import { runLocalMonitor } from '../../local/runner/monitor';
import { LAMBDA_NO_IPV6_REASON } from '../../shared/dns/ipv6-policy';
import { E2E_TIMEOUT_MS, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);
const DAY = 86_400_000;

describe('the daily monitor on the local environment', () => {
  // The environment seeds a key issued 440 days ago with a 456-day certificate: it expires 16
  // calendar days from today.
  it('does nothing 17 days before expiry', async () => {
    const run = await runLocalMonitor({
      scenarios: [scenario('happy-path')],
      now: new Date(Date.now() - DAY),
    });
    expect(run.reports).toEqual([
      expect.objectContaining({
        domain: 'demo.example.test',
        daysUntilExpiry: 17,
        action: 'none',
        findings: [],
      }),
    ]);
    expect(run.rotations).toEqual([]);
    // AND its DNS check ran on the deployed monitor's network: IPv4 decided, IPv6 reported not
    // checked with Lambda's reason (outside a VPC), as the function itself would see it
    const servers = run.verifications.flatMap((verdict) => verdict.servers);
    expect(run.verifications.length).toBeGreaterThan(0);
    expect(servers.filter((server) => server.address.startsWith('['))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ result: 'not-checked', detail: LAMBDA_NO_IPV6_REASON }),
      ]),
    );
    expect(
      servers.filter((server) => server.address.startsWith('[')).map((server) => server.result),
    ).not.toContain('match');
  });

  it('starts a rotation 16 days before expiry, and that rotation completes', async () => {
    const run = await runLocalMonitor({ scenarios: [scenario('happy-path')], now: new Date(), follow: true });
    const [report] = run.reports;
    expect(report).toMatchObject({ domain: 'demo.example.test', daysUntilExpiry: 16, action: 'started' });
    expect(report?.executionName).toMatch(/^demo-example-test-demo-\d{8}-1$/);
    expect(run.rotations).toHaveLength(1);
    expect(run.rotations[0]?.execution).toMatchObject({ status: 'SUCCEEDED' });
    expect(run.metrics.map((metric) => metric.name)).toEqual(
      expect.arrayContaining(['DaysUntilExpiry', 'RotationStarted']),
    );
  });
});
