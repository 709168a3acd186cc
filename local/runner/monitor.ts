import { verifyDkimRecord } from '../../shared/dns';
import type { DnsVerification } from '../../shared/dns/types';
import type { MetricsSink } from '../../shared/monitoring/metrics';
import { invokeSelf, type MonitorEvent, makeHandler } from '../../tasks/monitor/handler';
import type { DomainReport } from '../../tasks/monitor/logic';
import type { IamSummary } from '../iam/local-iam';
import { accessKeyOf } from '../iam/principals';
import { TemplateResolver } from '../iam/template-resolver';
import type { Scenario } from '../scenario';
import type { LocalExecution } from '../sfn/engine';
import type { CfnTemplate } from './definition';
import { SimulatedDnsTeam } from './dns-team';
import { type LocalEnvironment, startLocalEnvironment } from './environment';
import { LocalLambda } from './local-lambda';

/** The principal (and function name suffix) of the monitor. */
const MONITOR = 'Monitor';

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
  /** The monitor function's invocations: the schedule's, then each continuation the run made. */
  readonly invocations: ReadonlyArray<{ readonly requestId: string; readonly event: MonitorEvent }>;
  /** What the local IAM evaluated and denied (every call was made as the Monitor role). */
  readonly iam: IamSummary;
}

/** Options of {@link runLocalMonitor}. */
export interface LocalMonitorOptions {
  /** The domains and their simulated DNS teams. */
  readonly scenarios: readonly Scenario[];
  /** The instant the monitor believes it is (its clock runs on from there). */
  readonly now: Date;
  /** Wait for the rotations the monitor started to finish. */
  readonly follow?: boolean;
  /**
   * The time limit of each invocation: a run that cannot finish in it (less the handler's
   * 60-second safety margin) continues in a new invocation. @default - the deployed function's `Timeout`
   */
  readonly timeLimitMs?: number;
  /** Domains checked at once. @default - the deployed function's `MONITOR_CONCURRENCY` */
  readonly concurrency?: number;
  /** Called before the environment stops. */
  readonly inspect?: (env: LocalEnvironment, run: LocalMonitorRun) => void | Promise<void>;
}

/** The deployed monitor function, as the synthesized template declares it. */
interface DeployedMonitor {
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

function deployedMonitor(templateText: string): DeployedMonitor {
  const resolver = new TemplateResolver(JSON.parse(templateText) as CfnTemplate);
  const { functionName, properties } = resolver.functionOf(MONITOR);
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  return {
    functionName,
    // CloudFormation's default Timeout is 3 seconds.
    timeoutMs: Number(properties.Timeout ?? 3) * 1000,
    concurrency: Number(variables?.MONITOR_CONCURRENCY ?? 8),
  };
}

/**
 * Runs the monitor on the local environment as Lambda runs it at `now`: the schedule invokes the
 * handler (tasks/monitor/handler.ts) with `{ now }`, which takes the single-flight lease in the key
 * store, checks the domains and, when its time limit runs short, invokes its own function
 * asynchronously to continue (authorized as `lambda:InvokeFunction` on the function's ARN). Every
 * AWS call is made as the Monitor role and evaluated by the local IAM. Each domain starts with the
 * key the environment seeded (issued 440 days ago, a 456-day certificate), SES is paced at its
 * 1 request/s, and a due rotation is started through the local Step Functions with the
 * deterministic execution name.
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
    const reports: DomainReport[] = [];
    const deployed = deployedMonitor(env.templateText);
    const lambda = new LocalLambda(env.iam);
    // The monitor's own role: every call it makes is evaluated against the Monitor's policies.
    const monitor = env.as(MONITOR);
    const handler = makeHandler({
      s3: monitor.s3,
      bucket: env.bucket,
      // The deployed configuration object, read with the Monitor's role.
      config: monitor.config,
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
      dnsOptions: env.lambdaDnsOptions(MONITOR),
      metrics: sink,
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      pacing: {
        // SES's 1 request/s per region, as in Lambda: the stand-in throttles the same way.
        sesIntervalMs: Math.ceil(1000 / (first?.ses.requestsPerSecond ?? 1)) + 100,
        concurrency: options.concurrency ?? deployed.concurrency,
      },
      clock,
      logger: env.logger,
      // The continuation, as defaultDeps() makes it: an Event invoke of the function itself,
      // signed as the Monitor role (AWS_LAMBDA_FUNCTION_NAME is the function's own name).
      continueFrom: invokeSelf(lambda.clientFor(accessKeyOf(MONITOR)), deployed.functionName),
      onResult: (result) => {
        reports.push(...result.reports);
      },
    });
    lambda.register({
      name: deployed.functionName,
      timeoutMs: options.timeLimitMs ?? deployed.timeoutMs,
      handler: (event, context) => handler(event as MonitorEvent, context),
    });
    // The schedule's delivery: `{ now: <aws.scheduler.scheduled-time> }`.
    await lambda.trigger(deployed.functionName, { now: options.now.toISOString() } satisfies MonitorEvent);
    await lambda.whenIdle();
    const rotations: Array<{ domain: string; execution?: LocalExecution }> = [];
    for (const report of reports) {
      if (report.action !== 'started') continue;
      const started = env.sfn.list().find((execution) => execution.name === report.executionName);
      rotations.push({
        domain: report.domain,
        ...(options.follow && started ? { execution: await env.sfn.whenDone(started.executionArn) } : {}),
      });
    }
    const run: LocalMonitorRun = {
      reports,
      metrics,
      rotations,
      verifications,
      invocations: lambda.invocations.map(({ requestId, event }) => ({
        requestId,
        event: event as MonitorEvent,
      })),
      iam: env.iam.summary(),
    };
    await options.inspect?.(env, run);
    return run;
  } finally {
    await env.stop();
  }
}
