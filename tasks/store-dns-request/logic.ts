/**
 * StoreDnsRequest: writes what the DNS team must publish (record name, value, zone-file line in
 * 255-octet strings, Route 53 change batch) to `dns-requests/<domain>/<selector>.json`, once, and
 * the same record as a zone-file snippet the team can paste, `dns-requests/<domain>/<selector>.zone`.
 */
import type { KeyObject } from 'node:crypto';
import { parseDkimCertificate } from '../../shared/dkim/certificate';
import { publicKeyFingerprint } from '../../shared/dkim/fingerprint';
import { dkimRecordName } from '../../shared/dkim/selector';
import {
  dkimTxtValue,
  route53TxtValue,
  splitCharacterStrings,
  zoneFileLine,
} from '../../shared/dkim/txt-record';
import { InvalidInputError } from '../../shared/errors';
import {
  dnsRequestPath,
  getRequiredObject,
  type KeyStoreDeps,
  keyPaths,
  putIfAbsent,
} from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { DnsRequestReference, RotationState } from '../../shared/rotation/state';

export type StoreDnsRequestDeps = BaseDeps & KeyStoreDeps;

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

export async function storeDnsRequest(
  state: RotationState,
  deps: StoreDnsRequestDeps,
): Promise<DnsRequestReference> {
  const { domain, selector } = state.plan;
  const certificate = parseDkimCertificate(
    (await getRequiredObject(deps, keyPaths(domain, selector).certificate, 'The certificate')).body,
  );
  const request = buildDnsRequest({
    domain,
    selector,
    publicKey: certificate.publicKey,
    requestedAt: deps.clock(),
  });
  const { recordName, value } = request;
  const key = dnsRequestPath(domain, selector);
  const outcome = await putIfAbsent(deps, key, `${JSON.stringify(request, null, 2)}\n`, 'application/json');
  if (outcome === 'exists') {
    const stored = JSON.parse((await getRequiredObject(deps, key, 'The DNS request')).body) as DnsRequest;
    if (stored.value !== value) {
      throw new InvalidInputError(
        `s3://${deps.bucket}/${key} asks for another key than ${selector}'s certificate: inspect both before going on.`,
      );
    }
  }
  const zoneKey = dnsRequestZonePath(domain, selector);
  await putIfAbsent(deps, zoneKey, zoneFileSnippet(request), 'text/dns; charset=us-ascii');
  deps.logger.info('DNS request stored', { domain, selector, recordName, reused: outcome === 'exists' });
  return { dnsRequestKey: key, recordName, zoneFileKey: zoneKey };
}
