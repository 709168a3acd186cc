/**
 * One hosted zone's record sets and Route 53's rules for changing them: a batch is checked change
 * by change against the zone as the earlier changes leave it (so DELETE then CREATE of the same
 * set works), every problem is collected, and the batch is applied whole or not at all.
 *
 * Only TXT sets are stored; the apex SOA and NS sets are synthesised for listings from the
 * zone's name servers, as every Route 53 zone has them.
 */
import type { RequestedChange } from './change-batch';
import { invalidChangeBatch } from './errors';
import { absoluteName, canonicalName, compareRecordPosition, isInZone, nameProblem } from './names';
import { formatTxtValue, parseTxtValue, splitTxtValue } from './txt-value';

/** A TXT record set: one entry per resource record, each its character-strings (byte strings). */
export interface TxtRecordSet {
  /** Canonical: lower case, no trailing dot. */
  readonly name: string;
  readonly ttl: number;
  readonly records: readonly (readonly string[])[];
}

/** One change of an accepted batch, in batch order: what the name servers must be told. */
export interface ZoneStep {
  readonly action: RequestedChange['action'];
  readonly set: TxtRecordSet;
}

/** A record set as ListResourceRecordSets shows it. */
export interface ListedRecordSet {
  /** Fully qualified, with the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  /** The `Value` of each resource record, in Route 53's presentation. */
  readonly values: readonly string[];
}

/** Where a listing starts: a name, and optionally a type at that name. */
export interface ListStart {
  readonly name: string;
  readonly type?: string;
}

/** One page of a listing; `next` is where the following page starts. */
export interface ListedPage {
  readonly sets: readonly ListedRecordSet[];
  readonly next?: { readonly name: string; readonly type: string };
}

/** TTLs Route 53 gives the apex sets of a new zone. */
const SOA_TTL = 900;
const NS_TTL = 172_800;

const sameRecords = (a: TxtRecordSet['records'], b: TxtRecordSet['records']): boolean => {
  const canonical = (records: TxtRecordSet['records']) =>
    records.map((strings) => JSON.stringify(strings)).sort();
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
};

/** A hosted zone of the stand-in. */
export class HostedZone {
  #sets = new Map<string, TxtRecordSet>();

  /**
   * @param id the zone id without prefix (`Z0123456789ABC`)
   * @param domain the apex, canonical (`example.jp`)
   * @param nameServers host names of the zone's servers, for the SOA and NS sets
   */
  constructor(
    readonly id: string,
    readonly domain: string,
    readonly nameServers: readonly string[],
  ) {}

  /**
   * Replaces the zone's TXT sets with the records already served (joined values), with `ttl`;
   * records at one name make one set.
   */
  import(records: readonly { readonly name: string; readonly value: string }[], ttl: number): void {
    const sets = new Map<string, TxtRecordSet>();
    for (const record of records) {
      const name = canonicalName(record.name);
      if (!isInZone(name, this.domain)) continue;
      const existing = sets.get(name);
      sets.set(name, { name, ttl, records: [...(existing?.records ?? []), splitTxtValue(record.value)] });
    }
    this.#sets = sets;
  }

  /** The TXT set at `name` (any case, with or without the trailing dot), if any. */
  txtSet(name: string): TxtRecordSet | undefined {
    return this.#sets.get(canonicalName(name));
  }

  /** How many record sets the zone holds, the SOA and NS sets included. */
  recordSetCount(): number {
    return this.#sets.size + 2;
  }

  /**
   * Applies a batch atomically and returns its steps.
   * @throws Route53Error InvalidChangeBatch naming every problem; then nothing is applied.
   */
  apply(changes: readonly RequestedChange[]): ZoneStep[] {
    const staged = new Map(this.#sets);
    const problems: string[] = [];
    const steps: ZoneStep[] = [];
    for (const change of changes) {
      const name = canonicalName(change.name);
      const label = `[name='${name}.', type='${change.type}']`;
      const invalidName = nameProblem(name);
      if (invalidName !== undefined) {
        problems.push(invalidName);
        continue;
      }
      if (!isInZone(name, this.domain)) {
        problems.push(`RRSet with DNS name ${name}. is not permitted in zone ${this.domain}.`);
        continue;
      }
      const parsed = change.values.map(parseTxtValue);
      const refused = parsed.flatMap((value) => (value.ok ? [] : [value.problem]));
      if (refused.length > 0) {
        problems.push(...refused);
        continue;
      }
      const set: TxtRecordSet = {
        name,
        ttl: change.ttl,
        records: parsed.flatMap((value) => (value.ok ? [value.strings] : [])),
      };
      const current = staged.get(name);
      if (change.action === 'CREATE' && current) {
        problems.push(`Tried to create resource record set ${label} but it already exists`);
        continue;
      }
      if (change.action === 'DELETE') {
        if (!current) {
          problems.push(`Tried to delete resource record set ${label} but it was not found`);
          continue;
        }
        if (current.ttl !== set.ttl || !sameRecords(current.records, set.records)) {
          problems.push(
            `Tried to delete resource record set ${label} but the values provided do not match the current values`,
          );
          continue;
        }
        staged.delete(name);
      } else {
        staged.set(name, set);
      }
      steps.push({ action: change.action, set });
    }
    if (problems.length > 0) throw invalidChangeBatch(problems);
    this.#sets = staged;
    return steps;
  }

  /**
   * Lists record sets in Route 53's order from `start` (inclusive), at most `maxItems`.
   * Like Route 53, `start` is a position, not a filter: the sets after it follow, whatever their
   * name or type.
   */
  list(start: ListStart | undefined, maxItems: number): ListedPage {
    const all = this.#allSets().sort(compareRecordPosition);
    const from = start ? { name: start.name, type: start.type ?? '' } : undefined;
    const remaining = from ? all.filter((set) => compareRecordPosition(set, from) >= 0) : all;
    const page = remaining.slice(0, maxItems);
    const following = remaining[maxItems];
    return following ? { sets: page, next: { name: following.name, type: following.type } } : { sets: page };
  }

  #allSets(): ListedRecordSet[] {
    const apex = absoluteName(this.domain);
    const hosts = this.nameServers.map(absoluteName);
    const soa: ListedRecordSet = {
      name: apex,
      type: 'SOA',
      ttl: SOA_TTL,
      values: [`${hosts[0] ?? `ns1.${apex}`} hostmaster.${apex} 1 7200 900 1209600 86400`],
    };
    const ns: ListedRecordSet = { name: apex, type: 'NS', ttl: NS_TTL, values: hosts };
    const txt = [...this.#sets.values()].map(
      (set): ListedRecordSet => ({
        name: absoluteName(set.name),
        type: 'TXT',
        ttl: set.ttl,
        values: set.records.map(formatTxtValue),
      }),
    );
    return [soa, ns, ...txt];
  }
}
