/**
 * Monitor: the daily check of every configured domain (EventBridge Scheduler, 09:00 Asia/Tokyo by
 * default). Each domain goes through four steps, each returning a value to the next:
 * - observe (./observe.ts): the key store, the authoritative name servers, SES in each region;
 * - evaluate (shared/monitoring/evaluate.ts, pure): the health checks' findings;
 * - plan (./plan.ts, pure): start a rotation when the ACTIVE certificate is within
 *   `renewalAlertDays`; then the metrics and the bilingual notification(s) to send;
 * - apply (./apply.ts): start the execution, emit the metrics, publish.
 * This file runs the domains through them and keeps the run's contract (DomainReport, MonitorResult).
 *
 * Pacing: SES allows one identity request per second per account and region. Regions are paced
 * independently (each its own slot queue) and domains are checked by a small pool of workers, so
 * the SES rate is the only bottleneck: 1,000 single-region domains take ~1,100 s at the default
 * 1.1 s interval, more than one Lambda invocation (900 s) can hold. The run therefore stops
 * starting domains at `deadline` and returns `nextIndex`; the handler continues in a new
 * invocation from there (see handler.ts and docs/monitoring.md). No fan-out can beat the rate:
 * parallel Lambdas would share the same per-region quota.
 */
import type { DomainConfig, RotationConfig } from '../../shared/config';
import { evaluateDomainHealth, type Finding } from '../../shared/monitoring/evaluate';
import { METRIC } from '../../shared/monitoring/metrics';
import { DEFAULT_SES_INTERVAL_MS, Pacer, type Sleep } from '../../shared/monitoring/pacer';
import { type ApplyDeps, applyReport, applyRotation } from './apply';
import { type MonitorPacing, type Observation, type ObserveDeps, observeDomain } from './observe';
import { type MonitorAction, planReport, planRotation, type RotationOutcome } from './plan';

export type { MonitorPacing, VerifyDkimRecord } from './observe';
export type { MonitorAction } from './plan';

/** What {@link runMonitor} needs: what observing reads and applying touches, and how to pace. */
export interface MonitorDeps extends ObserveDeps, ApplyDeps {
  readonly config: RotationConfig;
  /** Waits between paced SES calls (tests advance a fake clock instead). */
  readonly sleep: Sleep;
  readonly pacing?: MonitorPacing;
}

/** Options of one run. */
export interface MonitorOptions {
  /** Index in `config.domains` to start at (a continuation). @default 0 */
  readonly fromIndex?: number;
  /** No new domain is started once `deps.clock()` reaches this instant. @default - none */
  readonly deadline?: Date;
  /** Only these domains (CLI, local runs). @default - every configured domain */
  readonly domains?: readonly string[];
}

/** One domain's report. `domain`, `selector`, `daysUntilExpiry`, `action`, `findings` are the contract. */
export interface DomainReport {
  readonly domain: string;
  /** The ACTIVE selector, or null when none is recorded. */
  readonly selector: string | null;
  readonly daysUntilExpiry: number | null;
  readonly action: MonitorAction;
  readonly findings: readonly Finding[];
  readonly expiresAt?: string;
  /** The started (or running) execution's name. */
  readonly executionName?: string;
  readonly ses: readonly {
    readonly region: string;
    readonly status?: string;
    readonly origin?: string;
    readonly selector?: string;
    readonly signingEnabled?: boolean;
  }[];
  readonly notificationsSent: number;
}

/** The result of a run. */
export interface MonitorResult {
  readonly reports: readonly DomainReport[];
  /** Set when the deadline stopped the run: continue from this index. */
  readonly nextIndex?: number;
  readonly total: number;
}

const DEFAULT_CONCURRENCY = 8;

/**
 * Checks every configured domain (from `options.fromIndex`) as of `now`: `now` decides days and
 * thresholds (a continuation passes the original run's instant), `deps.clock` paces and stops at
 * the deadline.
 */
