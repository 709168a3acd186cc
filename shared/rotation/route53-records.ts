/**
 * DKIM TXT records in a Route 53 hosted zone (rotationMode AUTO): create the new selector's record
 * and delete the old one — nothing else. CREATE, never UPSERT: a record already at the new name
 * with another value is someone else's and is reported, not overwritten. DELETE sends the exact
 * current values read just before, as Route 53 requires, so a record edited by hand meanwhile
 * makes the change fail instead of removing something unexpected. The change batches themselves
 * are the DNS request contract's (./dns-request.ts).
 */
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { DnsRecordMismatchError, InvalidInputError } from '../errors';
import { callAws } from './aws-errors';
import { absoluteName, type DkimTxtRecord, dkimTxtRecordSet, route53ChangeBatch } from './dns-request';

/** What a Route 53 change needs. */
export interface Route53Deps {
  readonly route53: Route53Client;
}

/** How a change ended. */
export interface Route53ChangeOutcome {
  /** Route 53's change id; absent when there was nothing to change. */
  readonly changeId?: string;
  /** True when the zone already was as wanted (a redrive, a retry after a timeout). */
  readonly unchanged: boolean;
}

/** Route 53 escapes some characters in names as `\ooo`; DKIM names are LDH and `_`, so only case and the dot. */
const sameName = (a: string | undefined, b: string) =>
  a !== undefined && absoluteName(a).toLowerCase() === absoluteName(b).toLowerCase();

/**
 * The character-strings of a Route 53 TXT value (`"a" "b"`), unescaped and joined. Route 53 lists
 * some characters as three-digit octal escapes (`\052`); `\"` and `\\` stand for themselves.
 */
export function joinRoute53TxtValue(value: string): string {
  const strings = [...value.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) =>
    (match[1] ?? '').replace(/\\([0-7]{3}|.)/g, (_escape, code: string) =>
      code.length === 3 ? String.fromCharCode(Number.parseInt(code, 8)) : code,
    ),
  );
  return strings.length > 0 ? strings.join('') : value;
}

/** The TXT record set at `recordName`, if any. */
export async function readTxtRecordSet(
  deps: Route53Deps,
  hostedZoneId: string,
  recordName: string,
): Promise<ResourceRecordSet | undefined> {
  const listed = await callAws('Route 53 ListResourceRecordSets', () =>
    deps.route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        StartRecordName: absoluteName(recordName),
        StartRecordType: 'TXT',
        MaxItems: 1,
      }),
    ),
  );
  const first = listed.ResourceRecordSets?.[0];
  return first !== undefined && first.Type === 'TXT' && sameName(first.Name, recordName) ? first : undefined;
}

/** The joined values of a record set (one per resource record). */
export function txtValuesOf(set: ResourceRecordSet): string[] {
  return (set.ResourceRecords ?? []).map((record) => joinRoute53TxtValue(record.Value ?? ''));
}

/**
 * Publishes `record` with CREATE. When the name already holds exactly this value (one record) the
 * zone is left as it is; any other value there throws {@link DnsRecordMismatchError}.
 */
export async function createDkimTxtRecord(
  deps: Route53Deps,
  hostedZoneId: string,
  record: DkimTxtRecord,
  comment: string,
): Promise<Route53ChangeOutcome> {
  const judgeExisting = async (): Promise<Route53ChangeOutcome | undefined> => {
    const existing = await readTxtRecordSet(deps, hostedZoneId, record.recordName);
    if (existing === undefined) return undefined;
    const values = txtValuesOf(existing);
    if (values.length === 1 && values[0] === record.value) return { unchanged: true };
    throw new DnsRecordMismatchError(
      `Route 53 zone ${hostedZoneId} already has a TXT record at ${record.recordName} with another value; the workflow does not overwrite it. Remove it, or let the next selector be used by starting a new rotation.`,
    );
  };
  const create = new ChangeResourceRecordSetsCommand({
    HostedZoneId: hostedZoneId,
    ChangeBatch: route53ChangeBatch('CREATE', dkimTxtRecordSet(record), comment),
  });
  return inZone(hostedZoneId, async () => {
    const before = await judgeExisting();
    if (before !== undefined) return before;
    try {
      const changed = await callAws('Route 53 ChangeResourceRecordSets', () => deps.route53.send(create));
      return { changeId: changed.ChangeInfo?.Id, unchanged: false };
    } catch (error) {
      // Another run created it between our read and our CREATE: judge what is there now.
      const now = (error as Error).name === 'InvalidChangeBatch' ? await judgeExisting() : undefined;
      if (now !== undefined) return now;
      throw error;
    }
  });
}

/**
 * Deletes the TXT record set at `recordName` with its exact current values, when every value is one
 * `ours` accepts (the old key, or its revocation); a set holding anything else is not the
 * workflow's to remove: {@link DnsRecordMismatchError}. Nothing there: the zone is left as it is (a
 * retry after the delete went through, or someone removed it first).
 */
export async function deleteDkimTxtRecord(
  deps: Route53Deps,
  hostedZoneId: string,
  recordName: string,
  ours: (value: string) => boolean,
  comment: string,
): Promise<Route53ChangeOutcome> {
  return inZone(hostedZoneId, async () => {
    const existing = await readTxtRecordSet(deps, hostedZoneId, recordName);
    if (existing === undefined) return { unchanged: true };
    if (!txtValuesOf(existing).every(ours)) {
      throw new DnsRecordMismatchError(
        `Route 53 zone ${hostedZoneId} holds a TXT record at ${recordName} with a value the workflow did not publish; it deletes only the old key's own record. Remove or revoke it by hand.`,
      );
    }
    try {
      const changed = await callAws('Route 53 ChangeResourceRecordSets', () =>
        deps.route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: hostedZoneId,
            ChangeBatch: route53ChangeBatch('DELETE', existing, comment),
          }),
        ),
      );
      return { changeId: changed.ChangeInfo?.Id, unchanged: false };
    } catch (error) {
      // "…but it was not found": a retried request whose first attempt went through, or someone
      // removed it between our read and our DELETE. Gone is what we wanted.
      if (
        (error as Error).name === 'InvalidChangeBatch' &&
        (await readTxtRecordSet(deps, hostedZoneId, recordName)) === undefined
      ) {
        return { unchanged: true };
      }
      throw error;
    }
  });
}

/** A hosted zone that does not exist is a configuration error: say which setting to fix. */
async function inZone<T>(hostedZoneId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as Error).name === 'NoSuchHostedZone') {
      throw new InvalidInputError(
        `Route 53 has no hosted zone ${hostedZoneId}: correct the domain's hostedZoneId in the configuration, deploy, and start a new rotation (this execution keeps the zone id it started with).`,
        { cause: error },
      );
    }
    throw error;
  }
}
