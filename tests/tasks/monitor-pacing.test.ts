/**
 * The monitor's pacing of SES (under 1 request/s per region), its deadline and the handler's
 * continuation, with a fake clock and sleep: nothing here waits for real time.
 */
import { GetEmailIdentityCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import { parseConfig, type RotationConfig } from '../../shared/config';
import { type DkimKeyPair, generateDkimKeyPair } from '../../shared/dkim/keys';
import { noMetrics } from '../../shared/monitoring/metrics';
import { Pacer } from '../../shared/monitoring/pacer';
import { silentLogger } from '../../shared/rotation/runtime';
import type { SesClientFor } from '../../shared/rotation/ses-signing';
import { type MonitorHandlerDeps, makeHandler } from '../../tasks/monitor/handler';
import { type MonitorDeps, runMonitor } from '../../tasks/monitor/logic';

const TOKYO = 'ap-northeast-1';
const OSAKA = 'ap-northeast-3';
const BUCKET = 'pacing-store';
const T0 = Date.parse('2026-11-23T00:00:00Z');

/** A clock that only moves when someone sleeps. */
class FakeTime {
  now = T0;
  readonly sleeps: number[] = [];
  readonly clock = () => new Date(this.now);
  readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.now += ms;
  };
}

describe('Pacer', () => {
  it('spaces calls of one region by the interval, in call order, even when they arrive together', async () => {
    // GIVEN a pacer of 1,100 ms on a fake clock
    const time = new FakeTime();
    const pacer = new Pacer(1100, time.clock, time.sleep);
    const started: string[] = [];
    const call = (region: string, name: string) =>
      pacer.run(region, async () => {
        started.push(`${name}@${time.now - T0}`);
      });

    // WHEN three calls for Tokyo and one for Osaka arrive at the same instant
    await Promise.all([call(TOKYO, 'a'), call(TOKYO, 'b'), call(TOKYO, 'c'), call(OSAKA, 'x')]);

    // THEN Tokyo's calls start 1.1 s apart in call order; Osaka, a separate quota, never waits
    // (the fake clock is shared, so only the waits tell whose turn cost time)
    expect(started.filter((entry) => !entry.startsWith('x@'))).toEqual(['a@0', 'b@1100', 'c@2200']);
    expect(started).toHaveLength(4);
    expect(time.sleeps).toEqual([1100, 1100]);
  });

  it('measures the gap from when the previous call really started (a late timer cannot bunch calls)', async () => {
    // GIVEN a pacer of 1,000 ms whose first wait oversleeps by 300 ms
    const time = new FakeTime();
    let first = true;
    const pacer = new Pacer(1000, time.clock, async (ms) => {
      time.sleeps.push(ms);
      time.now += first ? ms + 300 : ms;
      first = false;
    });
    const starts: number[] = [];
    const call = () =>
      pacer.run(TOKYO, async () => {
        starts.push(time.now - T0);
      });

    // WHEN three calls arrive together
    await Promise.all([call(), call(), call()]);

    // THEN the third still starts a full interval after the late second
    expect(starts).toEqual([0, 1300, 2300]);
  });

  it('waits again when a sleep ends early by the clock', async () => {
    // GIVEN a sleep that returns 5 ms short (as Node timers can)
    const time = new FakeTime();
    const pacer = new Pacer(1000, time.clock, async (ms) => {
      time.sleeps.push(ms);
      time.now += ms >= 100 ? ms - 5 : ms;
    });
    const starts: number[] = [];

    // WHEN two calls arrive together
    await Promise.all([0, 1].map(() => pacer.run(TOKYO, async () => starts.push(time.now - T0))));

    // THEN the second waits the missing 5 ms and starts a full interval after the first
    expect(time.sleeps).toEqual([1000, 5]);
    expect(starts).toEqual([0, 1000]);
  });

  it("returns the call's result and passes its failure to the caller only", async () => {
    // GIVEN a pacer and a call that fails
    const pacer = new Pacer(
      0,
      () => new Date(T0),
      async () => {},
    );

    // WHEN one call fails and the next succeeds THEN each caller sees its own outcome
    await expect(pacer.run(TOKYO, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(pacer.run(TOKYO, async () => 42)).resolves.toBe(42);
  });

  it('does not wait when the interval already passed', async () => {
    // GIVEN a pacer whose clock moved 5 s since the last call
    const time = new FakeTime();
    const pacer = new Pacer(1000, time.clock, time.sleep);
    await pacer.take(TOKYO);
    time.now += 5000;

    // WHEN the next call comes
    await pacer.take(TOKYO);

    // THEN it goes at once
    expect(time.sleeps).toEqual([]);
  });

  it('refuses a negative interval', () => {
    expect(
      () =>
        new Pacer(
          -1,
          () => new Date(),
          async () => {},
        ),
    ).toThrow(RangeError);
  });
});

describe('monitor pacing and deadline against the SES stand-in', () => {
  let aws: LocalAws;
  let key: DkimKeyPair;
  const domains = ['p1.example.jp', 'p2.example.jp', 'p3.example.jp', 'p4.example.jp', 'p5.example.jp'];

  beforeAll(async () => {
    // The pacing is measured on the fake clock, so the stand-in's real-time throttle is off here
    // (bench/monitor.ts runs the monitor against it with the throttle on).
    aws = await startLocalAws({
      isKeyPublished: async () => false,
      buckets: [BUCKET],
      ses: { throttle: false },
    });
    key = await generateDkimKeyPair(1024);
    for (const domain of domains) {
      for (const region of [TOKYO, OSAKA]) {
        aws.ses.seedIdentity(region, domain, {
          origin: 'EXTERNAL',
          selector: 'mail-1',
          privateKey: key.privateKey,
        });
      }
    }
  });

  afterAll(async () => {
    await aws.stop();
  });

  function configFor(names: readonly string[]): RotationConfig {
    return parseConfig({
      domains: names.map((domain) => ({
        domain,
        regions: [TOKYO, OSAKA],
        selectorPrefix: 'mail',
        dnsTeamEmails: ['dns@example.jp'],
        opsEmails: ['ops@example.jp'],
      })),
    });
  }

  /** SES clients that record, per region, the fake time of each GetEmailIdentity. */
  function recordingSes(time: FakeTime): { ses: SesClientFor; calls: Map<string, number[]> } {
    const calls = new Map<string, number[]>();
    const ses: SesClientFor = (region) => {
      const client = aws.sesClient(region);
      return {
        send: async (command: unknown) => {
          if (command instanceof GetEmailIdentityCommand) {
            calls.set(region, [...(calls.get(region) ?? []), time.now]);
          }
          return client.send(command as GetEmailIdentityCommand);
        },
      } as unknown as SESv2Client;
    };
    return { ses, calls };
  }

  function depsFor(
    config: RotationConfig,
    time: FakeTime,
    ses: SesClientFor,
    intervalMs: number,
  ): MonitorDeps {
    const sns = new SNSClient({ region: TOKYO });
    return {
      s3: aws.s3Client(TOKYO),
      bucket: BUCKET,
      config,
      ses,
      sfn: new SFNClient({ region: TOKYO }),
      stateMachineArn: 'arn:aws:states:ap-northeast-1:123456789012:stateMachine:x',
      ops: { sns, topicArn: 'arn:aws:sns:ap-northeast-1:123456789012:ops' },
      verifyDkimRecord: async () => {
        throw new Error('no key in the store: DNS is never asked');
      },
      metrics: noMetrics,
      sleep: time.sleep,
      clock: time.clock,
      logger: silentLogger,
      pacing: { sesIntervalMs: intervalMs, concurrency: 1 },
    };
  }

  it('keeps SES calls of each region at least the interval apart and runs the regions side by side', async () => {
    // GIVEN three domains in Tokyo and Osaka and an interval of 1,100 ms
    const time = new FakeTime();
    const { ses, calls } = recordingSes(time);

    // WHEN the monitor runs
    const { reports } = await runMonitor(
      depsFor(configFor(domains.slice(0, 3)), time, ses, 1100),
      new Date(T0),
    );

    // THEN each region saw one call every 1.1 s, and both regions shared the same slots
    expect(reports).toHaveLength(3);
    expect(calls.get(TOKYO)).toEqual([T0, T0 + 1100, T0 + 2200]);
    expect(calls.get(OSAKA)).toEqual([T0, T0 + 1100, T0 + 2200]);
    expect(time.now - T0).toBe(2200);
  });

  it('stops starting domains at the deadline and says where to continue', async () => {
    // GIVEN five domains, one SES slot per second and a deadline 2.5 s after the start
    const time = new FakeTime();
    const { ses } = recordingSes(time);

    // WHEN the monitor runs
    const result = await runMonitor(depsFor(configFor(domains), time, ses, 1000), new Date(T0), {
      deadline: new Date(T0 + 2500),
    });

    // THEN the domains started before the deadline are reported and the next one is named
    expect(result.reports.map((report) => report.domain)).toEqual(domains.slice(0, 4));
    expect(result.nextIndex).toBe(4);
    expect(result.total).toBe(5);
  });

  it('continues in a new invocation from the first unchecked domain, with the same run instant', async () => {
    // GIVEN a handler whose Lambda has 62.5 s left (60 s are kept back) and one SES slot per second
    const time = new FakeTime();
    const { ses } = recordingSes(time);
    const continued: unknown[] = [];
    const flushed: number[] = [];
    const deps: MonitorHandlerDeps = {
      ...depsFor(configFor(domains), time, ses, 1000),
      continueFrom: async (event) => {
        continued.push(event);
      },
      flushMetrics: () => flushed.push(1),
    };
    const handler = makeHandler(deps);

    // WHEN the scheduled invocation arrives
    const output = await handler(
      { now: '2026-11-23T00:00:00.000Z' },
      { getRemainingTimeInMillis: () => 62_500, awsRequestId: 'run-1' },
    );

    // THEN four domains are done, the chain continues at index 4 with the run's instant and its
    // lease, metrics are flushed
    expect(output).toMatchObject({ checked: 4, total: 5, nextIndex: 4 });
    expect(continued).toEqual([{ now: '2026-11-23T00:00:00.000Z', fromIndex: 4, lease: 'run-1' }]);
    expect(flushed).toEqual([1]);

    // AND WHEN the continuation runs, it checks the rest and continues no further
    const rest = await handler(
      { now: '2026-11-23T00:00:00.000Z', fromIndex: 4, lease: 'run-1' },
      { getRemainingTimeInMillis: () => 900_000, awsRequestId: 'run-1-continued' },
    );
    expect(rest).toMatchObject({ checked: 1, total: 5 });
    expect(rest).not.toHaveProperty('nextIndex');
    expect(continued).toHaveLength(1);
  });

  it('does nothing in a second run that overlaps the first: no SES read, no continuation', async () => {
    // GIVEN a run whose chain continues (it holds the lease until its last invocation)
    const time = new FakeTime();
    const { ses, calls } = recordingSes(time);
    const continued: unknown[] = [];
    const handler = makeHandler({
      ...depsFor(configFor(domains), time, ses, 1000),
      continueFrom: async (event) => {
        continued.push(event);
      },
    });
    await handler(
      { now: '2026-11-24T00:00:00.000Z' },
      { getRemainingTimeInMillis: () => 62_500, awsRequestId: 'a' },
    );
    const readsOfFirstRun = [...calls.values()].flat().length;

    // WHEN a retried schedule delivery of the same day arrives meanwhile
    const second = await handler(
      { now: '2026-11-24T00:00:00.000Z' },
      { getRemainingTimeInMillis: () => 900_000, awsRequestId: 'b' },
    );

    // THEN it checks nothing and hands nothing on; the first run's continuation still finishes
    expect(second).toMatchObject({ skipped: true, heldBy: 'a', checked: 0 });
    expect([...calls.values()].flat()).toHaveLength(readsOfFirstRun);
    expect(continued).toHaveLength(1);
    const rest = await handler(continued[0] as { lease: string }, {
      getRemainingTimeInMillis: () => 900_000,
    });
    expect(rest).toMatchObject({ checked: 1, total: 5 });
  });

  it('fails instead of looping when an invocation cannot check a single domain', async () => {
    // GIVEN a Lambda with less time left than the safety margin
    const time = new FakeTime();
    const { ses } = recordingSes(time);
    const handler = makeHandler({
      ...depsFor(configFor(domains), time, ses, 1000),
      continueFrom: async () => {},
    });

    // WHEN it is invoked THEN it says what to change
    await expect(handler({}, { getRemainingTimeInMillis: () => 30_000 })).rejects.toThrow(/no progress/);
  });
});
