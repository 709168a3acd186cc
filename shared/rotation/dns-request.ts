/**
 * The DNS request contract: what the DNS team (or, AUTO, Route 53) must publish for a key,
 * stored as `dns-requests/<domain>/<selector>.json` (public data only) next to a zone-file
 * snippet, `dns-requests/<domain>/<selector>.zone`. StoreDnsRequest writes it; NotifyDnsTeam,
 * PublishDnsRecord and RetireOldKey read it.
 */
import type { KeyObject } from 'node:crypto';
import { publicKeyFingerprint } from '../dkim/fingerprint';
import { dkimRecordName } from '../dkim/selector';
import { dkimTxtValue, route53TxtValue, splitCharacterStrings, zoneFileLine } from '../dkim/txt-record';
import { dnsRequestPath } from './key-store';

/** `dns-requests/<domain>/<selector>.json` (public data only). */
export interface DnsRequest {
  readonly schemaVersion: 1;
  readonly domain: string;
  readonly selector: string;
  readonly recordName: string;
  readonly type: 'TXT';
  readonly ttl: number;
  readonly value: string;
  readonly characterStrings: readonly string[];
  readonly zoneFileLine: string;
  readonly route53ChangeBatch: unknown;
  readonly fingerprint: string;
  readonly requestedAt: string;
}

/** TTL of the requested record, in seconds. */
export const DNS_RECORD_TTL = 3600;

/** `dns-requests/<domain>/<selector>.zone`: the zone-file snippet next to the JSON request. */
export function dnsRequestZonePath(domain: string, selector: string): string {
  return dnsRequestPath(domain, selector).replace(/\.json$/, '.zone');
}

/** The request for a public key: pure (the same input gives the same request). */
export function buildDnsRequest(input: {
  readonly domain: string;
  readonly selector: string;
  readonly publicKey: KeyObject;
  readonly requestedAt: Date;
  readonly ttl?: number;
}): DnsRequest {
  const { domain, selector } = input;
  const ttl = input.ttl ?? DNS_RECORD_TTL;
  const recordName = dkimRecordName(selector, domain);
  const value = dkimTxtValue(input.publicKey);
  return {
    schemaVersion: 1,
    domain,
    selector,
    recordName,
    type: 'TXT',
    ttl,
    value,
    characterStrings: splitCharacterStrings(value),
    zoneFileLine: zoneFileLine(recordName, value, { ttl }),
    route53ChangeBatch: {
      Comment: `DKIM key ${selector} for ${domain}`,
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: `${recordName}.`,
            Type: 'TXT',
            TTL: ttl,
            ResourceRecords: [{ Value: route53TxtValue(value) }],
          },
        },
      ],
    },
    fingerprint: publicKeyFingerprint(input.publicKey),
    requestedAt: input.requestedAt.toISOString(),
  };
}

/**
 * The zone-file snippet (RFC 1035 master file): comments naming the request, then the one record
 * line. Deterministic, so a re-run writes the same bytes.
 */
export function zoneFileSnippet(request: DnsRequest): string {
  return [
    `; DKIM key ${request.selector} for ${request.domain}`,
    `; key fingerprint ${request.fingerprint}`,
    `; ${request.characterStrings.length} character-string(s) of at most 255 bytes; a verifier joins them with nothing in between`,
    request.zoneFileLine,
    '',
  ].join('\n');
}
