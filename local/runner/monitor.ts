import { verifyDkimRecord } from '../../shared/dns';
import type { DnsVerification } from '../../shared/dns/types';
import type { MetricsSink } from '../../shared/monitoring/metrics';
import { type DomainReport, runMonitor } from '../../tasks/monitor/logic';
import type { Scenario } from '../scenario';
import type { LocalExecution } from '../sfn/engine';
import { SimulatedDnsTeam } from './dns-team';
import { type LocalEnvironment, startLocalEnvironment } from './environment';

/** A metric point the monitor emitted (EMF in Lambda; kept in memory here). */
export interface CapturedMetric {
  readonly name: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What a local monitor run produced. */
export interface LocalMonitorRun {
  readonly reports: readonly DomainReport[];
  readonly metrics: readonly CapturedMetric[];
  /** Rotations the monitor started and, with `follow`, how they ended. */
  readonly rotations: ReadonlyArray<{ readonly domain: string; readonly execution?: LocalExecution }>;
  /** The DNS verdicts the monitor's code got, on the deployed monitor function's network. */
  readonly verifications: readonly DnsVerification[];
}

/** Options of {@link runLocalMonitor}. */
export interface LocalMonitorOptions {
  /** The domains and their simulated DNS teams. */
  readonly scenarios: readonly Scenario[];
  /** The instant the monitor believes it is (its clock runs on from there). */
  readonly now: Date;
  /** Wait for the rotations the monitor started to finish. */
  readonly follow?: boolean;
  /** Called before the environment stops. */
  readonly inspect?: (env: LocalEnvironment, run: LocalMonitorRun) => void | Promise<void>;
}

/**
 * Runs the monitor's own logic (tasks/monitor) on the local environment, as the daily schedule
 * would at `now`: each domain starts with the key the environment seeded (issued 440 days ago, a
 * 456-day certificate), SES is paced at its 1 request/s, and a due rotation is started through the
 * local Step Functions with the deterministic execution name.
 */
export async function runLocalMonitor(options: LocalMonitorOptions): Promise<LocalMonitorRun> {
  const env = await startLocalEnvironment({ scenarios: options.scenarios });
  try {
    for (const scenario of options.scenarios) new SimulatedDnsTeam(env, scenario);
    const metrics: CapturedMetric[] = [];
    const sink: MetricsSink = {
      put: (name, value, _unit, dimensions) => {
        metrics.push({ name, value, dimensions });
      },
    };
    const offset = options.now.getTime() - Date.now();
    const clock = () => new Date(Date.now() + offset);
    const [first] = options.scenarios;
    const verifications: DnsVerification[] = [];
    // The monitor's own role: every call it makes is evaluated against the Monitor's policies.
    const monitor = env.as('Monitor');
    const deps = {
      s3: monitor.s3,
      bucket: env.bucket,
      config: env.config,
      ses: monitor.ses,
      sfn: monitor.sfn,
      stateMachineArn: env.stateMachineArn,
      ops: monitor.operators,
      dnsTeam: monitor.dnsTeam,
      verifyDkimRecord: async (...args: Parameters<typeof verifyDkimRecord>) => {
        const verdict = await verifyDkimRecord(...args);
        verifications.push(verdict);
        return verdict;
      },
      // The deployed monitor function's network (egress and IPv6 policy), as for the task code.
      dnsOptions: env.lambdaDnsOptions('Monitor'),
      metrics: sink,
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      // SES's 1 request/s per region, as in Lambda: the stand-in throttles the same way.
      pacing: { sesIntervalMs: Math.ceil(1000 / (first?.ses.requestsPerSecond ?? 1)) + 100 },
      clock,
      logger: env.logger,
    };
    const reports: DomainReport[] = [];
    let fromIndex = 0;
    for (;;) {
      const result = await runMonitor(deps, clock(), { fromIndex });
      reports.push(...result.reports);
      if (result.nextIndex === undefined) break;
      fromIndex = result.nextIndex;
    }
    const rotations: Array<{ domain: string; execution?: LocalExecution }> = [];
    for (const report of reports) {
      if (report.action !== 'started') continue;
      const started = env.sfn.list().find((execution) => execution.name === report.executionName);
      rotations.push({
        domain: report.domain,
        ...(options.follow && started ? { execution: await env.sfn.whenDone(started.executionArn) } : {}),
      });
    }
    const run = { reports, metrics, rotations, verifications };
    await options.inspect?.(env, run);
    return run;
  } finally {
    await env.stop();
  }
}
