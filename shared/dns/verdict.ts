import {
  DnsLookupFailedError,
  DnsRecordMismatchError,
  DnsRecordNotFoundError,
  ERROR_NAMES,
  type RotationError,
} from '../errors';
import { printable, sanitise } from '../sanitise';
import { describeNotChecked } from './ipv6-policy';
import type { DnsVerification, ServerCheck } from './types';

type Expectation = 'published' | 'retired';

/** A server's answer says the key is no longer served: removed, revoked, or replaced. */
function isRetired(check: ServerCheck): boolean {
  return (
    check.result === 'missing' ||
    (check.result === 'mismatch' && (check.reason === 'revoked' || check.reason === 'different-key'))
  );
}

function isSatisfied(check: ServerCheck, expect: Expectation): boolean {
  return expect === 'published' ? check.result === 'match' : isRetired(check);
}

/**
 * One server's line: its name and address escaped (printable: a name must read exactly), its detail
 * sanitised. Details are our words and never quote record content (lengths and positions instead).
 */
function describe(check: ServerCheck): string {
  const name = printable(check.name, 255);
  const address = printable(check.address, 64);
  const who = name === address ? address : `${name} (${address})`;
  return `${who} ${check.result}: ${sanitise(check.detail)}`;
}

/** NS hosts none of whose addresses was checked (e.g. a host with IPv6 addresses only, no IPv6 egress). */
function hostsNotChecked(servers: readonly ServerCheck[]): string[] {
  const checkedHosts = new Set(
    servers.filter((check) => check.result !== 'not-checked').map((check) => check.name),
  );
  return [
    ...new Set(
      servers.filter((check) => !checkedHosts.has(check.name)).map((check) => printable(check.name)),
    ),
  ];
}

/**
 * The verdict over every server's answer (pure). Passes only when every address that was checked
 * satisfies the expectation and every NS host had at least one address checked; an empty server
 * list never passes. Addresses `not-checked` (IPv6 without IPv6 egress) neither pass nor fail an
 * address, and the message always names them with the reason. The error is the most actionable
 * one present: a wrong record (the DNS team must fix it), then a missing one (not published yet),
 * then servers that could not be asked.
 */
/** The `zone` of a verdict on name servers the caller named (`--ns`), not found by discovery. */
export const GIVEN_NAME_SERVERS = 'the given name servers';

/** The `zone` of a verdict whose zone could not be found. */
export const UNKNOWN_ZONE = '(unknown)';

export function decideVerdict(
  recordName: string,
  zone: string,
  servers: readonly ServerCheck[],
  expect: Expectation = 'published',
): DnsVerification {
  // Names in messages: escaped (a CNAMEd selector's final name and its zone come from DNS).
  const record = printable(recordName, 255);
  const zoneName = printable(zone, 255);
  const given = zone === GIVEN_NAME_SERVERS;
  const serversOf = given
    ? 'given name server address(es)'
    : `authoritative name server address(es) of ${zoneName}`;
  if (servers.length === 0) {
    return {
      verified: false,
      recordName,
      zone,
      servers,
      error: ERROR_NAMES.DnsLookupFailed,
      message: `No authoritative name server found for ${record}: check the zone's delegation.`,
    };
  }
  const checked = servers.filter((check) => check.result !== 'not-checked');
  const notCheckedNote = describeNotChecked(servers);
  const suffix = notCheckedNote === '' ? '' : ` ${notCheckedNote}.`;
  const behind = checked.filter((check) => !isSatisfied(check, expect));
  const uncheckedHosts = hostsNotChecked(servers);
  if (behind.length === 0 && uncheckedHosts.length === 0) {
    const what = expect === 'published' ? 'serve the exact key' : 'no longer serve the old key';
    const all = checked.length === servers.length ? 'All' : 'All checked';
    return {
      verified: true,
      recordName,
      zone,
      servers,
      message: `${all} ${checked.length} ${serversOf} ${what} at ${record}.${suffix}`,
    };
  }
  if (behind.length === 0) {
    return {
      verified: false,
      recordName,
      zone,
      servers,
      error: ERROR_NAMES.DnsLookupFailed,
      message: `No address of ${uncheckedHosts.join(', ')} could be checked for ${record}.${suffix} Give the DNS-checking functions IPv6 egress (the dnsCheckVpc prop) or ask for an IPv4 address on that name server.`,
    };
  }
  const has = (result: ServerCheck['result']) => behind.some((check) => check.result === result);
  let error: DnsVerification['error'];
  let advice: string;
  if (expect === 'retired' && (has('match') || has('mismatch'))) {
    error = ERROR_NAMES.DnsRecordMismatch;
    advice = 'Ask the DNS team to remove the record or revoke it (p= empty).';
  } else if (has('mismatch')) {
    error = ERROR_NAMES.DnsRecordMismatch;
    advice = 'Ask the DNS team to publish exactly the requested value on every name server.';
  } else if (has('missing')) {
    error = ERROR_NAMES.DnsRecordNotFound;
    advice = 'The record is not published everywhere yet; the workflow keeps checking.';
  } else {
    error = ERROR_NAMES.DnsLookupFailed;
    // No port named: --ns and --ns-port ask others than 53.
    advice = `Check that these servers answer DNS queries (UDP and TCP) and are authoritative for ${given ? `the zone of ${record}` : zoneName}.`;
  }
  return {
    verified: false,
    recordName,
    zone,
    servers,
    error,
    message: `${behind.length} of ${checked.length} name server address(es) are behind for ${record}: ${behind
      .map(describe)
      .join('; ')}. ${advice}${suffix}`,
  };
}

/**
 * Throws the error a failed verdict maps to (DnsRecordNotFound, DnsRecordMismatch or
 * DnsLookupFailed) with the verdict's message; returns when verified.
 */
export function assertDnsVerified(verification: DnsVerification): void {
  if (verification.verified) return;
  const errors: Record<NonNullable<DnsVerification['error']>, new (message: string) => RotationError> = {
    DnsRecordNotFound: DnsRecordNotFoundError,
    DnsRecordMismatch: DnsRecordMismatchError,
    DnsLookupFailed: DnsLookupFailedError,
  };
  throw new errors[verification.error ?? ERROR_NAMES.DnsLookupFailed](verification.message);
}
