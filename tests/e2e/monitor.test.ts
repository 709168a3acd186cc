import type { LocalEnvironment } from '../../local/runner/environment';
import { runLocalMonitor } from '../../local/runner/monitor';
import { LAMBDA_NO_IPV6_REASON } from '../../shared/dns/ipv6-policy';
import { SAFETY_MARGIN_MS } from '../../tasks/monitor/handler';
import { MONITOR_LEASE_KEY, type MonitorLease } from '../../tasks/monitor/lease';
import { E2E_TIMEOUT_MS, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);
const DAY = 86_400_000;

/** Every version of the monitor's lease object the run wrote, oldest first. */
function leaseVersions(env: LocalEnvironment): MonitorLease[] {
  return env.aws.s3
    .dump({ bucket: env.bucket, includeHistory: true })
    .filter((object) => object.key === MONITOR_LEASE_KEY)
    .map((object) => JSON.parse(object.body.toString('utf8')) as MonitorLease);
}

describe('the daily monitor on the local environment', () => {
  // The environment seeds a key issued 440 days ago with a 456-day certificate: it expires 16
  // calendar days from today.
  it('does nothing 17 days before expiry, as the Monitor role, taking and giving back its lease', async () => {
    // GIVEN the seeded key, 17 days before its expiry as the monitor sees the day
    const now = new Date(Date.now() - DAY);
    let lease: MonitorLease[] = [];

    // WHEN the schedule invokes the monitor function
    const run = await runLocalMonitor({
      scenarios: [scenario('happy-path')],
      now,
      inspect: (env) => {
        lease = leaseVersions(env);
      },
    });

    // THEN it checks the domain and starts nothing
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
    // AND every call (lease, key store, SES, DNS request reads) passed the deployed Monitor role
    expect(run.iam.evaluated).toBeGreaterThan(0);
    expect(run.iam).toMatchObject({ denied: 0, deniedRequests: [] });
    // AND the lease was created for the schedule's invocation and released when it finished,
    // on the monitor's clock
    const [invocation] = run.invocations;
    expect(run.invocations).toHaveLength(1);
    expect(lease).toEqual([
      expect.objectContaining({ owner: invocation?.requestId }),
      expect.objectContaining({ owner: invocation?.requestId, releasedAt: expect.any(String) }),
    ]);
    const releasedAt = new Date(lease[1]?.releasedAt ?? 0).getTime();
    expect(Math.abs(releasedAt - now.getTime())).toBeLessThan(DAY / 2);
  });

  it('continues a run that outlives its time limit in an invocation of itself, which holds the lease to the end', async () => {
    // GIVEN four domains in one region (SES paced 1.1 s apart, one domain at a time) and a
    // function whose time limit leaves 2 s before the handler's safety margin: the fourth
    // domain cannot start before the third SES call, 2.2 s in
    const domains = ['a', 'b', 'c', 'd'].map((label) =>
      scenario('happy-path', { domain: `${label}.example.test` }),
    );
    let lease: MonitorLease[] = [];

    // WHEN the schedule invokes the monitor function
    const run = await runLocalMonitor({
      scenarios: domains,
      now: new Date(Date.now() - DAY),
      timeLimitMs: SAFETY_MARGIN_MS + 2_000,
      concurrency: 1,
      inspect: (env) => {
        lease = leaseVersions(env);
      },
    });

    // THEN the function invoked itself (lambda:InvokeFunction as the Monitor role, allowed) with
    // the run's instant, where it stopped, and the lease of the schedule's invocation
    const [scheduled, ...continuations] = run.invocations;
    expect(continuations.length).toBeGreaterThan(0);
    expect(continuations[0]?.event).toEqual({
      now: scheduled?.event.now,
      fromIndex: expect.any(Number),
      lease: scheduled?.requestId,
    });
    expect(run.iam).toMatchObject({ denied: 0, deniedRequests: [] });
    // AND every domain was checked exactly once across the invocations
    expect(run.reports.map((report) => report.domain)).toEqual(domains.map((domain) => domain.domain));
    // AND the lease stayed with the run (taken over by the continuation) and was released at the end
    expect(new Set(lease.map((version) => version.owner))).toEqual(new Set([scheduled?.requestId]));
    expect(lease.length).toBe(run.invocations.length + 1);
    expect(lease.slice(0, -1).every((version) => version.releasedAt === undefined)).toBe(true);
    expect(lease.at(-1)?.releasedAt).toEqual(expect.any(String));
  });

  it('starts a rotation 16 days before expiry, and that rotation completes', async () => {
    const run = await runLocalMonitor({ scenarios: [scenario('happy-path')], now: new Date(), follow: true });
    // The monitor's StartExecution, and every call of the rotation it started, passed the deployed IAM
    expect(run.iam).toMatchObject({ denied: 0 });
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
