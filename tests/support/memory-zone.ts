/**
 * One zone's name servers as an in-memory map (TXT value by name): what the Route 53 stand-in
 * pushes its changes to in tests that need no real DNS server. Not a test file.
 */
import type { Route53ZoneTarget } from '../../local/route53';

export class MemoryZone implements Route53ZoneTarget {
  readonly records: Map<string, string>;

  constructor(
    readonly domain: string,
    records: Readonly<Record<string, string>> = {},
  ) {
    this.records = new Map(Object.entries(records));
  }

  publishTxt(domain: string, name: string, value: string): void {
    this.#check(domain);
    this.records.set(name, value);
  }

  removeTxt(domain: string, name: string): void {
    this.#check(domain);
    this.records.delete(name);
  }

  txtRecords(domain: string): { name: string; value: string }[] {
    this.#check(domain);
    return [...this.records].map(([name, value]) => ({ name, value }));
  }

  /** The value served at `name`, if any. */
  served(name: string): string | undefined {
    return this.records.get(name);
  }

  #check(domain: string): void {
    if (domain !== this.domain) throw new Error(`${domain} is not served here`);
  }
}
