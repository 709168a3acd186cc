import type { KeyObject } from 'node:crypto';
import { getServers } from 'node:dns';
import { isIP } from 'node:net';
import { dkimRecordName } from '../dkim/selector';
import { describeDifference, sanitise } from '../sanitise';
import {
  DiscoveryError,
  findCnameChain,
  findZone,
  findZoneServers,
  type NameServerAddress,
  type ResolverQuery,
} from './discovery';
import { evaluateTxtAnswer, MAX_CNAME_CHAIN } from './evaluate-answer';
import { DEFAULT_IPV6_POLICY, notChecked, skippedReason, unroutedReason } from './ipv6-policy';
import { DnsTransportError, formatEndpoint, queryDns } from './transport';
import type {
  DnsCheckOptions,
  DnsEgress,
  DnsEndpoint,
  DnsVerification,
  Ipv6Policy,
  ServerCheck,
  VerifyDkimRecordInput,
} from './types';
import { decideVerdict, GIVEN_NAME_SERVERS, UNKNOWN_ZONE } from './verdict';

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_RETRIES = 2;

/**
 * The system's first configured resolver (from /etc/resolv.conf), used to find name servers
 * when no resolver is configured.
 */
export function systemResolver(): DnsEndpoint {
  const [first] = getServers();
  if (!first) throw new DiscoveryError('no DNS resolver is configured on this system: pass one explicitly');
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(first);
  const host = match?.[1] ?? first;
  return { host, port: isIP(host) && match?.[2] ? Number(match[2]) : 53 };
}

/** Parses `host:port`, `[v6]:port` or a bare host (port 53). */
export function parseEndpoint(text: string): DnsEndpoint {
  const match =
    /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(text.trim()) ?? /^([0-9a-f:]+)$/i.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = match?.[3] === undefined ? 53 : Number(match[3]);
  if (!host || port < 1 || port > 65_535) throw new DiscoveryError(`"${text}" is not host:port`);
  return { host, port };
}

/**
 * Checks the DKIM record of `<selector>._domainkey.<domain>` on every authoritative name server
 * address of its zone, in parallel, asking each directly with recursion off.
 *
 * Discovery goes through the configured recursive resolver: the zone cut (SOA), a CNAME at the
 * selector (each hop checked on its own zone's servers), the NS set, and every A and AAAA address
 * of every NS host. `options.nameServers` replaces discovery with an explicit list (split horizon,
 * tests). The verdict passes only when every address checked serves exactly the key — never on a
 * partial or cached view, which is what broke our users' `nslookup` check. IPv6 addresses follow
 * `options.ipv6`: those the checking code cannot reach are reported `not-checked` with the reason.
 */
export async function verifyDkimRecord(
  input: VerifyDkimRecordInput,
  options: DnsCheckOptions = {},
): Promise<DnsVerification> {
  const recordName = dkimRecordName(input.selector, input.domain);
  const expect = input.expect ?? 'published';
  const queryOptions: QuerySettings = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? DEFAULT_RETRIES,
    ipv6: options.ipv6 ?? DEFAULT_IPV6_POLICY,
    ...(options.egress ? { egress: options.egress } : {}),
  };
  const askServer = (server: NameServerAddress, name: string) =>
    checkServer(server, name, input.publicKey, queryOptions);

  if (options.nameServers && options.nameServers.length > 0) {
    const servers = options.nameServers.map((endpoint) => ({
      name: endpoint.name ?? formatEndpoint(endpoint),
      endpoint,
    }));
    const checks = await Promise.all(servers.map((server) => askServer(server, recordName)));
    return decideVerdict(recordName, GIVEN_NAME_SERVERS, checks, expect);
  }

  const resolver = options.resolver ?? systemResolver();
  const resolverQuery: ResolverQuery = (question) =>
    queryDns(resolver, question, { ...queryOptions, recursionDesired: true });
  try {
    const chain = await findCnameChain(recordName, resolverQuery);
    const names = [recordName, ...chain];
    const finalName = names[names.length - 1] ?? recordName;
    const checks: ServerCheck[] = [];
    let finalZone = '';
    // Every hop of a CNAME chain must be served by every server of its own zone, and the final
    // name's TXT by every server of the final zone.
    for (const [index, name] of names.entries()) {
      const zone = await findZone(name, resolverQuery);
      const zoneServers = await findZoneServers(zone, resolverQuery, options.nameServerPort ?? 53);
      for (const host of zoneServers.unresolvable) {
        checks.push({ name: host.name, address: '-', result: 'unreachable', detail: host.detail });
      }
      const next = names[index + 1];
      const hopChecks = await Promise.all(
        zoneServers.addresses.map((server) =>
          next === undefined
            ? askServer(server, name)
            : checkCnameHop(server, name, next, input.publicKey, queryOptions),
        ),
      );
      checks.push(...hopChecks);
      finalZone = zone;
    }
    return decideVerdict(finalName, finalZone, checks, expect);
  } catch (error) {
    if (!(error instanceof DiscoveryError || error instanceof DnsTransportError)) throw error;
    return {
      ...decideVerdict(recordName, UNKNOWN_ZONE, [], expect),
      message: `Cannot find the authoritative name servers of ${recordName} through resolver ${formatEndpoint(resolver)}: ${sanitise(error.message)}.`,
    };
  }
}

