import { rotateDomains } from '../../local/runner/rotate';
import { RotationInProgressError } from '../../shared/errors';
import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

describe('resilience: throttling, crashes, duplicates and concurrency', () => {
  it('retries SES throttling (TooManyRequestsException) and completes', async () => {
    const { run } = await rehearse(scenario('ses-throttling'));
    expect(run.summary.status).toBe('SUCCEEDED');
    const retried = run.execution.events.filter(
      (event) => event.type === 'StateRetried' && event.state.name === 'ApplyToSes',
    );
    expect(retried.length).toBeGreaterThanOrEqual(1);
  });

  it('completes a crashed execution on redrive without a second key or a second apply', async () => {
    const { run, inspection } = await rehearse(scenario('crash-redrive'));
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(run.execution.redriveCount).toBe(1);
    expect(
      run.execution.events.some(
        (event) => event.type === 'ExecutionFailed' && event.Error === 'States.Runtime',
      ),
    ).toBe(true);
    expect(inspection.selectors).toEqual([run.summary.selectors.new, run.summary.selectors.previous].sort());
    expect(
      inspection.switches.filter((change) => change.selector === run.summary.selectors.new),
    ).toHaveLength(1);
    expect(run.summary.probe.failed).toBe(0);
  });

  it('refuses a second start for a domain while its rotation runs, and starts nothing', async () => {
    let refusal: unknown;
    let running = 0;
    const { run } = await rehearse(scenario('happy-path'), {
      afterStart: async (env) => {
        refusal = await env.start('demo.example.test').catch((error: unknown) => error);
        running = env.sfn.list('RUNNING').length;
      },
    });
    expect(refusal).toBeInstanceOf(RotationInProgressError);
    expect((refusal as Error).message).toMatch(/already running/);
    expect(running).toBe(1);
    expect(run.summary.status).toBe('SUCCEEDED');
  });

  it('rotates two domains concurrently on one state machine', async () => {
    const runs = await rotateDomains([
      // Concurrency is under test here, not throttling (ses-throttling covers it): SES at 5 requests/s
      // keeps two rotations from exhausting each other's retries on a loaded machine.
      scenario('happy-path', {
        domain: 'alpha.example.test',
        ses: { ...scenario('happy-path').ses, requestsPerSecond: 5 },
      }),
      scenario('happy-path', { domain: 'beta.example.test', selectorPrefix: 'beta' }),
    ]);
    expect(runs.map((run) => run.summary.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(runs.map((run) => run.execution.name)).toEqual([
      expect.stringMatching(/^alpha-example-test-demo-\d{8}-1$/),
      expect.stringMatching(/^beta-example-test-beta-\d{8}-1$/),
    ]);
    for (const run of runs) expect(run.summary.probe.failed).toBe(0);
  });

  it('moves a domain from Easy DKIM to its own key, with nothing of ours to retire', async () => {
    const { run, inspection } = await rehearse(scenario('easy-dkim-previous'));
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(run.summary.selectors.previous).toBeNull();
    // Mail signed with Easy DKIM (s=<token>) verified through the domain's CNAME into AWS's zone.
    expect(run.probeResults[0]).toMatchObject({
      outcome: 'passed',
      selector: expect.stringMatching(/^[a-z2-7]{32}$/),
    });
    expect(run.summary.probe.failed).toBe(0);
    expect(inspection.metadata).toEqual({ [run.summary.selectors.new as string]: 'ACTIVE' });
  });
});
