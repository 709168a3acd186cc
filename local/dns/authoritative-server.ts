import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync, statSync } from 'node:fs';
import { createServer, isIPv6, type Socket, type Server as TcpServer } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DnsEndpoint } from '../../shared/dns/types';
import { parseZoneFile, type Zone, type ZoneRecord } from './zone-file';

/** How the server misbehaves, for fault scenarios. */
export type ServerBehaviour = 'normal' | 'servfail' | 'refused' | 'lame' | 'silent';

/** One zone a server is authoritative for. */
export interface ServedZone {
  /** Zone file; re-read whenever its modification time or size changes. */
  readonly zoneFile: string;
  /** The zone's apex, e.g. `example.test`. */
  readonly origin: string;
}

/** Options of {@link AuthoritativeDnsServer}: one zone (`zoneFile` + `origin`) or several (`zones`). */
export type AuthoritativeDnsServerOptions = (ServedZone | { readonly zones: readonly ServedZone[] }) &
  ServerSettings;

/** How the server listens and behaves. */
export interface ServerSettings {
  /** One address to listen on, instead of `hosts`. */
  readonly host?: string;
  /**
   * Addresses to listen on, all on the same port: IPv4 and IPv6 loopback by default, as real
   * name servers answer on both families. @default LOOPBACK_HOSTS
   */
  readonly hosts?: readonly string[];
  /** Port for UDP and TCP; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Delay before every answer, in ms (simulated network latency). @default 0 */
  readonly delayMs?: number;
  /**
   * Serve the zone as it was at start and ignore later edits, like a secondary that missed the
   * NOTIFY. {@link AuthoritativeDnsServer.setStale} changes it later. @default false
   */
  readonly stale?: boolean;
  /** @default 'normal' */
  readonly behaviour?: ServerBehaviour;
}

/** IPv4 and IPv6 loopback: where the in-process servers listen unless told otherwise. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1'];

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;
const lower = (name: string) => name.replace(/\.$/, '').toLowerCase();

/**
 * An in-process authoritative DNS server for one or more zones, over UDP and TCP, for the local environment
 * and tests: answers with AA, NXDOMAIN/NODATA with the SOA, CNAME chasing inside the zone, glue for
 * NS hosts, truncation over UDP beyond the client's EDNS size (512 without EDNS), and knobs for
 * latency, stale copies and failures.
 */
export class AuthoritativeDnsServer {
  private readonly zones: Array<{ readonly source: ServedZone; zone: Zone; stamp: string }>;
  private stale: boolean;
  private delayMs: number;
  private behaviour: ServerBehaviour;
  private udp: UdpSocket[] = [];
  private tcp: TcpServer[] = [];
  private readonly connections = new Set<Socket>();
  private port = 0;
  /** Queries received since start, per transport. */
  readonly queries = { udp: 0, tcp: 0 };

  constructor(private readonly options: AuthoritativeDnsServerOptions) {
    const sources =
      'zones' in options ? options.zones : [{ zoneFile: options.zoneFile, origin: options.origin }];
    this.zones = sources.map((source) => ({ source, zone: readZone(source), stamp: stampOf(source) }));
    this.stale = options.stale ?? false;
    this.delayMs = options.delayMs ?? 0;
    this.behaviour = options.behaviour ?? 'normal';
  }

  /** The first address the server listens on (after {@link start}). */
  get endpoint(): DnsEndpoint {
    return { host: this.hosts[0] ?? '127.0.0.1', port: this.port };
  }

  /** Every address the server listens on, all on one port (after {@link start}). */
  get endpoints(): DnsEndpoint[] {
    return this.hosts.map((host) => ({ host, port: this.port }));
  }

  /** The addresses to listen on. */
  get hosts(): readonly string[] {
    return this.options.host !== undefined ? [this.options.host] : (this.options.hosts ?? LOOPBACK_HOSTS);
  }

