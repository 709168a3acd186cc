import type { KeyObject } from 'node:crypto';
import type { DNSResolver } from 'mailauth';
import type { HostedKeyRecord } from '../../local/ses/easy-dkim';
import {
  type IsCnamePublished,
  type IsKeyPublished,
  isKeyPublishedVia,
} from '../../local/ses/key-publication';
import { dkimRecordName } from '../../shared/dkim/selector';
import { dkimTxtValue, splitCharacterStrings } from '../../shared/dkim/txt-record';

const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * A simple in-memory stand-in for the local DNS in these tests: TXT and CNAME records by name,
 * served to mailauth as a resolver (following CNAMEs, as a recursive resolver does) and to the SES
 * stand-in through isKeyPublishedVia and isCnamePublished. AWS's Easy DKIM key zone lives in the
 * same map: `hostKeys` is the stand-in's `hostEasyDkimKeys`.
 */
export class FakeZone {
  readonly #records = new Map<string, string[]>();
  readonly #cnames = new Map<string, string>();
  /** How many TXT lookups were made (to check SES keeps asking). */
  lookups = 0;

  /** Publishes the DKIM record of `publicKey` at `<selector>._domainkey.<domain>` (replacing any). */
  publishKey(domain: string, selector: string, publicKey: KeyObject): void {
    this.#records.set(dkimRecordName(selector, domain), [dkimTxtValue(publicKey)]);
  }

  /** Publishes an arbitrary TXT value at a name (replacing any). */
  publish(name: string, value: string): void {
    this.#records.set(canonical(name), [value]);
  }

  /** Publishes a CNAME record `name` → `target` (replacing any). */
  publishCname(name: string, target: string): void {
    this.#cnames.set(canonical(name), canonical(target));
  }

  remove(name: string): void {
    this.#records.delete(canonical(name));
    this.#cnames.delete(canonical(name));
  }

  /** mailauth-compatible resolver: TXT as arrays of 255-octet character-strings, like DNS. */
  readonly resolver: DNSResolver = async (name, rrtype) => {
    this.lookups += 1;
    let current = canonical(name);
    for (let hop = 0; hop < 8 && this.#cnames.has(current); hop += 1)
      current = this.#cnames.get(current) as string;
    const values = this.#records.get(current);
    if (rrtype !== 'TXT' || !values) {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    }
    return values.map((value) => splitCharacterStrings(value));
  };

  readonly isKeyPublished: IsKeyPublished = isKeyPublishedVia(this.resolver);

  readonly isCnamePublished: IsCnamePublished = async (name, target) =>
    this.#cnames.get(canonical(name)) === canonical(target);

  /** Serves the keys the SES stand-in hosts for its Easy DKIM tokens. */
  readonly hostKeys = (records: readonly HostedKeyRecord[]): void => {
    for (const record of records) this.publish(record.name, record.value);
  };
}
