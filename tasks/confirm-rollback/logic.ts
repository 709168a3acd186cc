/**
 * ConfirmRollback: one poll of SES after RollbackSigning, until the restored configuration (the
 * previous external key, or Easy DKIM) is SUCCESS in every region. The state machine loops
 * (ConfirmRollback → RollbackConfirmed → WaitForRollbackStatus → ConfirmRollback) while the
 * result says `pending`.
 *
 * SES keeps a restored configuration PENDING until it finds its records, for up to 72 hours
 * (SES Developer Guide, "Easy DKIM" / "Provide your own DKIM authentication token"). To know early
 * that it never will, every poll that finds a region PENDING asks the authoritative name servers
 * for the records that configuration needs (records.ts): one not served, exactly, by every
 * server ends the loop at once with `confirmed: false`, naming the records to publish; NotifyFailure
 * pages the operators (CRITICAL) and the run ends in RollbackFailed. So do FAILED or
 * TEMPORARY_FAILURE, a region that signs with something else (someone changed it), and PENDING
 * past `sesConfirmation.maxWaitHours` although the records are served. Name servers that cannot
 * be asked leave the region pending (bounded by the same limit).
 */
import type { KeyObject } from 'node:crypto';
import { parseDkimCertificate } from '../../shared/dkim/certificate';
import type { verifyCnameRecord, verifyDkimRecord } from '../../shared/dns';
import type { DnsCheckOptions, DnsVerification } from '../../shared/dns/types';
import { ERROR_NAMES } from '../../shared/errors';
import { getRequiredObject, type KeyStoreDeps, keyPaths } from '../../shared/rotation/key-store';
import {
  DEFAULT_SES_CONFIRMATION,
  nextPollSeconds,
  pollingExhausted,
} from '../../shared/rotation/poll-schedule';
import type { BaseDeps } from '../../shared/rotation/runtime';
import {
  isEasyDkim,
  readSesSigning,
  type SesClientFor,
  type SesSigning,
} from '../../shared/rotation/ses-signing';
import type {
  PreviousSigning,
  RecordToPublish,
  RegionRollbackConfirmation,
  RollbackConfirmation,
  RotationState,
} from '../../shared/rotation/state';
import { COMPOSED_MAX_CHARS, printable, sanitise } from '../../shared/sanitise';
import { restoredRecords } from './records';

/** The authoritative DNS checks (shared/dns), injected so tests and the local runner can swap them. */
export interface RollbackDnsChecker {
  readonly verifyDkimRecord: typeof verifyDkimRecord;
  readonly verifyCnameRecord: typeof verifyCnameRecord;
}

export interface ConfirmRollbackDeps extends BaseDeps, KeyStoreDeps {
  readonly ses: SesClientFor;
  readonly dns: RollbackDnsChecker;
  readonly dnsOptions?: DnsCheckOptions;
  /** Uniform in [0, 1): the jitter of the next pause. */
  readonly random: () => number;
}

/** A region's SES state judged against what RollbackSigning restored (pure). */
export function restoredAsRecorded(previous: PreviousSigning, signing: SesSigning): boolean {
  if (!signing.signingEnabled) return false;
  return previous.origin === 'EXTERNAL'
    ? signing.origin === 'EXTERNAL' && signing.selector === previous.selector
    : isEasyDkim(signing.origin);
}

const describeSigning = (signing: SesSigning) =>
  printable(signing.origin === 'EXTERNAL' ? `EXTERNAL ${signing.selector ?? '?'}` : signing.origin, 80) +
  (signing.signingEnabled ? '' : ' (signing disabled)');

async function publicKeysOf(
  state: RotationState,
  deps: ConfirmRollbackDeps,
): Promise<Map<string, KeyObject>> {
  const keys = new Map<string, KeyObject>();
  for (const previous of state.previous) {
    if (previous.origin !== 'EXTERNAL' || keys.has(previous.selector)) continue;
    // The certificate holds the public key: this function never reads private key material.
    const pem = (
      await getRequiredObject(
        deps,
        keyPaths(state.plan.domain, previous.selector).certificate,
        'The previous key certificate',
      )
    ).body;
    keys.set(previous.selector, parseDkimCertificate(pem).publicKey);
  }
  return keys;
}

async function checkRecord(
  record: RecordToPublish,
  domain: string,
  publicKeys: ReadonlyMap<string, KeyObject>,
  deps: ConfirmRollbackDeps,
): Promise<DnsVerification> {
  if (record.type === 'CNAME') {
    return deps.dns.verifyCnameRecord({ name: record.name, target: record.value }, deps.dnsOptions);
  }
  const selector = record.name.split('.')[0] ?? '';
  const publicKey = publicKeys.get(selector);
  if (publicKey === undefined) throw new Error(`no public key for ${selector}`);
  return deps.dns.verifyDkimRecord({ domain, selector, publicKey, expect: 'published' }, deps.dnsOptions);
}