  /**
   * Starts UDP and TCP listeners on the same port. With port 0 the port is the one TCP got, and a
   * UDP socket may already hold it (a client's ephemeral port): then both are tried again on a
   * fresh port, a few times.
   */
  async start(): Promise<DnsEndpoint> {
    const attempts = this.options.port === undefined || this.options.port === 0 ? 5 : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.listen();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= attempts) throw error;
      }
    }
  }

  /**
   * Binds TCP and UDP on every address, the first TCP listener choosing the port the others
   * share; any failure closes what was bound and is thrown (EADDRINUSE is retried by start).
   */
  private async listen(): Promise<DnsEndpoint> {
    const tcp: TcpServer[] = [];
    const udp: UdpSocket[] = [];
    let port = this.options.port ?? 0;
    try {
      for (const host of this.hosts) {
        const server = createServer((socket) => this.serveTcp(socket));
        tcp.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolve());
        });
        port = (server.address() as { port: number }).port;
      }
      for (const host of this.hosts) {
        const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
        udp.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, host, () => resolve());
        });
      }
    } catch (error) {
      for (const socket of udp) {
        try {
          socket.close();
        } catch {
          // never bound: nothing to close
        }
      }
      await Promise.all(tcp.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      throw error;
    }
    this.tcp = tcp;
    this.udp = udp;
    this.port = port;
    for (const socket of udp) {
      socket.on('message', (message, remote) => {
        void this.answer(message, 'udp').then((reply) => {
          if (reply) socket.send(reply, remote.port, remote.address);
        });
      });
    }
    return this.endpoint;
  }

  /** Stops every listener and closes open TCP connections. */
  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      ...this.udp.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      ...this.tcp.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    ]);
    this.udp = [];
    this.tcp = [];
  }

  /** Freezes (true) or unfreezes (false) the served copy; unfreezing reloads the file. */
  setStale(stale: boolean): void {
    this.stale = stale;
    if (!stale) this.reloadIfChanged();
  }

  /** Sets the delay before each answer. */
  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  /** Sets how the server answers (or does not). */
  setBehaviour(behaviour: ServerBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Re-reads zones whose file changed (a half-written file keeps the previous copy). */
  private reloadIfChanged(): void {
    if (this.stale) return;
    for (const served of this.zones) {
      try {
        const stamp = stampOf(served.source);
        if (stamp === served.stamp) continue;
        served.zone = readZone(served.source);
        served.stamp = stamp;
      } catch {
        // Keep serving the last good copy, as a real server does when a reload fails.
      }
    }
  }

  /** The most specific zone holding `name`. */
  private zoneFor(name: string): Zone | undefined {
    return this.zones
      .map((served) => served.zone)
      .filter((zone) => name === zone.origin || name.endsWith(`.${zone.origin}`))
      .sort((a, b) => b.origin.length - a.origin.length)[0];
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= buffer.readUInt16BE(0) + 2) {
        const length = buffer.readUInt16BE(0);
        const message = buffer.subarray(2, length + 2);
        buffer = buffer.subarray(length + 2);
        void this.answer(message, 'tcp').then((reply) => {
          if (!reply || socket.destroyed) return;
          const framed = Buffer.alloc(reply.length + 2);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          socket.write(framed);
        });
      }
    });
  }

  private async answer(message: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    this.queries[transport] += 1;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.behaviour === 'silent') return undefined;
    this.reloadIfChanged();
    const response = this.respond(query);
    const requestOpt = (query.additionals ?? []).find((answer) => answer.type === 'OPT') as
      | dnsPacket.OptAnswer
      | undefined;
    if (requestOpt) {
      response.additionals = [
        ...(response.additionals ?? []),
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ];
    }
    let encoded = dnsPacket.encode(response);
    const limit = transport === 'udp' ? Math.max(512, requestOpt?.udpPayloadSize ?? 512) : 65_535;
    if (encoded.length > limit) {
      encoded = dnsPacket.encode({
        ...response,
        flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
        answers: [],
        authorities: [],
        additionals: [],
      });
    }
    return encoded;
  }

  private respond(query: dnsPacket.DecodedPacket): dnsPacket.Packet {
    const question = query.questions?.[0];
    const base = {
      type: 'response' as const,
      id: query.id,
      questions: query.questions,
      flags: query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0,
    };
    if (!question) return { ...base, flags: base.flags | RCODE.REFUSED };
    if (this.behaviour === 'servfail') return { ...base, flags: base.flags | RCODE.SERVFAIL };
    if (this.behaviour === 'refused') return { ...base, flags: base.flags | RCODE.REFUSED };
    const name = lower(question.name);
    const zone = this.zoneFor(name);
    if (zone === undefined) return { ...base, flags: base.flags | RCODE.REFUSED };
    const origin = zone.origin;
    const aa = this.behaviour === 'lame' ? 0 : dnsPacket.AUTHORITATIVE_ANSWER;
    const answers: dnsPacket.Answer[] = [];
    let current = name;
    let outOfZone = false;
    for (let hop = 0; hop < 8; hop += 1) {
      const atName = zone.records.filter((record) => record.name === current);
      const cname = atName.find((record) => record.type === 'CNAME');
      if (cname && question.type !== 'CNAME') {
        answers.push(toAnswer(cname));
        current = lower(String(cname.data));
        outOfZone = current !== origin && !current.endsWith(`.${origin}`);
        if (outOfZone) break;
        continue;
      }
      answers.push(...atName.filter((record) => record.type === question.type).map(toAnswer));
      break;
    }
    const found = answers.some((answer) => answer.type === question.type);
    if (!found && !outOfZone) {
      // RFC 2308 negative answer (the rcode speaks of the last name in a CNAME chain, RFC 6604).
      const soa = zone.records.find((record) => record.type === 'SOA');
      const exists = zone.records.some(
        (record) => record.name === current || record.name.endsWith(`.${current}`),
      );
      const rcode = exists ? RCODE.NOERROR : RCODE.NXDOMAIN;
      return { ...base, flags: base.flags | aa | rcode, answers, authorities: soa ? [toAnswer(soa)] : [] };
    }
    const additionals =
      question.type === 'NS'
        ? answers.flatMap((ns) =>
            zone.records
              .filter(
                (record) =>
                  (record.type === 'A' || record.type === 'AAAA') &&
                  record.name === lower(String(ns.type === 'NS' ? ns.data : '')),
              )
              .map(toAnswer),
          )
        : [];
    return { ...base, flags: base.flags | aa, answers, additionals };
  }
}

function readZone(source: ServedZone): Zone {
  return parseZoneFile(readFileSync(source.zoneFile, 'utf8'), source.origin);
}

function stampOf(source: ServedZone): string {
  const stat = statSync(source.zoneFile);
  return `${stat.mtimeMs}:${stat.size}`;
}

function toAnswer(record: ZoneRecord): dnsPacket.Answer {
  switch (record.type) {
    case 'TXT':
      return { type: 'TXT', name: record.name, ttl: record.ttl, class: 'IN', data: [...record.data] };
    case 'SOA':
      return { type: 'SOA', name: record.name, ttl: record.ttl, class: 'IN', data: { ...record.data } };
    default:
      return { type: record.type, name: record.name, ttl: record.ttl, class: 'IN', data: record.data };
  }
}
