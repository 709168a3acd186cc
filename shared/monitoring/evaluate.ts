/**
 * The monitor's "is it healthy yet" evaluator: pure functions over what the monitor observed
 * (key metadata, certificates, DNS verdicts, SES signing per region) and the configured
 * thresholds. No I/O, no clock: the caller passes `now`. cert-manager keeps its readiness checks
 * apart from its controllers the same way, so every rule here is tested without AWS or DNS.
 */

import type { Severity } from '../notifications/model';
import type { KeyState } from '../rotation/key-metadata';
import type { SesSigning } from '../rotation/ses-signing';

/** Every health check the monitor runs, by the name its finding, metric and alarm carry. */
export const HEALTH_CHECKS = {
  /** The ACTIVE certificate passed its expiry instant (CRITICAL). */
  CertificateExpired: 'certificate-expired',
  /** The ACTIVE certificate is within renewalAlertDays (INFO: the rotation is the answer). */
  CertificateExpiring: 'certificate-expiring',
  /** No key of the domain is recorded ACTIVE: expiry cannot be watched (WARNING). */
  NoActiveKey: 'no-active-key',
  /** SES in a configured region has no identity for the domain (CRITICAL). */
  SesIdentityMissing: 'ses-identity-missing',
  /** SES could not be read after the retries allowed (WARNING; the next run tries again). */
  SesUnreadable: 'ses-unreadable',
  /** SES reports FAILED or TEMPORARY_FAILURE (CRITICAL). */
  SesDkimFailed: 'ses-dkim-failed',
  /** SES has been PENDING longer than healthChecks.sesPendingAlertHours (WARNING). */
  SesPendingTooLong: 'ses-pending-too-long',
  /** The new record is still not served recordMissingAlertHours after the DNS request (CRITICAL). */
  DnsRecordMissing: 'dns-record-missing',
  /** The ACTIVE selector's record is not served exactly on every authoritative server (CRITICAL). */
  ActiveRecordNotServed: 'active-record-not-served',
  /** The name servers could not be asked (WARNING; nothing is concluded). */
  DnsLookupFailed: 'dns-lookup-failed',
  /** The PREVIOUS record is still served oldRecordAlertDays after the switch (WARNING). */
  OldRecordStillPublished: 'old-record-still-published',
  /** SES signs with a selector that is neither ACTIVE nor the rotation's PENDING key (CRITICAL). */
  SigningDrift: 'signing-drift',
  /** DKIM signing is disabled in SES (CRITICAL: mail goes out unsigned). */
  SigningDisabled: 'signing-disabled',
  /** SES signs with Easy DKIM instead of our key (CRITICAL). */
  OriginNotExternal: 'origin-not-external',
  /** The key store could not be read for the domain (WARNING; the next run tries again). */
  KeyStoreUnreadable: 'key-store-unreadable',
  /** A rotation was due but could not be started (CRITICAL: nothing else will start it). */
  RotationStartFailed: 'rotation-start-failed',
} as const;

/** One health check's name. */
export type HealthCheck = (typeof HEALTH_CHECKS)[keyof typeof HEALTH_CHECKS];

/** The severity of each check (one table, so docs, alarms and tests agree). */
export const CHECK_SEVERITY: Readonly<Record<HealthCheck, Severity>> = {
  'certificate-expired': 'CRITICAL',
  'certificate-expiring': 'INFO',
  'no-active-key': 'WARNING',
  'ses-identity-missing': 'CRITICAL',
  'ses-unreadable': 'WARNING',
  'ses-dkim-failed': 'CRITICAL',
  'ses-pending-too-long': 'WARNING',
  'dns-record-missing': 'CRITICAL',
  'active-record-not-served': 'CRITICAL',
  'dns-lookup-failed': 'WARNING',
  'old-record-still-published': 'WARNING',
  'signing-drift': 'CRITICAL',
  'signing-disabled': 'CRITICAL',
  'origin-not-external': 'CRITICAL',
  'key-store-unreadable': 'WARNING',
  'rotation-start-failed': 'CRITICAL',
};