interface QuerySettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly ipv6: Ipv6Policy;
  readonly egress?: DnsEgress;
}

/** The result of a query that failed: `not-checked` when only the missing IPv6 route is to blame. */
function failedQuery(
  server: NameServerAddress,
  address: string,
  error: DnsTransportError,
  settings: QuerySettings,
): ServerCheck {
  const reason = unroutedReason(server.endpoint, settings.ipv6, error);
  if (reason !== undefined) return notChecked(server.name, address, reason);
  return { name: server.name, address, result: 'unreachable', detail: error.message };
}

/** Asks one server for TXT at `name`, following a CNAME on the same server when needed. */
async function checkServer(
  server: NameServerAddress,
  name: string,
  publicKey: KeyObject,
  settings: QuerySettings,
): Promise<ServerCheck> {
  const address = formatEndpoint(server.endpoint);
  const skipped = skippedReason(server.endpoint, settings.ipv6);
  if (skipped !== undefined) return notChecked(server.name, address, skipped);
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop += 1) {
    let evaluated: ReturnType<typeof evaluateTxtAnswer>;
    try {
      const response = await queryDns(
        server.endpoint,
        { type: 'TXT', name: current },
        { ...settings, recursionDesired: false },
      );
      evaluated = evaluateTxtAnswer(response, current, publicKey);
    } catch (error) {
      if (!(error instanceof DnsTransportError)) throw error;
      return failedQuery(server, address, error, settings);
    }
    const { chain, ...check } = evaluated;
    const followCname =
      check.result === 'missing' && chain !== undefined && chain.cnames.length > 0 && chain.txt.length === 0;
    if (!followCname) return { name: server.name, address, ...check };
    current = chain.finalName;
  }
  return {
    name: server.name,
    address,
    result: 'mismatch',
    reason: 'malformed',
    detail: 'CNAME chain too long',
  };
}

/** Asks one server of a CNAME owner's zone whether `name` still points at `next`. */
async function checkCnameHop(
  server: NameServerAddress,
  name: string,
  next: string,
  publicKey: KeyObject,
  settings: QuerySettings,
): Promise<ServerCheck> {
  const address = formatEndpoint(server.endpoint);
  const skipped = skippedReason(server.endpoint, settings.ipv6);
  if (skipped !== undefined) return notChecked(server.name, address, skipped);
  try {
    const response = await queryDns(
      server.endpoint,
      { type: 'TXT', name },
      { ...settings, recursionDesired: false },
    );
    const { chain, ...check } = evaluateTxtAnswer(response, name, publicKey);
    const target = chain?.cnames[0];
    if (target === undefined || check.result === 'lame' || check.result === 'refused') {
      return { name: server.name, address, ...check };
    }
    const bare = (hop: string) => hop.replace(/\.$/, '').toLowerCase();
    if (bare(target) !== bare(next)) {
      // Both names are CNAME targets (record content): compared, never quoted.
      return {
        name: server.name,
        address,
        result: 'mismatch',
        reason: 'different-key',
        detail: `CNAME points elsewhere than the resolver's answer (${describeDifference(bare(target), bare(next))})`,
      };
    }
    return {
      name: server.name,
      address,
      result: 'match',
      detail: "CNAME as the resolver answered (checked on its own zone's servers)",
    };
  } catch (error) {
    if (!(error instanceof DnsTransportError)) throw error;
    return failedQuery(server, address, error, settings);
  }
}
