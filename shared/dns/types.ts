import type { KeyObject } from 'node:crypto';
import type { DkimMismatchReason } from '../dkim/txt-record';
import type { ErrorName } from '../errors';

/** A host and port to send DNS queries to (tests and the local environment use 127.0.0.1). */
export interface DnsEndpoint {
  readonly host: string;
  readonly port: number;
}

/** What one authoritative name server address said about the selector's record. */
export type ServerResult = 'match' | 'missing' | 'mismatch' | 'unreachable' | 'refused' | 'lame';

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
