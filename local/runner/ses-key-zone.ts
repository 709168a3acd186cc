import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsEndpoint } from '../../shared/dns/types';
import { AuthoritativeDnsServer, LOOPBACK_HOSTS } from '../dns/authoritative-server';
import { renderZoneFile, txtRecord, type ZoneRecordSpec } from '../dns/zone-writer';
import { EASY_DKIM_KEY_ZONE, type HostedKeyRecord } from '../ses/easy-dkim';

/**
 * AWS's `dkim.amazonses.com` zone in the local environment: where the SES stand-in hosts the
 * public key of each Easy DKIM token, and where a domain's Easy DKIM CNAME records lead. It has
 * its own authoritative server (IPv4 and IPv6 loopback), apart from the domains' name servers, as
 * AWS's zone is: a stale or failing domain server does not take AWS's keys down with it.
 */
export class SesKeyZone {
  /** The zone's apex. */
  readonly zone = EASY_DKIM_KEY_ZONE;
  private readonly records = new Map<string, ZoneRecordSpec>();
  private serial = 1;

  private constructor(
    private readonly zoneFile: string,
    private readonly server: AuthoritativeDnsServer,
  ) {}

  /** Writes the (empty) zone into `dir` and starts its server. */
  static async start(dir: string): Promise<SesKeyZone> {
    const zoneFile = join(dir, `${EASY_DKIM_KEY_ZONE}.zone`);
    writeZone(zoneFile, 1, []);
    const server = new AuthoritativeDnsServer({
      zoneFile,
      origin: EASY_DKIM_KEY_ZONE,
      hosts: LOOPBACK_HOSTS,
    });
    await server.start();
    return new SesKeyZone(zoneFile, server);
  }

  /** Serves these TXT records (replacing any at the same names): the stand-in's `hostEasyDkimKeys`. */
  publish(records: readonly HostedKeyRecord[]): void {
    for (const record of records) this.records.set(record.name, txtRecord(record.name, record.value));
    this.serial += 1;
    writeZone(this.zoneFile, this.serial, [...this.records.values()]);
  }

  /** The addresses the zone's server answers on. */
  endpoints(): DnsEndpoint[] {
    return this.server.endpoints;
  }

  /** Stops the server. */
  stop(): Promise<void> {
    return this.server.stop();
  }
}

function writeZone(zoneFile: string, serial: number, records: readonly ZoneRecordSpec[]): void {
  writeFileSync(
    zoneFile,
    renderZoneFile({
      origin: EASY_DKIM_KEY_ZONE,
      serial,
      nameServers: [{ host: `ns1.${EASY_DKIM_KEY_ZONE}`, addresses: LOOPBACK_HOSTS }],
      records,
      ttl: 60,
    }),
  );
}
