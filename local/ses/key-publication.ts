import type { KeyObject } from 'node:crypto';
import { dkimRecordName } from '../../shared/dkim/selector';
import { checkDkimRecords } from '../../shared/dkim/txt-record';

/**
 * How the SES stand-in learns whether a selector's record with the matching key is served: the
 * question SES itself keeps asking DNS after a new key is applied. Resolve `true` only when the
 * exact key is published (a record with another key, a revoked one or none at all is `false`).
 * A rejection counts as "not yet", as a DNS timeout does for SES.
 *
 * Wire it to the DNS verifier of shared/dns (every authoritative server must serve the key, the
 * strictest reading), or to a resolver with {@link isKeyPublishedVia}.
 */
export type IsKeyPublished = (domain: string, selector: string, publicKey: KeyObject) => Promise<boolean>;

/**
 * How the SES stand-in learns whether one of an Easy DKIM identity's CNAME records is served:
 * `name` (`<token>._domainkey.<domain>`) must be a CNAME to exactly `target`
 * (`<token>.dkim.amazonses.com`). SES "tries to find three unique CNAME records" (SES v2 API
 * Reference, DkimAttributes); it asks this for each token until SUCCESS or the window closes. A
 * rejection counts as "not yet".
 */
export type IsCnamePublished = (name: string, target: string) => Promise<boolean>;

/**
 * A DNS lookup in mailauth's shape: `resolver(name, 'TXT')` resolves with one array of
 * character-strings per TXT record, and rejects (code `ENOTFOUND`/`ENODATA`) when there is none.
 * `dns.promises.resolve` has this shape; so does the probe's resolver.
 */
export type TxtResolver = (name: string, rrtype: string) => Promise<string[][] | string[]>;

/**
 * An {@link IsKeyPublished} that asks one resolver for `<selector>._domainkey.<domain>` TXT and
 * compares the answer with the key using the same rules as the rotation's DNS check
 * (shared/dkim checkDkimRecords). Convenient when one resolver fronts the local zone; use the
 * multi-server verifier when a scenario makes one name server lag.
 */
export function isKeyPublishedVia(resolver: TxtResolver): IsKeyPublished {
  return async (domain, selector, publicKey) => {
    let answer: string[][] | string[];
    try {
      answer = await resolver(dkimRecordName(selector, domain), 'TXT');
    } catch {
      return false;
    }
    const records = answer.map((record) => (Array.isArray(record) ? record : [record]));
    return checkDkimRecords(records, publicKey).result === 'match';
  };
}
