import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { ConcurrencyLimit, DNS_QUERY_CONCURRENCY } from './limits';
import type { DnsEgress, DnsEndpoint } from './types';

/** A decoded DNS response with the fields dns-packet decodes but does not type. */
export interface DnsResponse extends dnsPacket.DecodedPacket {
  readonly rcode: string;
}

/** How one query is sent. */
export interface QueryOptions {
  /** Ask for recursion (only towards a recursive resolver; never towards authoritative servers). */
  readonly recursionDesired: boolean;
  /** Timeout of one attempt. @default 2000 */
  readonly timeoutMs?: number;
  /** Attempts after the first one that timed out. @default 2 */
  readonly retries?: number;
  /** Address families with egress. @default - the machine's own routing decides */
  readonly egress?: DnsEgress;
}

/** Why a query got no usable answer. */
export class DnsTransportError extends Error {
  override readonly name = 'DnsTransportError';

  /** @param code the socket's errno code (e.g. `ENETUNREACH`), when the kernel refused the send */
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The errno codes of a send the kernel refuses because no route leads to the address, including
 * EAFNOSUPPORT from a host whose kernel has IPv6 turned off.
 */
export const NO_ROUTE_CODES: ReadonlySet<string> = new Set([
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
]);

/** True when the query failed because this network has no route to the server's address. */
export function isNoRoute(error: unknown): error is DnsTransportError {
  return error instanceof DnsTransportError && error.code !== undefined && NO_ROUTE_CODES.has(error.code);
}

/**
 * The error a send on a family without egress gets, shaped as the kernel's: a network with no
 * IPv6 route (Lambda outside a VPC) refuses the datagram at once with ENETUNREACH.
 */
function egressError(
  endpoint: DnsEndpoint,
  egress: DnsEgress | undefined,
  transport: string,
): DnsTransportError | undefined {
  const family = isIPv6(endpoint.host) ? 'ipv6' : 'ipv4';
  if (egress === undefined || egress[family]) return undefined;
  return new DnsTransportError(
    `${transport} send failed: send ENETUNREACH ${formatEndpoint(endpoint)}`,
    'ENETUNREACH',
  );
}

/**
 * EDNS(0) buffer size advertised over UDP: 1232 octets, the DNS Flag Day 2020 value that avoids IP
 * fragmentation. Larger answers come back truncated and are re-asked over TCP.
 */
export const EDNS_UDP_PAYLOAD_SIZE = 1232;

/** `ip` or `ip:port` (`[ip]:port` for IPv6) for messages; port 53 is left out. */
export function formatEndpoint(endpoint: DnsEndpoint): string {
  if (endpoint.port === 53) return endpoint.host;
  return isIPv6(endpoint.host) ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** Every query of this process waits for one of these slots (limits.ts). */
const inFlight = new ConcurrencyLimit(DNS_QUERY_CONCURRENCY);

/**
 * Sends one question to one server: UDP first, TCP when the answer is truncated, each UDP attempt
 * bounded by `timeoutMs` and retried `retries` times. Only the server's own address and port are
 * heard, and the response must carry our id and question, so a stray or spoofed datagram is
 * ignored rather than believed. At most {@link DNS_QUERY_CONCURRENCY} queries of the process are
 * in flight at once; the others wait their turn (the timeout counts from the send).
 */
export function queryDns(
  endpoint: DnsEndpoint,
  question: dnsPacket.Question,
  options: QueryOptions,
): Promise<DnsResponse> {
  return inFlight.run(() => queryNow(endpoint, question, options));
}

async function queryNow(
  endpoint: DnsEndpoint,
  question: dnsPacket.Question,
  options: QueryOptions,
): Promise<DnsResponse> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const attempts = (options.retries ?? 2) + 1;
  let lastError: unknown;
  let made = 0;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    made += 1;
    const query = buildQuery(question, options.recursionDesired);
    try {
      const refused = egressError(endpoint, options.egress, 'UDP');
      if (refused) throw refused;
      const response = await sendUdp(endpoint, query, timeoutMs);
      if (!response.flag_tc) return response;
      return await sendTcp(endpoint, query, timeoutMs);
    } catch (error) {
      lastError = error;
      // Only a timeout (a datagram lost) is worth another attempt; a refusal (ICMP port
      // unreachable reaches a connected socket as ECONNREFUSED) or a closed TCP connection is an answer.
      if (!(error instanceof DnsTransportError && error.message.startsWith('timeout'))) break;
    }
  }
  throw lastError instanceof DnsTransportError
    ? new DnsTransportError(`${lastError.message} (${made} attempt(s))`, lastError.code)
    : lastError;
}

