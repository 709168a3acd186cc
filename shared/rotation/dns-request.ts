/**
 * The DNS request contract: what the DNS team (or, AUTO, Route 53) must publish for a key,
 * stored as `dns-requests/<domain>/<selector>.json` (public data only) next to a zone-file
 * snippet, `dns-requests/<domain>/<selector>.zone`. StoreDnsRequest writes it; NotifyDnsTeam,
 * PublishDnsRecord and RetireOldKey read it. The Route 53 change batches of the record (UPSERT
 * handed to the DNS team, CREATE and DELETE sent in AUTO by ./route53-records.ts) are built here,
 * so every copy of the record names, splits and escapes it the same way.
 */
import type { KeyObject } from 'node:crypto';
import type { ChangeBatch, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { z } from 'zod';
import { publicKeyFingerprint } from '../dkim/fingerprint';
import { dkimRecordName } from '../dkim/selector';
import { dkimTxtValue, route53TxtValue, splitCharacterStrings, zoneFileLine } from '../dkim/txt-record';
import { dnsRequestPath, getRequiredObject, type KeyStoreDeps } from './key-store';
import { parseStoredJson, type StoredContract } from './stored-json';

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

/** The record the workflow asks for (and, AUTO, publishes). */
export interface DkimTxtRecord {
  /** `<selector>._domainkey.<domain>`, without the trailing dot. */
  readonly recordName: string;
  /** The whole TXT value (`v=DKIM1; k=rsa; p=…`), split into 255-octet strings on the way. */
  readonly value: string;
  readonly ttl: number;
}

/**
 * What a change does: UPSERT in the batch handed to the DNS team (they may be replacing a draft),
 * CREATE when the workflow publishes (never overwrites), DELETE when it retires the old record.
 */
export type Route53ChangeAction = 'CREATE' | 'UPSERT' | 'DELETE';

/** `name` with exactly one trailing dot, as Route 53 writes names. */
export const absoluteName = (name: string) => `${name.replace(/\.$/, '')}.`;

/** `record` as a Route 53 record set: one resource record holding all its character-strings. */
export function dkimTxtRecordSet(record: DkimTxtRecord): ResourceRecordSet {
  return {
    Name: absoluteName(record.recordName),
    Type: 'TXT',
    TTL: record.ttl,
    ResourceRecords: [{ Value: route53TxtValue(record.value) }],
  };
}

/** Route 53 keeps a change batch comment to 256 characters. */
const MAX_COMMENT_CHARS = 256;

/**
 * A change batch of one `action` on `recordSet`, its comment cut to what Route 53 accepts. A DELETE
 * must carry the record set exactly as Route 53 listed it: it deletes only an exact match.
 */
export function route53ChangeBatch(
  action: Route53ChangeAction,
  recordSet: ResourceRecordSet,
  comment: string,
): ChangeBatch {
  return {
    Comment: comment.length > MAX_COMMENT_CHARS ? `${comment.slice(0, MAX_COMMENT_CHARS - 3)}...` : comment,
    Changes: [{ Action: action, ResourceRecordSet: recordSet }],
  };
}

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
    route53ChangeBatch: route53ChangeBatch(
      'UPSERT',
      dkimTxtRecordSet({ recordName, value, ttl }),
      `DKIM key ${selector} for ${domain}`,
    ),
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

/**
 * The stored object's shape, checked by every reader (an object edited by hand fails clearly).
 * Only this release's writer exists (schemaVersion 1): every field is required.
 */
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

const DNS_REQUEST: StoredContract = {
  title: 'The DNS request',
  kind: 'a DNS request',
  root: 'request',
  schema: DnsRequestSchema,
};

/**
 * Reads and checks the DNS request at `key`.
 * @throws KeyNotFoundError when it is absent; InvalidInputError naming the object when it is not
 *   JSON or not a DNS request of this release
 */
export async function readDnsRequest(deps: KeyStoreDeps, key: string): Promise<DnsRequest> {
  const body = (await getRequiredObject(deps, key, 'The DNS request')).body;
  return parseDnsRequest(body, `s3://${deps.bucket}/${key}`);
}

/**
 * Checks a DNS request already read (`source` names it in the error), for a reader to whom an
 * absent request is no error (the monitor).
 * @throws InvalidInputError naming `source` when it is not JSON or not a DNS request of this release
 */
export function parseDnsRequest(body: string, source: string): DnsRequest {
  return parseStoredJson<DnsRequest>(DNS_REQUEST, body, source);
}