const secondsBetween = (from: Date, to: Date) =>
  Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

export async function confirmRollback(
  state: RotationState,
  deps: ConfirmRollbackDeps,
): Promise<RollbackConfirmation> {
  const { domain, selector } = state.plan;
  const now = deps.clock();
  const earlier = state.rollbackConfirmation;
  const polls = (earlier?.polls ?? 0) + 1;
  const firstPollAt = earlier?.firstPollAt ?? now.toISOString();
  const rolledBackAt = new Date(state.rollback?.rolledBackAt ?? firstPollAt);

  const signings: SesSigning[] = [];
  for (const previous of state.previous) {
    signings.push(await readSesSigning(deps.ses, previous.region, domain));
  }
  const publicKeys = await publicKeysOf(state, deps);
  const { records, unnamed } = restoredRecords(domain, state.previous, signings, publicKeys);

  const regions: RegionRollbackConfirmation[] = state.previous.map((previous, index) => {
    const signing = signings[index] as SesSigning;
    const before = earlier?.regions.find((entry) => entry.region === previous.region);
    const base = { region: previous.region, restored: previous.origin, status: signing.status };
    if (before?.confirmedAt !== undefined) return { ...before, status: signing.status };
    if (signing.status === 'SUCCESS' && restoredAsRecorded(previous, signing)) {
      return {
        ...base,
        confirmedAt: now.toISOString(),
        secondsAfterRollback: secondsBetween(rolledBackAt, now),
      };
    }
    return base;
  });

  const problems: string[] = [];
  state.previous.forEach((previous, index) => {
    const signing = signings[index] as SesSigning;
    if (!restoredAsRecorded(previous, signing)) {
      problems.push(
        `SES in ${previous.region} signs with ${describeSigning(signing)}, not the restored ${previous.origin === 'EXTERNAL' ? `key ${previous.selector}` : 'Easy DKIM'}: someone changed it`,
      );
    } else if (signing.status === 'FAILED' || signing.status === 'TEMPORARY_FAILURE') {
      problems.push(`SES reports ${signing.status} for the restored configuration in ${previous.region}`);
    }
  });

  // The records of every region SES has not confirmed: served by every name server, or not?
  const unconfirmed = new Set(
    regions.filter((region) => region.confirmedAt === undefined).map((region) => region.region),
  );
  const waitingFor: string[] = [];
  for (const record of records) {
    if (!record.regions.some((region) => unconfirmed.has(region))) continue;
    const verdict = await checkRecord(record, domain, publicKeys, deps);
    if (verdict.verified) continue;
    if (verdict.error === ERROR_NAMES.DnsLookupFailed) {
      waitingFor.push(`the name servers of ${record.name} could not all be asked: ${verdict.message}`);
    } else {
      problems.push(`${record.type} ${record.name} is not served as SES needs it: ${verdict.message}`);
    }
  }
  if (unconfirmed.size > 0) waitingFor.push(...unnamed);

  const result = { polls, firstPollAt, records, regions };
  if (unconfirmed.size === 0) {
    deps.logger.warn('SES signs with the restored configuration again', {
      domain,
      selector,
      regions: regions.map(({ region, secondsAfterRollback }) => ({ region, secondsAfterRollback })),
    });
    return { pending: false, confirmed: true, ...result };
  }
  const unverifiable = (reason: string): RollbackConfirmation => {
    deps.logger.error('The restored signing configuration cannot be confirmed', { domain, selector, reason });
    // Composed of SES states and DNS verdicts (which never quote record content), sanitised
    // as a whole: it reaches the operators' CRITICAL page.
    return { pending: false, confirmed: false, reason: sanitise(reason, COMPOSED_MAX_CHARS), ...result };
  };
  if (problems.length > 0) return unverifiable(problems.join('; '));

  const settings = state.plan.sesConfirmation ?? DEFAULT_SES_CONFIRMATION;
  const exhausted = pollingExhausted(settings, polls, rolledBackAt, now);
  const still = [...unconfirmed].join(', ');
  if (exhausted !== undefined) {
    return unverifiable(
      `SES is ${exhausted} verifying the restored configuration in ${still}${waitingFor.length > 0 ? ` (${waitingFor.join('; ')})` : ', although every record it needs is served'}`,
    );
  }
  const wait = nextPollSeconds(settings, polls, deps.random);
  const reason = sanitise(
    `SES is verifying the restored configuration in ${still}${waitingFor.length > 0 ? `: ${waitingFor.join('; ')}` : ''}`,
    COMPOSED_MAX_CHARS,
  );
  deps.logger.info('Waiting for SES to confirm the rollback', {
    domain,
    selector,
    polls,
    nextPollSeconds: wait,
  });
  return { pending: true, nextPollSeconds: wait, reason, ...result };
}
