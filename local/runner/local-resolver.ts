/**
 * DNS lookups against the zones of the local environment, as the outside world makes them:
 * receivers' TXT lookups (the probe's verifier, following CNAMEs from a domain's zone into AWS's
 * `dkim.amazonses.com`, as a recursive resolver does) and SES's check of Easy DKIM CNAME records.
 */
import { readAnswerChain } from '../../shared/dns/evaluate-answer';
import { queryDns } from '../../shared/dns/transport';
import type { DnsEndpoint } from '../../shared/dns/types';
import type { IsCnamePublished } from '../ses/key-publication';
import type { LocalZoneServers } from './local-dns';

/** Longest CNAME chain followed across zones (as shared/dns does). */
const MAX_HOPS = 8;

const canonical = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** Timeouts of one lookup. */
export interface LocalLookupOptions {
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** @default 2 */
  readonly retries?: number;
}

function lookupError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * A TXT resolver in mailauth's shape (`(name, 'TXT')` → one array of character-strings per
 * record; rejects with `ENOTFOUND` / `ENODATA` / `ESERVFAIL` as Node's resolver does) that asks the
 * authoritative servers of the local zones directly. Each hop asks one server of the zone holding
 * the name, in turn across the zone's addresses (receivers spread over a zone's name servers, so a
 * stale one is hit as it would be), and follows a CNAME into whichever local zone holds its
 * target. A name in no local zone does not exist.
 */
export function localTxtResolver(zones: readonly LocalZoneServers[], options: LocalLookupOptions = {}) {
  const turn = new Map<string, number>();
  const serverFor = (name: string): DnsEndpoint | undefined => {
    const zone = zones
      .filter((candidate) => name === candidate.origin || name.endsWith(`.${candidate.origin}`))
      .sort((a, b) => b.origin.length - a.origin.length)[0];
    if (!zone || zone.endpoints.length === 0) return undefined;
    const next = turn.get(zone.origin) ?? 0;
    turn.set(zone.origin, next + 1);
    return zone.endpoints[next % zone.endpoints.length];
  };
  return async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype !== 'TXT') throw lookupError(`${rrtype} is not served by this resolver`, 'ENOTIMP');
    let current = canonical(name);
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const server = serverFor(current);
      if (!server) throw lookupError(`${current} NXDOMAIN (no local zone)`, 'ENOTFOUND');
      const response = await queryDns(
        server,
        { type: 'TXT', name: current },
        { recursionDesired: false, timeoutMs: options.timeoutMs ?? 2_000, retries: options.retries ?? 2 },
      );
      if (response.rcode === 'NXDOMAIN') throw lookupError(`${current} NXDOMAIN`, 'ENOTFOUND');
      if (response.rcode !== 'NOERROR') throw lookupError(`${current} ${response.rcode}`, 'ESERVFAIL');
      const chain = readAnswerChain(response.answers ?? [], current);
      if (chain.txt.length > 0)
        return chain.txt.map((strings) => strings.map((part) => part.toString('latin1')));
      if (chain.cnames.length === 0) throw lookupError(`${current} has no TXT`, 'ENODATA');
      current = canonical(chain.finalName);
    }
    throw lookupError(`CNAME chain at ${name} too long`, 'ESERVFAIL');
  };
}

/**
 * SES's Easy DKIM check against the local zones: true only when every address of the domain's
 * name servers answers `name` with a CNAME to exactly `target` (the strictest reading, as the
 * BYODKIM check asks every server). A server that fails to answer makes it "not yet".
 */
export function cnamePublishedOnAll(
  endpoints: readonly DnsEndpoint[],
  options: LocalLookupOptions = {},
): IsCnamePublished {
  return async (name, target) => {
    if (endpoints.length === 0) return false;
    const answers = await Promise.all(
      endpoints.map(async (endpoint) => {
        try {
          const response = await queryDns(
            endpoint,
            { type: 'CNAME', name },
            { recursionDesired: false, timeoutMs: options.timeoutMs ?? 2_000, retries: options.retries ?? 2 },
          );
          if (response.rcode !== 'NOERROR') return false;
          return (response.answers ?? []).some(
            (answer) =>
              answer.type === 'CNAME' &&
              canonical(answer.name) === canonical(name) &&
              canonical(String(answer.data)) === canonical(target),
          );
        } catch {
          return false;
        }
      }),
    );
    return answers.every(Boolean);
  };
}
