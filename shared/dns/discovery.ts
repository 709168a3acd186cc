import type * as dnsPacket from 'dns-packet';
import { printable } from '../sanitise';
import { answerData, MAX_CNAME_CHAIN, readAnswerChain } from './evaluate-answer';
import { MAX_NAME_SERVER_ADDRESSES, MAX_NAME_SERVER_HOSTS } from './limits';
import { type DnsResponse, DnsTransportError } from './transport';
import type { DnsEndpoint } from './types';

/** Sends one question to the configured recursive resolver. */
export type ResolverQuery = (question: dnsPacket.Question) => Promise<DnsResponse>;

/** One authoritative name server address to ask. */
export interface NameServerAddress {
  /** The NS host name. */
  readonly name: string;
  readonly endpoint: DnsEndpoint;
}

/** The name servers of a zone, and the NS hosts that have no address. */
export interface ZoneServers {
  readonly zone: string;
  readonly addresses: readonly NameServerAddress[];
  /** NS hosts whose A/AAAA lookup found nothing or failed, with why. */
  readonly unresolvable: ReadonlyArray<{ readonly name: string; readonly detail: string }>;
}

/** Discovery failed: the zone or its name servers could not be found. */
export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

const trimDot = (name: string): string => name.replace(/\.$/, '').toLowerCase();
const isSubdomainOf = (name: string, zone: string): boolean =>
  zone === '' || trimDot(name) === trimDot(zone) || trimDot(name).endsWith(`.${trimDot(zone)}`);
const parentOf = (name: string): string => trimDot(name).split('.').slice(1).join('.');

function ensureAnswered(response: DnsResponse, what: string): void {
  if (response.rcode !== 'NOERROR' && response.rcode !== 'NXDOMAIN') {
    throw new DiscoveryError(`the resolver answered ${response.rcode} for ${what}`);
  }
}

/**
 * The zone (apex) holding `name`: the closest enclosing name with an SOA. Asks the resolver for
 * the SOA of `name` and reads the apex from the answer or from the SOA in the authority section of
 * a negative answer, walking up a label whenever the answer is about another zone (a CNAME).
 */
export async function findZone(name: string, query: ResolverQuery): Promise<string> {
  let candidate = trimDot(name);
  while (candidate !== '') {
    const response = await query({ type: 'SOA', name: candidate });
    ensureAnswered(response, `SOA ${candidate}`);
    const apexSoa = (response.answers ?? []).find(
      (answer) => answer.type === 'SOA' && trimDot(answer.name) === candidate,
    );
    if (apexSoa) return candidate;
    const authoritySoa = (response.authorities ?? []).find((answer) => answer.type === 'SOA');
    if (authoritySoa && isSubdomainOf(candidate, authoritySoa.name)) return trimDot(authoritySoa.name);
    candidate = parentOf(candidate);
  }
  throw new DiscoveryError(`no zone (SOA) found above ${name}`);
}

/** The CNAME chain at `name` as the resolver sees it (empty when `name` holds its own records). */
export async function findCnameChain(name: string, query: ResolverQuery): Promise<string[]> {
  const response = await query({ type: 'TXT', name });
  ensureAnswered(response, `TXT ${name}`);
  const chain = readAnswerChain(response.answers ?? [], name);
  if (chain.cnames.length >= MAX_CNAME_CHAIN)
    throw new DiscoveryError(`CNAME chain at ${name} is too long (loop?)`);
  return [...chain.cnames];
}

async function addressesOf(host: string, query: ResolverQuery): Promise<string[]> {
  const results = await Promise.allSettled(
    (['A', 'AAAA'] as const).map(async (type) => {
      const response = await query({ type, name: host });
      ensureAnswered(response, `${type} ${host}`);
      const chain = readAnswerChain(response.answers ?? [], host);
      return (response.answers ?? [])
        .filter((answer) => answer.type === type && trimDot(answer.name) === trimDot(chain.finalName))
        .map((answer) => String(answerData(answer)));
    }),
  );
  const found = results.flatMap((result) => (result.status === 'fulfilled' ? result.value : []));
  if (found.length > 0) return [...new Set(found)];
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return [];
}

/**
 * The zone's NS host names and every IPv4 and IPv6 address of each, through the resolver.
 * `port` is where the servers are asked (53 in production; tests use loopback addresses and a
 * high port). An NS set over {@link MAX_NAME_SERVER_HOSTS} hosts or
 * {@link MAX_NAME_SERVER_ADDRESSES} addresses is refused (DiscoveryError): every address must be
 * checked, and that many is a broken or hostile zone, not one to query all at once.
 */
export async function findZoneServers(
  zone: string,
  query: ResolverQuery,
  port: number,
): Promise<ZoneServers> {
  const response = await query({ type: 'NS', name: zone });
  ensureAnswered(response, `NS ${zone}`);
  const hosts = [
    ...new Set(
      (response.answers ?? [])
        .filter((answer) => answer.type === 'NS' && trimDot(answer.name) === trimDot(zone))
        .map((answer) => trimDot(String(answerData(answer)))),
    ),
  ].sort();
  if (hosts.length === 0) throw new DiscoveryError(`the zone ${zone} has no NS records`);
  if (hosts.length > MAX_NAME_SERVER_HOSTS) {
    throw new DiscoveryError(
      `the zone ${printable(zone, 100)} has ${hosts.length} NS hosts, more than the ${MAX_NAME_SERVER_HOSTS} this product checks (every one must serve the record): check the zone's NS set`,
    );
  }
  const addresses: NameServerAddress[] = [];
  const unresolvable: Array<{ name: string; detail: string }> = [];
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const found = await addressesOf(host, query);
        if (found.length === 0)
          unresolvable.push({ name: host, detail: 'the NS host has no A or AAAA record' });
        for (const address of found) addresses.push({ name: host, endpoint: { host: address, port } });
      } catch (error) {
        const reason =
          error instanceof DnsTransportError || error instanceof DiscoveryError
            ? error.message
            : String(error);
        unresolvable.push({ name: host, detail: `cannot resolve the NS host: ${reason}` });
      }
    }),
  );
  if (addresses.length > MAX_NAME_SERVER_ADDRESSES) {
    throw new DiscoveryError(
      `the NS hosts of ${printable(zone, 100)} have ${addresses.length} addresses, more than the ${MAX_NAME_SERVER_ADDRESSES} this product checks (every one must serve the record): check their A and AAAA records`,
    );
  }
  addresses.sort((a, b) => a.name.localeCompare(b.name) || a.endpoint.host.localeCompare(b.endpoint.host));
  return { zone, addresses, unresolvable };
}
