/**
 * The monitor's first step: what one domain looks like today. Reads the key store (metadata,
 * certificates, DNS requests), asks the authoritative name servers about the records that matter
 * today, and reads SES's DKIM attributes in each region through the pacer. It decides nothing:
 * trouble becomes part of the observation (`keyStoreError`, a `lookup-failed` verdict, an
 * `unreadable` region), and the evaluator (shared/monitoring/evaluate) judges it.
 *
 * Which records are asked about is the one choice made here, because DNS questions cost time:
 * the ACTIVE key's always, a PENDING key's once its DNS request is old enough, a PREVIOUS key's
 * once the switch is (the same rules the evaluator applies, imported from it).
 */
import type { KeyObject } from 'node:crypto';
import type { DomainConfig, RotationConfig } from '../../shared/config';
import { daysUntilExpiry, isExpired, parseDkimCertificate } from '../../shared/dkim/certificate';
import type { DnsCheckOptions, DnsVerification, VerifyDkimRecordInput } from '../../shared/dns/types';
import { DomainNotConfiguredError, InvalidInputError, stableReason } from '../../shared/errors';
import {
  type DomainObservation,
  type HealthThresholds,
  isNewRecordDue,
  isOldRecordDue,
  type KeyObservation,
  type RecordVerdict,
  type SesObservation,
} from '../../shared/monitoring/evaluate';
import type { Pacer } from '../../shared/monitoring/pacer';
import { isTransientAwsError } from '../../shared/rotation/aws-errors';
import { parseDnsRequest } from '../../shared/rotation/dns-request';
import { type KeyMetadata, readMetadata } from '../../shared/rotation/key-metadata';
import {
  dnsRequestPath,
  getObject,
  type KeyStoreDeps,
  keyPaths,
  listSelectors,
} from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { readSesSigning, type SesClientFor } from '../../shared/rotation/ses-signing';

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

/** What observing a domain reads: the key store, SES and DNS (nothing it writes). */
export interface ObserveDeps extends BaseDeps, KeyStoreDeps {
  /** The calendar (days until expiry) and the thresholds (which records are due). */
  readonly config: Pick<RotationConfig, 'timeZone' | 'healthChecks'>;
  readonly ses: SesClientFor;
  readonly verifyDkimRecord: VerifyDkimRecord;
  readonly dnsOptions?: DnsCheckOptions;
  readonly pacing?: MonitorPacing;
}

/** One domain as the monitor saw it: the evaluator's input and the expiry the report shows. */
export interface Observation extends DomainObservation {
  /** The ACTIVE certificate's expiry instant. */
  readonly expiresAt?: Date;
}

const DEFAULT_SES_ATTEMPTS = 3;

/** The monitor's thresholds for one domain. */
export function thresholdsFor(
  config: Pick<RotationConfig, 'healthChecks'>,
  domain: DomainConfig,
): HealthThresholds {
  return { renewalAlertDays: domain.renewalAlertDays, ...config.healthChecks };
}

/**
 * Observes one domain as of `now`: the key store and DNS first, then SES (regions in parallel,
 * each paced). Never throws: an unreadable key store is recorded as `keyStoreError`.
 */
