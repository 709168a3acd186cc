import type { KeyObject } from 'node:crypto';
import type { DkimMismatchReason } from '../dkim/txt-record';
import type { ErrorName } from '../errors';

/** A host and port to send DNS queries to (tests and the local environment use 127.0.0.1). */
export interface DnsEndpoint {
  readonly host: string;
  readonly port: number;
  /**
   * The NS host this address belongs to, when the caller knows it (explicit name servers).
   * Addresses of one host are judged together: a host must have at least one address checked.
   * @default - the address itself
   */
  readonly name?: string;
}

/**
 * What one authoritative name server address said about the selector's record, or `not-checked`:
 * the address was not asked (an IPv6 address without IPv6 egress), with the reason in `detail`.
 */
export type ServerResult =
  | 'match'
  | 'missing'
  | 'mismatch'
  | 'unreachable'
  | 'refused'
  | 'lame'
  | 'not-checked';

/**
 * Whether IPv6 name server addresses are asked (IPv4 addresses always are).
 * - `check`: every IPv6 address is asked; one that cannot be reached is `unreachable` and fails
 *   the verdict (the deployment promised IPv6 egress).
 * - `skip`: none is asked; each is reported `not-checked` with `reason` (Lambda outside a VPC).
 * - `when-routed`: each is asked, and a send the kernel refuses for want of a route (ENETUNREACH,
 *   EHOSTUNREACH, EADDRNOTAVAIL) makes it `not-checked` with that reason (an operator's machine).
 */
export type Ipv6Policy =
  | { readonly mode: 'check' }
  | { readonly mode: 'skip'; readonly reason: string }
  | { readonly mode: 'when-routed' };

/**
 * The address families queries can leave on. The local rehearsal injects Lambda's network here
 * (IPv4 only outside a VPC); a send on a family without egress fails as the kernel fails it
 * when there is no route: ENETUNREACH.
 */
export interface DnsEgress {
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

/** The answer of one name server address. */
export interface ServerCheck {
  /** Name server host name (from the NS set), or the endpoint itself when given by override. */
  readonly name: string;
  /** The address asked, `ip` or `ip:port` when the port is not 53. */
  readonly address: string;
  readonly result: ServerResult;
  /** Why, in words an operator or the DNS team can act on. */
  readonly detail: string;
  /** Set when `result` is `mismatch`. */
  readonly reason?: DkimMismatchReason;
}

/** The verdict over every authoritative name server address of the zone. */
export interface DnsVerification {
  /** True only when every address answered `match` (or, for retirement, none serves the key). */
  readonly verified: boolean;
  /** `<selector>._domainkey.<domain>`, or the CNAME target the selector points to. */
  readonly recordName: string;
  /** The zone (apex) holding the record. */
  readonly zone: string;
  readonly servers: readonly ServerCheck[];
  /** The error this verdict maps to when not verified. */
  readonly error?: Extract<ErrorName, 'DnsRecordNotFound' | 'DnsRecordMismatch' | 'DnsLookupFailed'>;
  /** One line naming the servers that are behind and what to do. */
  readonly message: string;
}

/** Options shared by every DNS check. */
export interface DnsCheckOptions {
  /** Recursive resolver used to find the zone's name servers. @default the system's first resolver */
  readonly resolver?: DnsEndpoint;
  /** Ask exactly these servers instead of discovering the zone's NS set (tests, split horizon). */
  readonly nameServers?: readonly DnsEndpoint[];
  /**
   * Port the discovered name server addresses are asked on. @default 53
   * (tests run servers on loopback addresses 127.0.0.x and a high port)
   */
  readonly nameServerPort?: number;
  /** Per-query timeout. @default 2000 */
  readonly timeoutMs?: number;
  /** Retries per query after a timeout. @default 2 */
  readonly retries?: number;
  /** Whether IPv6 addresses are asked. @default { mode: 'when-routed' } */
  readonly ipv6?: Ipv6Policy;
  /** The network's egress per address family. @default - the machine's own routing decides */
  readonly egress?: DnsEgress;
}

/** What to verify at the selector's name. */
export interface VerifyDkimRecordInput {
  readonly domain: string;
  readonly selector: string;
  readonly publicKey: KeyObject;
  /**
   * `published` (default): every server serves exactly this key.
   * `retired`: no server serves this key any more (record removed, or revoked with `p=`).
   */
  readonly expect?: 'published' | 'retired';
}
