/**
 * VerifyDnsRecord: the new key's TXT record must be served, exactly, by every authoritative name
 * server address of the zone, and a message signed with the new key must verify end to end.
 * Anything less throws DnsRecordNotFound / DnsRecordMismatch / DnsLookupFailed, which the workflow
 * retries with backoff and full jitter. ApplyToSes is reachable only through this state's success.
 */
import { privateKeyFromPem } from '../../shared/dkim/keys';
import type { assertDnsVerified, checkDkimEndToEnd, verifyDkimRecord } from '../../shared/dns';
import { printable } from '../../shared/dns/printable';
import type { DnsCheckOptions, ServerCheck } from '../../shared/dns/types';
import { DnsLookupFailedError, DnsRecordMismatchError, DnsRecordNotFoundError } from '../../shared/errors';
import { getRequiredObject, type KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { AddressNotChecked, DnsVerified, RotationState } from '../../shared/rotation/state';

/** The DNS verifier's functions (shared/dns), injected so tests and the local runner can swap them. */
export interface DnsVerifier {
  readonly verifyDkimRecord: typeof verifyDkimRecord;
  readonly assertDnsVerified: typeof assertDnsVerified;
  readonly checkDkimEndToEnd: typeof checkDkimEndToEnd;
}

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
  return {
    recordName: verification.recordName,
    verifiedAt: deps.clock().toISOString(),
    serversChecked: verification.servers.length,
    endToEnd: 'pass',
    ...(notChecked.length > 0 ? { notChecked } : {}),
  };
}

/** At most this many not-checked addresses travel in the state (a zone has a handful of NS hosts). */
const MAX_NOT_CHECKED = 16;

/**
 * The verdict's `not-checked` addresses as the state carries them: host, address and reason,
 * printable and short (Step Functions payloads are capped at 256 KB; no record text).
 */
export function addressesNotChecked(servers: readonly ServerCheck[]): AddressNotChecked[] {
  return servers
    .filter((check) => check.result === 'not-checked')
    .slice(0, MAX_NOT_CHECKED)
    .map((check) => ({
      nameServer: printable(check.name, 255),
      address: printable(check.address, 64),
      reason: printable(check.detail, 200),
    }));
}