export async function runMonitor(
  deps: MonitorDeps,
  now: Date,
  options: MonitorOptions = {},
): Promise<MonitorResult> {
  const wanted = options.domains === undefined ? undefined : new Set(options.domains);
  const domains = deps.config.domains.filter((domain) => wanted === undefined || wanted.has(domain.domain));
  const pacer = new Pacer(deps.pacing?.sesIntervalMs ?? DEFAULT_SES_INTERVAL_MS, deps.clock, deps.sleep);
  const concurrency = Math.max(1, deps.pacing?.concurrency ?? DEFAULT_CONCURRENCY);
  const queue = new DomainQueue(
    domains,
    Math.max(0, options.fromIndex ?? 0),
    () => options.deadline !== undefined && deps.clock().getTime() >= options.deadline.getTime(),
  );

  // Each worker returns what it checked; the queue is the only thing they share.
  const checked = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const done: { index: number; report: DomainReport }[] = [];
      for (let item = queue.take(); item !== undefined; item = queue.take()) {
        done.push({ index: item.index, report: await checkDomain(deps, item.domain, now, pacer) });
      }
      return done;
    }),
  );
  const reports = checked
    .flat()
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.report);

  deps.metrics.put(METRIC.DomainsChecked, reports.length, 'Count', {});
  deps.logger.info('Monitor run finished', {
    checked: reports.length,
    total: domains.length,
    started: reports.filter((report) => report.action === 'started').length,
    findings: reports.reduce((sum, report) => sum + report.findings.length, 0),
    ...(queue.stopped ? { nextIndex: queue.next } : {}),
  });
  return {
    reports,
    total: domains.length,
    ...(queue.stopped && queue.next < domains.length ? { nextIndex: queue.next } : {}),
  };
}

/**
 * Hands the domains out to the workers in order, one at a time, until the list ends or the
 * deadline passes; remembers where it stopped (the continuation's `fromIndex`).
 */
class DomainQueue {
  #next: number;
  #stopped = false;

  constructor(
    private readonly domains: readonly DomainConfig[],
    from: number,
    private readonly pastDeadline: () => boolean,
  ) {
    this.#next = from;
  }

  /** The index of the first domain not handed out. */
  get next(): number {
    return this.#next;
  }

  /** True when the deadline, not the end of the list, stopped the run. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** The next domain to check, or undefined when there is none or the deadline passed. */
  take(): { index: number; domain: DomainConfig } | undefined {
    while (this.#next < this.domains.length) {
      if (this.pastDeadline()) {
        this.#stopped = true;
        return undefined;
      }
      const index = this.#next;
      this.#next += 1;
      const domain = this.domains[index];
      if (domain !== undefined) return { index, domain };
    }
    return undefined;
  }
}

/**
 * One domain: observe, evaluate, plan and apply the rotation start, plan and apply the report.
 * Never throws: trouble becomes a finding.
 */
export async function checkDomain(
  deps: MonitorDeps,
  domain: DomainConfig,
  now: Date,
  pacer: Pacer,
): Promise<DomainReport> {
  const observation = await observeDomain(deps, domain, now, pacer);
  const findings = evaluateDomainHealth(observation);
  const outcome = await applyRotation(deps, planRotation(domain, deps.config, observation), now);
  const plan = planReport({
    domain,
    config: deps.config,
    now,
    observation,
    findings,
    outcome,
    dnsTeam: deps.dnsTeam !== undefined,
  });
  const notificationsSent = await applyReport(deps, domain, plan);
  return domainReport(observation, plan.findings, outcome, notificationsSent);
}

/** The report of one domain (the CLI's and the local runner's JSON). */
function domainReport(
  observation: Observation,
  findings: readonly Finding[],
  outcome: RotationOutcome,
  notificationsSent: number,
): DomainReport {
  const { expiresAt } = observation;
  const { executionName } = outcome;
  const active = observation.keys.find((key) => key.state === 'ACTIVE' && key.expiresAt !== undefined);
  return {
    domain: observation.domain,
    selector: active?.selector ?? null,
    daysUntilExpiry: observation.daysUntilExpiry ?? null,
    action: outcome.action,
    findings,
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    ...(executionName === undefined ? {} : { executionName }),
    ses: observation.ses.map((observed) =>
      observed.kind === 'read'
        ? {
            region: observed.region,
            status: observed.signing.status,
            origin: observed.signing.origin,
            selector: observed.signing.selector,
            signingEnabled: observed.signing.signingEnabled,
          }
        : { region: observed.region },
    ),
    notificationsSent,
  };
}
