import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsEndpoint } from '../../shared/dns/types';
import { AuthoritativeDnsServer, LOOPBACK_HOSTS } from '../dns/authoritative-server';
import { renderZoneFile, txtRecord, type ZoneRecordSpec } from '../dns/zone-writer';
import { SesKeyZone } from './ses-key-zone';

/** Which servers an edit reaches: all, or some by index (the others keep a stale copy). */
export type ServerSelection = 'all' | readonly number[];

/** A zone of the local environment and the addresses of its authoritative servers. */
export interface LocalZoneServers {
  readonly origin: string;
  readonly endpoints: readonly DnsEndpoint[];
}

/**
 * The zones of the local environment: every domain's zone served by the same N authoritative
 * servers on IPv4 and IPv6 loopback (127.0.0.1 and ::1, one port each), one zone file per server
 * and domain, so the simulated DNS team can edit some servers and leave others stale. Each zone
 * publishes an A and an AAAA record for every name server, as real zones do. Edits bump the SOA
 * serial as a DNS team's tooling would. AWS's `dkim.amazonses.com` zone, where Easy DKIM's CNAME
 * records lead, runs beside them on its own server ({@link LocalDns.sesKeys}).
 */
export class LocalDns {
  private readonly records = new Map<string, ZoneRecordSpec[][]>();
  private serial = 1;

  private constructor(
    private readonly dir: string,
    readonly servers: readonly AuthoritativeDnsServer[],
    /** AWS's zone of Easy DKIM keys, which the SES stand-in publishes into. */
    readonly sesKeys: SesKeyZone,
  ) {}

  /**
   * Writes the zones of `domains` and starts `count` servers serving all of them, plus the server
   * of AWS's Easy DKIM key zone.
   */
  static async start(dir: string, domains: readonly string[], count: number): Promise<LocalDns> {
    const paths = (index: number) =>
      domains.map((origin) => ({ origin, zoneFile: join(dir, `ns${index}-${origin}.zone`) }));
    const sesKeys = await SesKeyZone.start(dir);
    const blank = new LocalDns(dir, [], sesKeys);
    for (const domain of domains)
      blank.records.set(
        domain,
        Array.from({ length: count }, () => []),
      );
    for (let index = 0; index < count; index += 1) for (const domain of domains) blank.write(index, domain);
    const servers: AuthoritativeDnsServer[] = [];
    for (let index = 0; index < count; index += 1) {
      const server = new AuthoritativeDnsServer({ zones: paths(index), hosts: LOOPBACK_HOSTS });
      await server.start();
      servers.push(server);
    }
    const dns = new LocalDns(dir, servers, sesKeys);
    for (const [domain, records] of blank.records) dns.records.set(domain, records);
    return dns;
  }

  /**
   * Every address the servers listen on (IPv4 and IPv6 of each), named `ns1`, `ns2`, … after the
   * server: what the workflow's DNS checks are pointed at.
   */
  endpoints(): DnsEndpoint[] {
    return this.servers.flatMap((server, index) =>
      server.endpoints.map((endpoint) => ({ ...endpoint, name: `ns${index + 1}` })),
    );
  }

  /** Adds a TXT record (in 255-octet strings) on the selected servers. */
  publishTxt(domain: string, name: string, value: string, on: ServerSelection = 'all'): void {
    this.edit(domain, on, (records) => [
      ...records.filter((record) => !(record.name === name && record.type === 'TXT')),
      txtRecord(name, value),
    ]);
  }

  /** Removes every TXT record at `name` on the selected servers. */
  removeTxt(domain: string, name: string, on: ServerSelection = 'all'): void {
    this.edit(domain, on, (records) =>
      records.filter((record) => !(record.name === name && record.type === 'TXT')),
    );
  }

  /**
   * Publishes a CNAME record `name` → `target` on the selected servers, replacing whatever was at
   * `name` (a CNAME cannot share its name with other data, RFC 1034 §3.6.2).
   */
  publishCname(domain: string, name: string, target: string, on: ServerSelection = 'all'): void {
    this.edit(domain, on, (records) => [
      ...records.filter((record) => record.name !== name),
      { name, type: 'CNAME', value: target },
    ]);
  }

  /** The CNAME target at `name` on one server, or undefined (for assertions). */
  cnameOn(domain: string, serverIndex: number, name: string): string | undefined {
    const records = this.records.get(domain)?.[serverIndex] ?? [];
    const found = records.find((record) => record.name === name && record.type === 'CNAME');
    return found?.type === 'CNAME' ? found.value : undefined;
  }

  /**
   * Every zone of the environment with its servers' addresses: the domains' zones on the N
   * servers, and AWS's `dkim.amazonses.com` on its own. What a resolver walks, CNAMEs included.
   */
  zones(): LocalZoneServers[] {
    const endpoints = this.endpoints();
    return [
      ...[...this.records.keys()].map((origin) => ({ origin, endpoints })),
      { origin: this.sesKeys.zone, endpoints: this.sesKeys.endpoints() },
    ];
  }

  /** The TXT values at `name` on one server (for assertions and summaries). */
  txtOn(domain: string, serverIndex: number, name: string): string[] {
    const records = this.records.get(domain)?.[serverIndex] ?? [];
    return records.flatMap((record) =>
      record.name === name && record.type === 'TXT' ? [record.strings.join('')] : [],
    );
  }

  /**
   * The TXT records of `domain` on server 0 (the primary), each value with its character-strings
   * joined: what the Route 53 stand-in imports as the zone's current records at start.
   * @throws Error when `domain` is not a zone of the local environment.
   */
  txtRecords(domain: string): { name: string; value: string }[] {
    const perServer = this.records.get(domain);
    if (!perServer) throw new Error(`${domain} is not a zone of the local environment`);
    return (perServer[0] ?? []).flatMap((record) =>
      record.type === 'TXT' ? [{ name: record.name, value: record.strings.join('') }] : [],
    );
  }

  /** Stops every server. */
  async stop(): Promise<void> {
    await Promise.all([...this.servers.map((server) => server.stop()), this.sesKeys.stop()]);
  }

  private edit(
    domain: string,
    on: ServerSelection,
    change: (records: ZoneRecordSpec[]) => ZoneRecordSpec[],
  ): void {
    const perServer = this.records.get(domain);
    if (!perServer) throw new Error(`${domain} is not a zone of the local environment`);
    const indexes = on === 'all' ? perServer.map((_, index) => index) : on;
    this.serial += 1;
    for (const index of indexes) {
      const current = perServer[index];
      if (current === undefined) continue;
      perServer[index] = change(current);
      this.write(index, domain);
    }
  }

  private write(index: number, domain: string): void {
    const count = this.records.get(domain)?.length ?? 0;
    writeFileSync(
      join(this.dir, `ns${index}-${domain}.zone`),
      renderZoneFile({
        origin: domain,
        serial: this.serial,
        nameServers: Array.from({ length: count }, (_, server) => ({
          host: `ns${server + 1}.${domain}`,
          addresses: LOOPBACK_HOSTS,
        })),
        records: this.records.get(domain)?.[index] ?? [],
        ttl: 60,
      }),
    );
  }
}