/** One problem found for a domain. `check` and `severity` are the contract; the rest is context. */
export interface Finding {
  readonly check: HealthCheck;
  readonly severity: Severity;
  readonly region?: string;
  readonly selector?: string;
  /** One English line for logs and the CLI (notifications carry both languages). */
  readonly detail: string;
}

/**
 * What the authoritative name servers said about one selector's record, from the monitor's
 * point of view: `served` (exactly this key on every server), `not-served` (missing, or another
 * key, somewhere), `lookup-failed` (servers could not be asked: no conclusion).
 */
export type RecordVerdict = 'served' | 'not-served' | 'lookup-failed';

/** A key as read from the key store, with the DNS verdict when the monitor checked its record. */
export interface KeyObservation {
  readonly selector: string;
  readonly state: KeyState;
  /** When the key entered its current state (last history entry), or its creation. */
  readonly stateSince: Date;
  /** The certificate's expiry (ACTIVE key). */
  readonly expiresAt?: Date;
  /** `requestedAt` of dns-requests/<domain>/<selector>.json, when it exists. */
  readonly dnsRequestedAt?: Date;
  /** The record's verdict; undefined when the monitor did not check it (not due). */
  readonly record?: RecordVerdict;
}

/** SES in one region: its signing configuration, or why there is none. */
export type SesObservation =
  | { readonly region: string; readonly kind: 'read'; readonly signing: SesSigning }
  | { readonly region: string; readonly kind: 'missing' }
  | { readonly region: string; readonly kind: 'unreadable'; readonly reason: string };

/** The thresholds of the checks (shared/config: healthChecks and the domain's renewalAlertDays). */
export interface HealthThresholds {
  readonly renewalAlertDays: number;
  readonly recordMissingAlertHours: number;
  readonly sesPendingAlertHours: number;
  readonly oldRecordAlertDays: number;
}

