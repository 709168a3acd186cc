/**
 * Authoritative check of one CNAME record, as Easy DKIM needs them: `<token>._domainkey.<domain>`
 * must point to `<token>.dkim.amazonses.com` on every authoritative name server address of the
 * domain's zone. The same discipline as {@link verifyDkimRecord}: every address of every NS host
 * is asked directly with recursion off, never a resolver's cached view, and IPv6 addresses follow
 * the same policy. The target itself lives in SES's zone and is not ours to check.
 */
import { describeDifference, sanitise } from '../sanitise';
import { DiscoveryError, findZone, findZoneServers, type NameServerAddress } from './discovery';
import { answerData, headerVerdict } from './evaluate-answer';
import { DEFAULT_IPV6_POLICY, notChecked, skippedReason, unroutedReason } from './ipv6-policy';
import { type DnsResponse, DnsTransportError, formatEndpoint, queryDns } from './transport';
import type { DnsCheckOptions, DnsVerification, Ipv6Policy, ServerCheck } from './types';
import { decideVerdict, GIVEN_NAME_SERVERS, UNKNOWN_ZONE } from './verdict';
import { systemResolver } from './verify';

/** The CNAME to find. */
export interface CnameRecordInput {
  /** Owner name, e.g. `abc._domainkey.example.jp`. */
  readonly name: string;
  /** The name it must point to, e.g. `abc.dkim.amazonses.com`. */
  readonly target: string;
}

const bare = (name: string): string => name.replace(/\.$/, '').toLowerCase();

/**
 * Judges one authoritative server's answer to `CNAME <name>` (pure): no AA flag → `lame`;
 * SERVFAIL, REFUSED… → `refused`; NXDOMAIN or no CNAME at the name → `missing`; a CNAME to
 * another name → `mismatch`; the expected target → `match`.
 */
export function evaluateCnameAnswer(
  response: DnsResponse,
  name: string,
  target: string,
): Omit<ServerCheck, 'name' | 'address'> {
  const header = headerVerdict(response);
  if (header !== undefined) return header;
  const cname = (response.answers ?? []).find(
    (answer) => answer.type === 'CNAME' && bare(answer.name) === bare(name),
  );
  const pointsTo = cname === undefined ? undefined : answerData(cname);
  if (typeof pointsTo !== 'string')
    return { result: 'missing', detail: `NODATA: no CNAME record at ${name}` };
  if (bare(pointsTo) !== bare(target)) {
    // The served target is record content: compared, never quoted.
    return {
      result: 'mismatch',
      detail: `CNAME points elsewhere, not to ${target} (${describeDifference(bare(pointsTo), bare(target))})`,
    };
  }
  return { result: 'match', detail: `CNAME to ${target}` };
}

interface Settings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly ipv6: Ipv6Policy;
  readonly egress?: DnsCheckOptions['egress'];
}

async function askServer(
  server: NameServerAddress,
  input: CnameRecordInput,
  settings: Settings,
): Promise<ServerCheck> {
  const address = formatEndpoint(server.endpoint);
  const skipped = skippedReason(server.endpoint, settings.ipv6);
  if (skipped !== undefined) return notChecked(server.name, address, skipped);
  try {
    const response = await queryDns(
      server.endpoint,
      { type: 'CNAME', name: input.name },
      { ...settings, recursionDesired: false },
    );
    return { name: server.name, address, ...evaluateCnameAnswer(response, input.name, input.target) };
  } catch (error) {
    if (!(error instanceof DnsTransportError)) throw error;
    const reason = unroutedReason(server.endpoint, settings.ipv6, error);
    if (reason !== undefined) return notChecked(server.name, address, reason);
    return { name: server.name, address, result: 'unreachable', detail: error.message };
  }
}

/**
 * Checks that every authoritative name server address of the zone holding `input.name` serves
 * the CNAME to `input.target`. `options.nameServers` replaces discovery (split horizon, tests,
 * the local rehearsal), as for {@link verifyDkimRecord}.
 */
export async function verifyCnameRecord(
  input: CnameRecordInput,
  options: DnsCheckOptions = {},
): Promise<DnsVerification> {
  const settings: Settings = {
    timeoutMs: options.timeoutMs ?? 2000,
    retries: options.retries ?? 2,
    ipv6: options.ipv6 ?? DEFAULT_IPV6_POLICY,
    ...(options.egress ? { egress: options.egress } : {}),
  };
  const name = bare(input.name);
  if (options.nameServers && options.nameServers.length > 0) {
    const checks = await Promise.all(
      options.nameServers.map((endpoint) =>
        askServer({ name: endpoint.name ?? formatEndpoint(endpoint), endpoint }, input, settings),
      ),
    );
    return decideVerdict(name, GIVEN_NAME_SERVERS, checks);
  }
  const resolver = options.resolver ?? systemResolver();
  const resolverQuery = (question: Parameters<typeof queryDns>[1]) =>
    queryDns(resolver, question, { ...settings, recursionDesired: true });
  try {
    const zone = await findZone(name, resolverQuery);
    const servers = await findZoneServers(zone, resolverQuery, options.nameServerPort ?? 53);
    const checks: ServerCheck[] = servers.unresolvable.map((host) => ({
      name: host.name,
      address: '-',
      result: 'unreachable' as const,
      detail: host.detail,
    }));
    checks.push(
      ...(await Promise.all(servers.addresses.map((server) => askServer(server, input, settings)))),
    );
    return decideVerdict(name, zone, checks);
  } catch (error) {
    if (!(error instanceof DiscoveryError || error instanceof DnsTransportError)) throw error;
    return {
      ...decideVerdict(name, UNKNOWN_ZONE, []),
      message: `Cannot find the authoritative name servers of ${name} through resolver ${formatEndpoint(resolver)}: ${sanitise(error.message)}.`,
    };
  }
}
