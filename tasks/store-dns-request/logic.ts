/**
 * StoreDnsRequest: writes what the DNS team must publish (record name, value, zone-file line in
 * 255-octet strings, Route 53 change batch) to `dns-requests/<domain>/<selector>.json`, once.
 */
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

export async function storeDnsRequest(
  state: RotationState,
  deps: StoreDnsRequestDeps,
): Promise<DnsRequestReference> {
  const { domain, selector } = state.plan;
  const certificate = parseDkimCertificate(
    (await getRequiredObject(deps, keyPaths(domain, selector).certificate, 'The certificate')).body,
  );
  const recordName = dkimRecordName(selector, domain);
  const value = dkimTxtValue(certificate.publicKey);
  const request: DnsRequest = {
    schemaVersion: 1,
    domain,
    selector,
    recordName,
    type: 'TXT',
    ttl: DNS_RECORD_TTL,
    value,
    characterStrings: splitCharacterStrings(value),
    zoneFileLine: zoneFileLine(recordName, value, { ttl: DNS_RECORD_TTL }),
    route53ChangeBatch: {
      Comment: `DKIM key ${selector} for ${domain}`,
      Changes: [
        {
          Action: 'UPSERT',
          ResourceRecordSet: {
            Name: `${recordName}.`,
            Type: 'TXT',
            TTL: DNS_RECORD_TTL,
            ResourceRecords: [{ Value: route53TxtValue(value) }],
          },
        },
      ],
    },
    fingerprint: publicKeyFingerprint(certificate.publicKey),
    requestedAt: deps.clock().toISOString(),
  };
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
  deps.logger.info('DNS request stored', { domain, selector, recordName, reused: outcome === 'exists' });
  return { dnsRequestKey: key, recordName };
}
