/**
 * Monitor: the daily check of every configured domain (EventBridge Scheduler, 09:00 Asia/Tokyo by
 * default). For each domain it reads the key store (metadata, certificates, DNS requests), asks
 * the authoritative name servers about the records that matter today, reads SES's DKIM
 * attributes in each region, evaluates the health checks (shared/monitoring, pure), starts a
 * rotation when the ACTIVE certificate is within `renewalAlertDays`, and reports findings as
 * metrics and one bilingual notification per domain.
 *
 * Pacing: SES allows one identity request per second per account and region. Regions are paced
 * independently (each its own slot queue) and domains are checked by a small pool of workers, so
 * the SES rate is the only bottleneck: 1,000 single-region domains take ~1,100 s at the default
 * 1.1 s interval, more than one Lambda invocation (900 s) can hold. The run therefore stops
 * starting domains at `deadline` and returns `nextIndex`; the handler continues in a new
 * invocation from there (see handler.ts and docs/monitoring.md). No fan-out can beat the rate:
 * parallel Lambdas would share the same per-region quota.
 */
import type { KeyObject } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DomainConfig, RotationConfig } from '../../shared/config';
import { daysUntilExpiry, isExpired, parseDkimCertificate } from '../../shared/dkim/certificate';
import type { DnsCheckOptions, DnsVerification, VerifyDkimRecordInput } from '../../shared/dns/types';
import { DomainNotConfiguredError, RotationInProgressError, stableReason } from '../../shared/errors';
import {
  type DomainObservation,
  dkimVerificationValue,
  dnsRecordConsistency,
  evaluateDomainHealth,
  type Finding,
  finding,
  HEALTH_CHECKS,
  type HealthThresholds,
  isNewRecordDue,
  isOldRecordDue,
  isRotationDue,
  type KeyObservation,
  type RecordVerdict,
  type SesObservation,
} from '../../shared/monitoring/evaluate';
import { DIMENSION, METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { monitorNotification, shouldNotify } from '../../shared/monitoring/notification';
import { DEFAULT_SES_INTERVAL_MS, Pacer, type Sleep } from '../../shared/monitoring/pacer';
import { isTransientAwsError } from '../../shared/rotation/aws-errors';
import { type KeyMetadata, readMetadata } from '../../shared/rotation/key-metadata';
import {
  dnsRequestPath,
  getObject,
  type KeyStoreDeps,
  keyPaths,
  listSelectors,
} from '../../shared/rotation/key-store';
import { type NotifyDeps, plannedSwitchLine, publish } from '../../shared/rotation/notifications';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { readSesSigning, type SesClientFor } from '../../shared/rotation/ses-signing';
import { startRotation } from '../../shared/rotation/start-rotation';

/** The DNS verifier (shared/dns `verifyDkimRecord`); tests inject a fake, never real DNS. */
export type VerifyDkimRecord = (
  input: VerifyDkimRecordInput,
  options?: DnsCheckOptions,
) => Promise<DnsVerification>;

/** How fast the monitor may go. */
export interface MonitorPacing {
  /** Minimum gap between two SES calls in one region. @default 1100 (under SES's 1 request/s) */
  readonly sesIntervalMs?: number;
  /** Domains checked at the same time. @default 8 */
  readonly concurrency?: number;
  /** SES reads per region and domain before `ses-unreadable` (throttling, 5xx). @default 3 */
  readonly sesAttempts?: number;
}

/** What {@link runMonitor} needs. */
export interface MonitorDeps extends BaseDeps, KeyStoreDeps {
  readonly config: RotationConfig;
  readonly ses: SesClientFor;
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  /** The operators' topic: every notification. */
  readonly ops: NotifyDeps;
  /** The DNS team's topic: DNS findings only (missing new record, old record left). @default - none */
  readonly dnsTeam?: NotifyDeps;
  readonly verifyDkimRecord: VerifyDkimRecord;
  readonly dnsOptions?: DnsCheckOptions;
  readonly metrics: MetricsSink;
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

/** The action the monitor took for a domain. */
export type MonitorAction = 'none' | 'started' | 'already-running';

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
const DEFAULT_SES_ATTEMPTS = 3;

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
  const reports: (DomainReport | undefined)[] = new Array(domains.length);
  let next = Math.max(0, options.fromIndex ?? 0);
  let stopped = false;

  const worker = async (): Promise<void> => {
    while (next < domains.length) {
      if (options.deadline !== undefined && deps.clock().getTime() >= options.deadline.getTime()) {
        stopped = true;
        return;
      }
      const index = next;
      next += 1;
      const domain = domains[index];
      if (domain !== undefined) reports[index] = await checkDomain(deps, domain, now, pacer);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  const done = reports.filter((report): report is DomainReport => report !== undefined);
  deps.metrics.put(METRIC.DomainsChecked, done.length, 'Count', {});
  deps.logger.info('Monitor run finished', {
    checked: done.length,
    total: domains.length,
    started: done.filter((report) => report.action === 'started').length,
    findings: done.reduce((sum, report) => sum + report.findings.length, 0),
    ...(stopped ? { nextIndex: next } : {}),
  });
  return {
    reports: done,
    total: domains.length,
    ...(stopped && next < domains.length ? { nextIndex: next } : {}),
  };
}

/** The monitor's thresholds for one domain. */
export function thresholdsFor(config: RotationConfig, domain: DomainConfig): HealthThresholds {
  return { renewalAlertDays: domain.renewalAlertDays, ...config.healthChecks };
}

interface LoadedKey {
  readonly observation: KeyObservation;
  readonly metadata: KeyMetadata;
}

/** One domain: read, verify, evaluate, act, report. Never throws: trouble becomes a finding. */
export async function checkDomain(
  deps: MonitorDeps,
  domain: DomainConfig,
  now: Date,
  pacer: Pacer,
): Promise<DomainReport> {
  const name = domain.domain;
  const thresholds = thresholdsFor(deps.config, domain);
  const extra: Finding[] = [];

  // ---- Key store + DNS ----------------------------------------------------------------------
  let keys: KeyObservation[] = [];
  let expiresAt: Date | undefined;
  let readable = true;
  try {
    ({ keys, expiresAt } = await observeKeys(deps, domain, now, thresholds));
  } catch (error) {
    readable = false;
    deps.logger.warn('Key store unreadable', { domain: name, reason: stableReason(error) });
    extra.push(
      finding(
        HEALTH_CHECKS.KeyStoreUnreadable,
        `The key store could not be read for ${name}: ${stableReason(error)}`,
      ),
    );
  }
  const active = keys.find((key) => key.state === 'ACTIVE' && key.expiresAt !== undefined);
  const days =
    expiresAt === undefined ? undefined : daysUntilExpiry({ expiresAt }, now, deps.config.timeZone);
  const expired = expiresAt === undefined ? undefined : isExpired({ expiresAt }, now);

  // ---- SES, each region paced, regions in parallel -------------------------------------------
  const ses = await Promise.all(domain.regions.map((region) => observeSes(deps, pacer, region, name)));

  // ---- Evaluate --------------------------------------------------------------------------------
  const observation: DomainObservation = {
    domain: name,
    now,
    thresholds,
    daysUntilExpiry: days,
    expired,
    keys,
    ses,
  };
  const findings = readable
    ? evaluateDomainHealth(observation)
    : [...evaluateDomainHealth(observation).filter((f) => f.check !== HEALTH_CHECKS.NoActiveKey)];

  // ---- Act -------------------------------------------------------------------------------------
  let action: MonitorAction = 'none';
  let executionName: string | undefined;
  if (isRotationDue(days, domain.renewalAlertDays)) {
    try {
      const started = await startRotation(
        { ...deps, clock: () => now },
        {
          domain: name,
          selectorPrefix: domain.selectorPrefix,
          timeZone: deps.config.timeZone,
          requestedBy: 'monitor',
        },
      );
      action = 'started';
      executionName = started.executionName;
      deps.metrics.put(METRIC.RotationStarted, 1, 'Count', { [DIMENSION.Domain]: name });
      deps.logger.info('Rotation started', { domain: name, executionName, selector: started.selector });
    } catch (error) {
      if (error instanceof RotationInProgressError) {
        action = 'already-running';
      } else {
        deps.logger.error('Rotation could not be started', { domain: name, reason: stableReason(error) });
        extra.push(
          finding(
            HEALTH_CHECKS.RotationStartFailed,
            `The rotation of ${name} is due but could not be started: ${stableReason(error)}. Start it with the byodkim CLI.`,
          ),
        );
      }
    }
  }
  const allFindings = [...findings, ...extra];

  // ---- Metrics ---------------------------------------------------------------------------------
  const byDomain = { [DIMENSION.Domain]: name };
  if (days !== undefined) deps.metrics.put(METRIC.DaysUntilExpiry, days, 'None', byDomain);
  for (const observed of ses) {
    if (observed.kind !== 'read') continue;
    deps.metrics.put(METRIC.DkimVerificationStatus, dkimVerificationValue(observed.signing.status), 'None', {
      ...byDomain,
      [DIMENSION.Region]: observed.region,
    });
  }
  const consistency = dnsRecordConsistency(keys);
  if (consistency !== undefined) deps.metrics.put(METRIC.DnsRecordConsistency, consistency, 'None', byDomain);
  for (const found of allFindings) {
    deps.metrics.put(
      METRIC.HealthCheckFindings,
      1,
      'Count',
      { ...byDomain, [DIMENSION.Check]: found.check },
      false,
    );
    deps.metrics.put(METRIC.HealthCheckFindings, 1, 'Count', { [DIMENSION.Check]: found.check }, false);
  }

  // ---- Notify ----------------------------------------------------------------------------------
  const notificationsSent = await notify(deps, domain, {
    domain: name,
    findings: allFindings,
    daysUntilExpiry: days ?? null,
    action,
    executionName,
    ...(action === 'started'
      ? {
          plannedSwitch: plannedSwitchLine(
            domain.applyWindow === undefined
              ? undefined
              : { ...domain.applyWindow, timeZone: deps.config.timeZone },
            now,
          ),
        }
      : {}),
  });

  return {
    domain: name,
    selector: active?.selector ?? null,
    daysUntilExpiry: days ?? null,
    action,
    findings: allFindings,
    ...(expiresAt === undefined ? {} : { expiresAt: expiresAt.toISOString() }),
    ...(executionName === undefined ? {} : { executionName }),
    ses: ses.map((observed) =>
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

function stateSince(metadata: KeyMetadata): Date {
  const entries = metadata.history.filter((entry) => entry.state === metadata.state);
  const at = entries[entries.length - 1]?.at ?? metadata.createdAt;
  return new Date(at);
}

async function readCertificate(
  deps: KeyStoreDeps,
  domain: string,
  selector: string,
): Promise<{ expiresAt: Date; publicKey: KeyObject } | undefined> {
  const stored = await getObject(deps, keyPaths(domain, selector).certificate);
  if (stored === undefined) return undefined;
  const certificate = parseDkimCertificate(stored.body);
  return { expiresAt: certificate.expiresAt, publicKey: certificate.publicKey };
}

/** Reads the domain's keys and checks the records that matter today. */
async function observeKeys(
  deps: MonitorDeps,
  domain: DomainConfig,
  now: Date,
  thresholds: HealthThresholds,
): Promise<{ keys: KeyObservation[]; expiresAt?: Date }> {
  const name = domain.domain;
  const selectors = await listSelectors(deps, name);
  const metadata = (
    await Promise.all(selectors.map((selector) => readMetadata(deps, name, selector)))
  ).filter((entry): entry is KeyMetadata => entry !== undefined);
  const loaded: LoadedKey[] = await Promise.all(
    metadata
      .filter((entry) => entry.state === 'ACTIVE' || entry.state === 'PENDING' || entry.state === 'PREVIOUS')
      .map(async (entry) => {
        let dnsRequestedAt: Date | undefined;
        if (entry.state === 'PENDING') {
          const request = await getObject(deps, dnsRequestPath(name, entry.selector));
          const requestedAt =
            request === undefined
              ? undefined
              : (JSON.parse(request.body) as { requestedAt?: string }).requestedAt;
          dnsRequestedAt = requestedAt === undefined ? undefined : new Date(requestedAt);
        }
        return {
          metadata: entry,
          observation: {
            selector: entry.selector,
            state: entry.state,
            stateSince: stateSince(entry),
            dnsRequestedAt,
          },
        };
      }),
  );
  // The ACTIVE key: the most recently activated when metadata disagrees with itself.
  const activeSelector = loaded
    .filter((key) => key.metadata.state === 'ACTIVE')
    .sort((a, b) => b.observation.stateSince.getTime() - a.observation.stateSince.getTime())[0]
    ?.metadata.selector;
  let expiresAt: Date | undefined;
  const keys = await Promise.all(
    loaded.map(async ({ metadata: entry, observation }): Promise<KeyObservation> => {
      const isActive = entry.selector === activeSelector;
      const due =
        isActive ||
        isNewRecordDue(observation, now, thresholds) ||
        isOldRecordDue(observation, now, thresholds);
      if (!isActive && entry.state === 'ACTIVE') return { ...observation, state: 'PREVIOUS' as const };
      if (!due) return observation;
      const certificate = await readCertificate(deps, name, entry.selector);
      if (isActive) {
        expiresAt =
          certificate?.expiresAt ??
          (entry.certificateExpiresAt === undefined ? undefined : new Date(entry.certificateExpiresAt));
      }
      if (certificate === undefined) return { ...observation, ...(isActive ? { expiresAt } : {}) };
      const record = await checkRecord(
        deps,
        name,
        entry.selector,
        certificate.publicKey,
        entry.state === 'PREVIOUS' ? 'retired' : 'published',
      );
      return { ...observation, record, ...(isActive ? { expiresAt } : {}) };
    }),
  );
  return { keys, expiresAt };
}

/** Asks every authoritative name server; never throws. */
async function checkRecord(
  deps: MonitorDeps,
  domain: string,
  selector: string,
  publicKey: KeyObject,
  expect: 'published' | 'retired',
): Promise<RecordVerdict> {
  try {
    const verdict = await deps.verifyDkimRecord({ domain, selector, publicKey, expect }, deps.dnsOptions);
    if (verdict.verified) return expect === 'published' ? 'served' : 'not-served';
    if (verdict.error === 'DnsLookupFailed') return 'lookup-failed';
    return expect === 'published' ? 'not-served' : 'served';
  } catch (error) {
    deps.logger.warn('DNS check failed', { domain, selector, reason: stableReason(error) });
    return 'lookup-failed';
  }
}

/** Reads SES in one region through the pacer, retrying transient failures on later slots. */
async function observeSes(
  deps: MonitorDeps,
  pacer: Pacer,
  region: string,
  domain: string,
): Promise<SesObservation> {
  const attempts = Math.max(1, deps.pacing?.sesAttempts ?? DEFAULT_SES_ATTEMPTS);
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const signing = await pacer.run(region, () => readSesSigning(deps.ses, region, domain));
      return { region, kind: 'read', signing };
    } catch (error) {
      if (error instanceof DomainNotConfiguredError) return { region, kind: 'missing' };
      reason = stableReason(error);
      if (!isTransientAwsError(error)) break;
    }
  }
  deps.logger.warn('SES unreadable', { domain, region, reason });
  return { region, kind: 'unreadable', reason };
}

const DNS_TEAM_CHECKS = new Set<string>([
  HEALTH_CHECKS.DnsRecordMissing,
  HEALTH_CHECKS.OldRecordStillPublished,
]);

/** Publishes the domain's notification(s); returns how many were sent. Never throws. */
async function notify(
  deps: MonitorDeps,
  domain: DomainConfig,
  input: Parameters<typeof monitorNotification>[0],
): Promise<number> {
  if (!shouldNotify(input)) return 0;
  const messages: { to: NotifyDeps; input: Parameters<typeof monitorNotification>[0] }[] = [
    { to: deps.ops, input },
  ];
  const forDnsTeam = input.findings.filter((found) => DNS_TEAM_CHECKS.has(found.check));
  if (deps.dnsTeam !== undefined && forDnsTeam.length > 0) {
    messages.push({ to: deps.dnsTeam, input: { ...input, findings: forDnsTeam, action: 'none' } });
  }
  let sent = 0;
  for (const message of messages) {
    try {
      await publish(message.to, domain.domain, domain.language, monitorNotification(message.input));
      sent += 1;
    } catch (error) {
      deps.logger.error('Notification not sent', { domain: domain.domain, reason: stableReason(error) });
    }
  }
  if (sent > 0)
    deps.metrics.put(METRIC.NotificationsSent, sent, 'Count', { [DIMENSION.Domain]: domain.domain });
  return sent;
}
