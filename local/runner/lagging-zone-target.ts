import type { Route53ZoneTarget } from '../route53';
import type { LocalDns } from './local-dns';

/**
 * What Route 53's changes reach in the local environment: the first name server at once, the others
 * `lagMs` later — a zone also served by a second provider, or by secondaries that transfer late.
 * Route 53 then reports INSYNC while some authoritative servers still answer the old data, which
 * is exactly what VerifyDnsRecord must not be fooled by.
 */
export class LaggingZoneTarget implements Route53ZoneTarget {
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly dns: LocalDns,
    private readonly lagMs: number,
  ) {}

  publishTxt(domain: string, name: string, value: string): void {
    this.#spread((on) => this.dns.publishTxt(domain, name, value, on));
  }

  removeTxt(domain: string, name: string): void {
    this.#spread((on) => this.dns.removeTxt(domain, name, on));
  }

  txtRecords(domain: string) {
    return this.dns.txtRecords(domain);
  }

  /** Drops the edits still waiting for the lagging servers. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #spread(edit: (on: 'all' | readonly number[]) => void): void {
    if (this.lagMs === 0 || this.dns.servers.length === 1) {
      edit('all');
      return;
    }
    edit([0]);
    const others = this.dns.servers.map((_, index) => index).slice(1);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      edit(others);
    }, this.lagMs);
    this.#timers.add(timer);
  }
}