/** An address in one spelling (IPv6 compressed, lower case), so `::1` and `0:0::1` compare equal. */
function canonicalAddress(address: string): string {
  if (!isIPv6(address)) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

const sameAddress = (a: string, b: string): boolean => canonicalAddress(a) === canonicalAddress(b);

function buildQuery(question: dnsPacket.Question, recursionDesired: boolean): dnsPacket.Packet {
  return {
    type: 'query',
    id: randomInt(0, 65_536),
    flags: recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ ...question, class: 'IN' }],
    additionals: [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: EDNS_UDP_PAYLOAD_SIZE,
        extendedRcode: 0,
        ednsVersion: 0,
        flags: 0,
        flag_do: false,
        options: [],
      },
    ],
  };
}

function matches(query: dnsPacket.Packet, response: dnsPacket.DecodedPacket): boolean {
  const asked = query.questions?.[0];
  const answered = response.questions?.[0];
  return (
    response.id === query.id &&
    response.type === 'response' &&
    asked !== undefined &&
    answered !== undefined &&
    answered.type === asked.type &&
    answered.name.toLowerCase() === asked.name.toLowerCase()
  );
}

function sendUdp(endpoint: DnsEndpoint, query: dnsPacket.Packet, timeoutMs: number): Promise<DnsResponse> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(endpoint.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (error: Error | undefined, response?: DnsResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else if (response) resolve(response);
    };
    const timer = setTimeout(
      () => finish(new DnsTransportError(`timeout after ${timeoutMs} ms over UDP`)),
      timeoutMs,
    );
    socket.on('error', (error) =>
      finish(new DnsTransportError(`UDP error: ${error.message}`, (error as NodeJS.ErrnoException).code)),
    );
    socket.on('message', (message, from) => {
      // The socket is connected, so the kernel delivers only the server's datagrams; checked again
      // here so that no other source is ever believed, whatever the platform does.
      if (from.port !== endpoint.port || !sameAddress(from.address, endpoint.host)) return;
      let response: DnsResponse;
      try {
        response = dnsPacket.decode(message) as DnsResponse;
      } catch {
        return; // not a DNS message: keep waiting for ours
      }
      if (matches(query, response)) finish(undefined, response);
    });
    // A connected UDP socket: datagrams from any other address or port are dropped, so an
    // off-path spoofer has to forge the server's address and port too, not only guess the id.
    // A failed connect (no route, a name that does not resolve) calls back with the error and leaves
    // the socket unconnected: sending then would throw outside this promise and end the process.
    socket.connect(endpoint.port, endpoint.host, (connectError?: Error) => {
      if (done) return;
      if (connectError) {
        finish(
          new DnsTransportError(
            `UDP connect failed: ${connectError.message}`,
            (connectError as NodeJS.ErrnoException).code,
          ),
        );
        return;
      }
      socket.send(dnsPacket.encode(query), (error) => {
        if (error)
          finish(
            new DnsTransportError(`UDP send failed: ${error.message}`, (error as NodeJS.ErrnoException).code),
          );
      });
    });
  });
}

function sendTcp(endpoint: DnsEndpoint, query: dnsPacket.Packet, timeoutMs: number): Promise<DnsResponse> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (error: Error | undefined, response?: DnsResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else if (response) resolve(response);
    };
    const timer = setTimeout(
      () => finish(new DnsTransportError(`timeout after ${timeoutMs} ms over TCP`)),
      timeoutMs,
    );
    socket.on('error', (error) =>
      finish(new DnsTransportError(`TCP error: ${error.message}`, (error as NodeJS.ErrnoException).code)),
    );
    // A server that closes before a whole answer arrived will send nothing more: fail now rather
    // than wait out the timeout (finish is a no-op once an answer was taken).
    socket.on('close', () =>
      finish(
        new DnsTransportError(
          `TCP connection closed by the server after ${received.length} octet(s), before a whole answer`,
        ),
      ),
    );
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length < length + 2) return;
      try {
        const response = dnsPacket.decode(received.subarray(2, length + 2)) as DnsResponse;
        if (matches(query, response)) finish(undefined, response);
        else finish(new DnsTransportError('TCP answer does not match the question'));
      } catch (error) {
        finish(new DnsTransportError(`malformed TCP answer: ${(error as Error).message}`));
      }
    });
    socket.connect(endpoint.port, endpoint.host, () => socket.write(dnsPacket.streamEncode(query)));
  });
}
