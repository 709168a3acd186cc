import type { KeyObject } from 'node:crypto';
import type { DNSResolver } from 'mailauth';
import { type IsKeyPublished, isKeyPublishedVia } from '../../local/ses/key-publication';
import { dkimRecordName } from '../../shared/dkim/selector';
import { dkimTxtValue, splitCharacterStrings } from '../../shared/dkim/txt-record';

/**
 * A simple in-memory stand-in for the local DNS in these tests: TXT records by name, served to
 * mailauth as a resolver and to the SES stand-in through isKeyPublishedVia.
 */
export class FakeZone {
  readonly #records = new Map<string, string[]>();
  /** How many TXT lookups were made (to check SES keeps asking). */
  lookups = 0;

  /** Publishes the DKIM record of `publicKey` at `<selector>._domainkey.<domain>` (replacing any). */
  publishKey(domain: string, selector: string, publicKey: KeyObject): void {
    this.#records.set(dkimRecordName(selector, domain), [dkimTxtValue(publicKey)]);
  }

  /** Publishes an arbitrary TXT value at a name (replacing any). */
  publish(name: string, value: string): void {
    this.#records.set(name.toLowerCase(), [value]);
  }

  remove(name: string): void {
    this.#records.delete(name.toLowerCase());
  }

  /** mailauth-compatible resolver: TXT as arrays of 255-octet character-strings, like DNS. */
  readonly resolver: DNSResolver = async (name, rrtype) => {
    this.lookups += 1;
    const values = this.#records.get(name.toLowerCase().replace(/\.$/, ''));
    if (rrtype !== 'TXT' || !values) {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    }
    return values.map((value) => splitCharacterStrings(value));
  };

  readonly isKeyPublished: IsKeyPublished = isKeyPublishedVia(this.resolver);
}