export async function observeDomain(
  deps: ObserveDeps,
  domain: DomainConfig,
  now: Date,
  pacer: Pacer,
): Promise<Observation> {
  const name = domain.domain;
  const thresholds = thresholdsFor(deps.config, domain);
  const store = await observeKeyStore(deps, domain, now, thresholds);
  const expiresAt = store.kind === 'read' ? store.expiresAt : undefined;
  const ses = await Promise.all(domain.regions.map((region) => observeSes(deps, pacer, region, name)));
  return {
    domain: name,
    now,
    thresholds,
    daysUntilExpiry:
      expiresAt === undefined ? undefined : daysUntilExpiry({ expiresAt }, now, deps.config.timeZone),
    expired: expiresAt === undefined ? undefined : isExpired({ expiresAt }, now),
    keys: store.kind === 'read' ? store.keys : [],
    ses,
    ...(store.kind === 'unreadable' ? { keyStoreError: store.reason } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

type KeyStoreObservation =
  | { readonly kind: 'read'; readonly keys: KeyObservation[]; readonly expiresAt?: Date }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** {@link observeKeys}, with a failure to read the store as a value. */
async function observeKeyStore(
  deps: ObserveDeps,
  domain: DomainConfig,
  now: Date,
  thresholds: HealthThresholds,
): Promise<KeyStoreObservation> {
  try {
    return { kind: 'read', ...(await observeKeys(deps, domain, now, thresholds)) };
  } catch (error) {
    const reason = stableReason(error);
    deps.logger.warn('Key store unreadable', { domain: domain.domain, reason });
    return { kind: 'unreadable', reason };
  }
}

interface LoadedKey {
  readonly observation: KeyObservation;
  readonly metadata: KeyMetadata;
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

/** Reads the metadata of the domain's live keys (ACTIVE, PENDING, PREVIOUS) and their DNS requests. */
async function loadKeys(deps: ObserveDeps, name: string): Promise<LoadedKey[]> {
  const selectors = await listSelectors(deps, name);
  const metadata = (
    await Promise.all(selectors.map((selector) => readReadableMetadata(deps, name, selector)))
  ).filter((entry): entry is KeyMetadata => entry !== undefined);
  return Promise.all(
    metadata
      .filter((entry) => entry.state === 'ACTIVE' || entry.state === 'PENDING' || entry.state === 'PREVIOUS')
      .map(async (entry): Promise<LoadedKey> => {
        const dnsRequestedAt =
          entry.state === 'PENDING' ? await readDnsRequestedAt(deps, name, entry) : undefined;
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
}

/**
 * One key's metadata, or undefined when it is absent or not key metadata (edited by hand): that
 * key is left out with a warning naming the object, so one damaged object of an old key does not
 * stop the monitor from seeing the live keys and starting a rotation that is due (a damaged live
 * key leaves the domain without an ACTIVE key, which is reported). S3 refusing or failing is
 * still the whole key store unreadable.
 */
async function readReadableMetadata(
  deps: ObserveDeps,
  name: string,
  selector: string,
): Promise<KeyMetadata | undefined> {
  try {
    return await readMetadata(deps, name, selector);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    deps.logger.warn('Key metadata skipped: not key metadata', {
      domain: name,
      selector,
      reason: stableReason(error),
    });
    return undefined;
  }
}

/**
 * `requestedAt` of the key's DNS request, when the request exists and is one (the schema of
 * shared/rotation/dns-request.ts; a damaged request counts as not requested, with a warning).
 */
async function readDnsRequestedAt(
  deps: ObserveDeps,
  name: string,
  entry: KeyMetadata,
): Promise<Date | undefined> {
  const key = dnsRequestPath(name, entry.selector);
  const stored = await getObject(deps, key);
  if (stored === undefined) return undefined;
  try {
    return new Date(parseDnsRequest(stored.body, `s3://${deps.bucket}/${key}`).requestedAt);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    deps.logger.warn('DNS request skipped: not a DNS request', {
      domain: name,
      selector: entry.selector,
      reason: stableReason(error),
    });
    return undefined;
  }
}

/** Reads the domain's keys and checks the records that matter today. */
async function observeKeys(
  deps: ObserveDeps,
  domain: DomainConfig,
  now: Date,
  thresholds: HealthThresholds,
): Promise<{ keys: KeyObservation[]; expiresAt?: Date }> {
  const name = domain.domain;
  const loaded = await loadKeys(deps, name);
  // The ACTIVE key: the most recently activated when metadata disagrees with itself.
  const activeSelector = loaded
    .filter((key) => key.metadata.state === 'ACTIVE')
    .sort((a, b) => b.observation.stateSince.getTime() - a.observation.stateSince.getTime())[0]
    ?.metadata.selector;
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
      // The certificate is the truth; the metadata's copy of its expiry stands in when it is gone.
      const expiresAt = isActive
        ? (certificate?.expiresAt ??
          (entry.certificateExpiresAt === undefined ? undefined : new Date(entry.certificateExpiresAt)))
        : undefined;
      const expiry = isActive ? { expiresAt } : {};
      if (certificate === undefined) return { ...observation, ...expiry };
      const record = await checkRecord(
        deps,
        name,
        entry.selector,
        certificate.publicKey,
        entry.state === 'PREVIOUS' ? 'retired' : 'published',
      );
      return { ...observation, record, ...expiry };
    }),
  );
  const expiresAt = keys.find((key) => key.selector === activeSelector)?.expiresAt;
  return { keys, ...(expiresAt === undefined ? {} : { expiresAt }) };
}

/** Asks every authoritative name server; never throws. */
async function checkRecord(
  deps: ObserveDeps,
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
  deps: ObserveDeps,
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
