/**
 * VerifyDnsRecord: the new key's TXT record must be served, exactly, by every authoritative name
 * server address of the zone, and a message signed with the new key must verify end to end.
 * Anything less throws DnsRecordNotFound / DnsRecordMismatch / DnsLookupFailed, which the workflow
 * retries with backoff and full jitter. ApplyToSes is reachable only through this state's success.
 *
 * With an apply window (plan.applyWindow), a verification outside it plans the switch for the next
 * opening: WaitForApplyWindow waits until then and comes back here, so the record is checked on
 * every name server again right before SES is changed (invariant 1 at the moment of applying).
 */
import { privateKeyFromPem } from '../../shared/dkim/keys';
import type { DnsCheckOptions, ServerCheck } from '../../shared/dns/types';
import type { DnsVerifier } from '../../shared/dns/verifier';
import {
  ApplyWindowMissedError,
  DnsLookupFailedError,
  DnsRecordMismatchError,
  DnsRecordNotFoundError,
} from '../../shared/errors';
import { applySchedule, describeApplyWindow, waitTimestamp } from '../../shared/rotation/apply-window';
import { getRequiredObject, type KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { AddressNotChecked, DnsVerified, RotationState } from '../../shared/rotation/state';
import { printable, sanitise } from '../../shared/sanitise';
import { MAX_APPLY_WINDOW_WAITS } from '../../shared/workflow-history';

export interface VerifyDnsRecordDeps extends BaseDeps, KeyStoreDeps {
  readonly dns: DnsVerifier;
  readonly dnsOptions?: DnsCheckOptions;
}

export async function verifyDnsRecord(state: RotationState, deps: VerifyDnsRecordDeps): Promise<DnsVerified> {
  const { domain, selector } = state.plan;
  if (state.key === undefined) throw new DnsRecordNotFoundError('VerifyDnsRecord runs after GenerateKey.');
  const { privateKey, publicKey } = privateKeyFromPem(
    (await getRequiredObject(deps, state.key.privateKeyKey, 'The private key')).body,
  );
  const verification = await deps.dns.verifyDkimRecord(
    { domain, selector, publicKey, expect: 'published' },
    deps.dnsOptions,
  );
  deps.logger.info('DNS verification', {
    domain,
    selector,
    verified: verification.verified,
    message: verification.message,
    servers: verification.servers.map(({ name, address, result }) => ({ name, address, result })),
  });
  deps.dns.assertDnsVerified(verification);
  if (!verification.verified) {
    // assertDnsVerified must throw for an unverified verdict; never go on if it did not.
    throw new DnsRecordNotFoundError(`${verification.message} (${domain}, ${selector})`);
  }

  const endToEnd = await deps.dns.checkDkimEndToEnd({ domain, selector, privateKey }, deps.dnsOptions);
  if (endToEnd.result !== 'pass') {
    const message = `A test message signed with ${selector} did not verify for ${domain} (${endToEnd.result}: ${endToEnd.detail}).`;
    if (endToEnd.result === 'temperror') throw new DnsLookupFailedError(message);
    if (endToEnd.result === 'none') throw new DnsRecordNotFoundError(message);
    throw new DnsRecordMismatchError(message);
  }
  const notChecked = addressesNotChecked(verification.servers);
  const verifiedAt = deps.clock();
  return {
    recordName: verification.recordName,
    verifiedAt: verifiedAt.toISOString(),
    serversChecked: verification.servers.length,
    endToEnd: 'pass',
    ...(notChecked.length > 0 ? { notChecked } : {}),
    ...planTheSwitch(state, verifiedAt, deps),
  };
}

/** When ApplyToSes may run: now, or after WaitForApplyWindow (the fields the workflow's Choice reads). */
function planTheSwitch(
  state: RotationState,
  verifiedAt: Date,
  deps: BaseDeps,
): Pick<DnsVerified, 'applyAt' | 'waitForApplyWindowUntil' | 'applyWindowWaits'> {
  const window = state.plan.applyWindow;
  const waits = state.dns?.applyWindowWaits ?? 0;
  const schedule = applySchedule(verifiedAt, window);
  const counted = waits > 0 ? { applyWindowWaits: waits } : {};
  if (schedule.kind === 'now' || window === undefined) {
    return { applyAt: waitTimestamp(schedule.applyAt), ...counted };
  }
  const { domain, selector } = state.plan;
  if (waits >= MAX_APPLY_WINDOW_WAITS) {
    throw new ApplyWindowMissedError(
      `The record of ${selector} for ${domain} was verified outside the apply window ${describeApplyWindow(window)} after ${waits} waits for it: SES was not changed. Check why the record was not served at the window's opening, then start a new rotation (byodkim start ${domain}).`,
    );
  }
  const until = waitTimestamp(schedule.applyAt);
  deps.logger.info('Waiting for the apply window', { domain, selector, window, until });
  return { applyAt: until, waitForApplyWindowUntil: until, applyWindowWaits: waits + 1 };
}

/** At most this many not-checked addresses travel in the state (a zone has a handful of NS hosts). */
const MAX_NOT_CHECKED = 16;

/**
 * The verdict's `not-checked` addresses as the state carries them: host, address and reason,
 * names escaped, the reason sanitised, all short (Step Functions payloads are capped at 256 KB).
 */
export function addressesNotChecked(servers: readonly ServerCheck[]): AddressNotChecked[] {
  return servers
    .filter((check) => check.result === 'not-checked')
    .slice(0, MAX_NOT_CHECKED)
    .map((check) => ({
      nameServer: printable(check.name, 255),
      address: printable(check.address, 64),
      reason: sanitise(check.detail, 200),
    }));
}
