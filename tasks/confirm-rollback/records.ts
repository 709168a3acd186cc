/**
 * What DNS must serve for SES to verify the configuration RollbackSigning restored (pure):
 * - the previous external key: its TXT record `<selector>._domainkey.<domain>` with its public key;
 * - Easy DKIM (`AWS_SES`): three CNAMEs `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`,
 *   one per token GetEmailIdentity returns in `DkimAttributes.Tokens` (SES v2 API Reference,
 *   "DkimAttributes"; SES Developer Guide, "Easy DKIM in Amazon SES").
 * An identity that replicates its Easy DKIM from a parent region (Deterministic Easy DKIM,
 * `AWS_SES_<REGION>` origins) uses its parent identity's records, which this function cannot name:
 * it says so in `unnamed` instead of guessing a target.
 */
import type { KeyObject } from 'node:crypto';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import type { SesSigning } from '../../shared/rotation/ses-signing';
import type { PreviousSigning, RecordToPublish } from '../../shared/rotation/state';
import { printable } from '../../shared/sanitise';

/** The suffix of an Easy DKIM CNAME target for the `AWS_SES` origin. */
export const EASY_DKIM_TARGET_SUFFIX = 'dkim.amazonses.com';

/** A DNS label SES could hand out as a token: letters, digits, inner hyphens. */
const TOKEN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The records, and the regions whose records cannot be named (with why, printable). */
export interface RestoredRecords {
  readonly records: readonly RecordToPublish[];
  readonly unnamed: readonly string[];
}

/**
 * The records of every region's restored configuration, merged by record (regions sharing one
 * key, or one Easy DKIM token, share the record). `publicKeys` holds the previous keys' public
 * halves by selector; `signings` is what SES reports now (Easy DKIM's tokens come from there).
 */
export function restoredRecords(
  domain: string,
  previous: readonly PreviousSigning[],
  signings: readonly SesSigning[],
  publicKeys: ReadonlyMap<string, KeyObject>,
): RestoredRecords {
  const byKey = new Map<string, { record: Omit<RecordToPublish, 'regions'>; regions: string[] }>();
  const unnamed: string[] = [];
  const add = (record: Omit<RecordToPublish, 'regions'>, region: string) => {
    const key = `${record.type} ${record.name} ${record.value}`;
    const entry = byKey.get(key) ?? { record, regions: [] };
    entry.regions.push(region);
    byKey.set(key, entry);
  };
  for (const restored of previous) {
    const { region } = restored;
    if (restored.origin === 'EXTERNAL') {
      const publicKey = publicKeys.get(restored.selector);
      if (publicKey === undefined) {
        unnamed.push(`${region}: the public key of ${restored.selector} is not in the key store`);
        continue;
      }
      add(
        { type: 'TXT', name: `${restored.selector}._domainkey.${domain}`, value: dkimTxtValue(publicKey) },
        region,
      );
      continue;
    }
    const signing = signings.find((candidate) => candidate.region === region);
    if (restored.originValue !== 'AWS_SES') {
      unnamed.push(
        `${region}: Easy DKIM replicated from a parent identity (${printable(restored.originValue, 40)}) uses the parent identity's records, as the SES console lists them`,
      );
      continue;
    }
    const tokens = signing?.tokens ?? [];
    const bad = tokens.filter((token) => !TOKEN.test(token));
    if (tokens.length === 0 || bad.length > 0) {
      unnamed.push(
        `${region}: SES returned no usable Easy DKIM tokens (${tokens.map((token) => printable(token, 70)).join(', ') || 'none'})`,
      );
      continue;
    }
    for (const token of tokens) {
      const lower = token.toLowerCase();
      add(
        {
          type: 'CNAME',
          name: `${lower}._domainkey.${domain}`,
          value: `${lower}.${EASY_DKIM_TARGET_SUFFIX}`,
        },
        region,
      );
    }
  }
  return {
    records: [...byKey.values()].map(({ record, regions }) => ({ ...record, regions })),
    unnamed,
  };
}