/** Everything the evaluator looks at for one domain. */
export interface DomainObservation {
  readonly domain: string;
  readonly now: Date;
  readonly thresholds: HealthThresholds;
  /** Calendar days until the ACTIVE certificate's expiry in the configured time zone. */
  readonly daysUntilExpiry?: number;
  /** True once `now` reached the ACTIVE certificate's expiry instant. */
  readonly expired?: boolean;
  readonly keys: readonly KeyObservation[];
  readonly ses: readonly SesObservation[];
  /**
   * Why the key store could not be read (a stable reason), when it could not: `keys` is then
   * empty for want of data, not because the domain has none.
   */
  readonly keyStoreError?: string;
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Hours from `since` to `now` (fractional). */
export function hoursSince(since: Date, now: Date): number {
  return (now.getTime() - since.getTime()) / MS_PER_HOUR;
}

/** The ACTIVE key (the most recently activated one when metadata disagrees with itself). */
export function activeKey(keys: readonly KeyObservation[]): KeyObservation | undefined {
  return keys
    .filter((key) => key.state === 'ACTIVE')
    .sort((a, b) => b.stateSince.getTime() - a.stateSince.getTime())[0];
}

/** True when a rotation must start: the ACTIVE certificate is within renewalAlertDays (or past). */
export function isRotationDue(daysUntilExpiry: number | undefined, renewalAlertDays: number): boolean {
  return daysUntilExpiry !== undefined && daysUntilExpiry <= renewalAlertDays;
}

/** True when a PENDING key's record must be served by now (its DNS request is old enough). */
export function isNewRecordDue(key: KeyObservation, now: Date, thresholds: HealthThresholds): boolean {
  return (
    key.state === 'PENDING' &&
    key.dnsRequestedAt !== undefined &&
    hoursSince(key.dnsRequestedAt, now) >= thresholds.recordMissingAlertHours
  );
}

/** True when a PREVIOUS key's record should be gone by now (the switch is old enough). */
export function isOldRecordDue(key: KeyObservation, now: Date, thresholds: HealthThresholds): boolean {
  return (
    key.state === 'PREVIOUS' &&
    now.getTime() - key.stateSince.getTime() >= thresholds.oldRecordAlertDays * MS_PER_DAY
  );
}

/**
 * When SES started looking for `selector`'s record, as far as the key store tells: SES gives no
 * timestamp, and ApplyToSes records none, so for a PENDING key the DNS request time is used (the
 * earliest the key could have been applied: a WARNING may come early when the DNS team took long),
 * for an ACTIVE key the time it became ACTIVE.
 */
export function sesPendingSince(
  keys: readonly KeyObservation[],
  selector: string | undefined,
): Date | undefined {
  const key = keys.find((candidate) => candidate.selector === selector);
  if (key === undefined) return undefined;
  return key.state === 'PENDING' ? (key.dnsRequestedAt ?? key.stateSince) : key.stateSince;
}

/** 1 success / 0 failed / -1 pending (or not started): the DkimVerificationStatus metric. */
export function dkimVerificationValue(status: string): 1 | 0 | -1 {
  if (status === 'SUCCESS') return 1;
  if (status === 'FAILED' || status === 'TEMPORARY_FAILURE') return 0;
  return -1;
}

/**
 * 1 when every record the monitor checked agrees with the key store (ACTIVE and due PENDING keys
 * served, due PREVIOUS keys gone), 0 when one does not, undefined when nothing was concluded.
 */
export function dnsRecordConsistency(keys: readonly KeyObservation[]): 1 | 0 | undefined {
  const checked = keys.filter((key) => key.record !== undefined && key.record !== 'lookup-failed');
  if (checked.length === 0) return undefined;
  const consistent = checked.every((key) =>
    key.state === 'PREVIOUS' ? key.record === 'not-served' : key.record === 'served',
  );
  return consistent ? 1 : 0;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { CRITICAL: 3, WARNING: 2, INFO: 1 };

/** The highest severity among findings, or undefined when there are none. */
export function highestSeverity(findings: readonly Pick<Finding, 'severity'>[]): Severity | undefined {
  let highest: Severity | undefined;
  for (const { severity } of findings) {
    if (highest === undefined || SEVERITY_RANK[severity] > SEVERITY_RANK[highest]) highest = severity;
  }
  return highest;
}

/** A finding of `check` with its table severity. */
export function finding(
  check: HealthCheck,
  detail: string,
  where: { region?: string; selector?: string } = {},
): Finding {
  return { check, severity: CHECK_SEVERITY[check], ...where, detail };
}

/**
 * Every finding for one domain (pure). Order: certificate, DNS, SES region by region, then the
 * key store's own failure.
 */
export function evaluateDomainHealth(observation: DomainObservation): Finding[] {
  const { domain, now, thresholds, keys } = observation;
  const findings: Finding[] = [];
  const active = activeKey(keys);
  const pendingSelectors = new Set(keys.filter((key) => key.state === 'PENDING').map((key) => key.selector));

  // ---- Certificate ------------------------------------------------------------------------
  if (active === undefined) {
    // An unreadable key store says nothing about the keys: key-store-unreadable (below) instead.
    if (observation.keyStoreError === undefined) {
      findings.push(
        finding(
          HEALTH_CHECKS.NoActiveKey,
          `No key of ${domain} is recorded ACTIVE in the key store: expiry cannot be watched. Import the key in use (byodkim) or start a rotation.`,
        ),
      );
    }
  } else if (observation.expired === true) {
    findings.push(
      finding(
        HEALTH_CHECKS.CertificateExpired,
        `The certificate of ${active.selector} expired${active.expiresAt ? ` at ${active.expiresAt.toISOString()}` : ''}: finish the rotation now.`,
        { selector: active.selector },
      ),
    );
  } else if (isRotationDue(observation.daysUntilExpiry, thresholds.renewalAlertDays)) {
    findings.push(
      finding(
        HEALTH_CHECKS.CertificateExpiring,
        `The certificate of ${active.selector} expires in ${observation.daysUntilExpiry} day(s) (alert at ${thresholds.renewalAlertDays}).`,
        { selector: active.selector },
      ),
    );
  }

  // ---- DNS --------------------------------------------------------------------------------
  for (const key of keys) {
    if (key.record === 'lookup-failed') {
      findings.push(
        finding(
          HEALTH_CHECKS.DnsLookupFailed,
          `The authoritative name servers of ${domain} could not be asked about ${key.selector}: check the zone's delegation.`,
          { selector: key.selector },
        ),
      );
      continue;
    }
    if (key === active && key.record === 'not-served') {
      findings.push(
        finding(
          HEALTH_CHECKS.ActiveRecordNotServed,
          `The record of the ACTIVE selector ${key.selector} is not served exactly by every authoritative name server: mail may fail DKIM. Restore it.`,
          { selector: key.selector },
        ),
      );
    }
    if (isNewRecordDue(key, now, thresholds) && key.record === 'not-served') {
      findings.push(
        finding(
          HEALTH_CHECKS.DnsRecordMissing,
          `The record of ${key.selector} is still not served ${Math.floor(hoursSince(key.dnsRequestedAt ?? now, now))} h after the DNS request (limit ${thresholds.recordMissingAlertHours} h).`,
          { selector: key.selector },
        ),
      );
    }
    if (isOldRecordDue(key, now, thresholds) && key.record === 'served') {
      findings.push(
        finding(
          HEALTH_CHECKS.OldRecordStillPublished,
          `The old record of ${key.selector} is still published ${Math.floor((now.getTime() - key.stateSince.getTime()) / MS_PER_DAY)} day(s) after the switch (limit ${thresholds.oldRecordAlertDays}): ask the DNS team to remove or revoke it.`,
          { selector: key.selector },
        ),
      );
    }
  }

  // ---- SES, region by region ----------------------------------------------------------------
  for (const ses of observation.ses) {
    const region = ses.region;
    if (ses.kind === 'missing') {
      findings.push(
        finding(
          HEALTH_CHECKS.SesIdentityMissing,
          `SES in ${region} has no identity ${domain}: create and verify it, or remove ${region} from the domain's regions.`,
          { region },
        ),
      );
      continue;
    }
    if (ses.kind === 'unreadable') {
      findings.push(
        finding(HEALTH_CHECKS.SesUnreadable, `SES in ${region} could not be read: ${ses.reason}`, { region }),
      );
      continue;
    }
    const signing = ses.signing;
    if (signing.origin !== 'EXTERNAL') {
      findings.push(
        finding(
          HEALTH_CHECKS.OriginNotExternal,
          `SES in ${region} signs ${domain} with ${signing.origin}, not our key (EXTERNAL).`,
          { region },
        ),
      );
    } else if (
      active !== undefined &&
      signing.selector !== active.selector &&
      !pendingSelectors.has(signing.selector ?? '')
    ) {
      findings.push(
        finding(
          HEALTH_CHECKS.SigningDrift,
          `SES in ${region} signs ${domain} with selector ${signing.selector}, but ${active.selector} is recorded ACTIVE: someone changed SES outside the workflow.`,
          { region, selector: signing.selector },
        ),
      );
    }
    if (!signing.signingEnabled) {
      findings.push(
        finding(
          HEALTH_CHECKS.SigningDisabled,
          `DKIM signing of ${domain} is disabled in SES ${region}: mail goes out unsigned.`,
          { region },
        ),
      );
    }
    if (signing.status === 'FAILED' || signing.status === 'TEMPORARY_FAILURE') {
      findings.push(
        finding(
          HEALTH_CHECKS.SesDkimFailed,
          `SES in ${region} reports DKIM ${signing.status} for ${domain} (selector ${signing.selector ?? signing.origin}).`,
          { region, selector: signing.selector },
        ),
      );
    } else if (signing.status === 'PENDING') {
      const since = sesPendingSince(keys, signing.selector);
      if (since !== undefined && hoursSince(since, now) >= thresholds.sesPendingAlertHours) {
        findings.push(
          finding(
            HEALTH_CHECKS.SesPendingTooLong,
            `SES in ${region} has been PENDING for ${signing.selector} for at least ${Math.floor(hoursSince(since, now))} h (limit ${thresholds.sesPendingAlertHours} h).`,
            { region, selector: signing.selector },
          ),
        );
      }
    }
  }

  // ---- Key store ------------------------------------------------------------------------------
  if (observation.keyStoreError !== undefined) {
    findings.push(
      finding(
        HEALTH_CHECKS.KeyStoreUnreadable,
        `The key store could not be read for ${domain}: ${observation.keyStoreError}`,
      ),
    );
  }
  return findings;
}
