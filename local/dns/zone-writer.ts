import { splitCharacterStrings } from '../../shared/dkim/txt-record';

/** A name server of a zone and its addresses (written as glue A/AAAA records). */
export interface ZoneNameServer {
  /** Host name inside the zone, e.g. `ns1.example.test`. */
  readonly host: string;
  readonly addresses: readonly string[];
}

/** A record to write. TXT values are given as their character-strings. */
export type ZoneRecordSpec =
  | { readonly name: string; readonly type: 'TXT'; readonly strings: readonly string[] }
  | { readonly name: string; readonly type: 'CNAME' | 'A' | 'AAAA'; readonly value: string };

/** Everything a zone file holds. */
export interface ZoneSpec {
  readonly origin: string;
  /** SOA serial; bump it on every edit as a DNS team would. @default 1 */
  readonly serial?: number;
  readonly nameServers: readonly ZoneNameServer[];
  readonly records: readonly ZoneRecordSpec[];
  /** @default 300 */
  readonly ttl?: number;
}

const quote = (text: string) => `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
const absolute = (name: string) => `${name.replace(/\.$/, '')}.`;

/** Writes a TXT value as 255-octet strings, the way the notification asks the DNS team to. */
export function txtRecord(name: string, value: string): ZoneRecordSpec {
  return { name, type: 'TXT', strings: splitCharacterStrings(value) };
}

/** Renders a zone file (RFC 1035 master format) that Knot and the in-process server both load. */
export function renderZoneFile(spec: ZoneSpec): string {
  const lines = [
    `$ORIGIN ${absolute(spec.origin)}`,
    `$TTL ${spec.ttl ?? 300}`,
    `@ IN SOA ${absolute(spec.nameServers[0]?.host ?? `ns.${spec.origin}`)} hostmaster.${absolute(spec.origin)} ${spec.serial ?? 1} 3600 600 86400 300`,
  ];
  for (const server of spec.nameServers) lines.push(`@ IN NS ${absolute(server.host)}`);
  for (const server of spec.nameServers) {
    for (const address of server.addresses)
      lines.push(`${absolute(server.host)} IN ${address.includes(':') ? 'AAAA' : 'A'} ${address}`);
  }
  for (const record of spec.records) {
    const value =
      record.type === 'TXT'
        ? record.strings.map(quote).join(' ')
        : record.type === 'CNAME'
          ? absolute(record.value)
          : record.value;
    lines.push(`${absolute(record.name)} IN ${record.type} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
