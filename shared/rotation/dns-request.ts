/**
 * The DNS request contract: what the DNS team (or, AUTO, Route 53) must publish for a key,
 * stored as `dns-requests/<domain>/<selector>.json` (public data only) next to a zone-file
 * snippet, `dns-requests/<domain>/<selector>.zone`. StoreDnsRequest writes it; NotifyDnsTeam,
 * PublishDnsRecord and RetireOldKey read it.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { describeIssues } from '../config';
import { publicKeyFingerprint } from '../dkim/fingerprint';
import { dkimRecordName } from '../dkim/selector';
import { dkimTxtValue, route53TxtValue, splitCharacterStrings, zoneFileLine } from '../dkim/txt-record';
import { InvalidInputError } from '../errors';
import { dnsRequestPath, getRequiredObject, type KeyStoreDeps } from './key-store';

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

/** The stored object's shape, checked by every reader (an object edited by hand fails clearly). */
export const DnsRequestSchema = z.object({
  schemaVersion: z.literal(1),
  domain: z.string().min(1),
  selector: z.string().min(1),
  recordName: z.string().min(1),
  type: z.literal('TXT'),
  ttl: z.number().int().positive(),
  value: z.string().min(1),
  characterStrings: z.array(z.string()).min(1),
  zoneFileLine: z.string().min(1),
  route53ChangeBatch: z.unknown(),
  fingerprint: z.string().min(1),
  requestedAt: z.string().min(1),
});

/**
 * Reads and checks the DNS request at `key`.
 * @throws KeyNotFoundError when it is absent; InvalidInputError naming the object when it is not
 *   JSON or not a DNS request of this release
 */
export async function readDnsRequest(deps: KeyStoreDeps, key: string): Promise<DnsRequest> {
  const source = `s3://${deps.bucket}/${key}`;
  const body = (await getRequiredObject(deps, key, 'The DNS request')).body;
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (cause) {
    throw new InvalidInputError(`The DNS request ${source} is not JSON: it was changed by hand.`, { cause });
  }
  const parsed = DnsRequestSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidInputError(
      `The DNS request ${source} is not a DNS request: ${describeIssues(parsed.error.issues, 'request').join('; ')}`,
    );
  }
  return parsed.data as DnsRequest;
}
