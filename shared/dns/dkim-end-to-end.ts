import type { KeyObject } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { createTransport } from 'nodemailer';
import { privateKeyToPem } from '../dkim/keys';
import { dkimRecordName } from '../dkim/selector';
import { printable, sanitise } from '../sanitise';
import { DiscoveryError, findCnameChain, findZone, findZoneServers } from './discovery';
import { readAnswerChain } from './evaluate-answer';
import { DEFAULT_IPV6_POLICY, skippedReason, unroutedReason } from './ipv6-policy';
import { DnsTransportError, formatEndpoint, queryDns } from './transport';
import type { DnsCheckOptions, DnsEndpoint } from './types';
import { systemResolver } from './verify';

/** The outcome of signing a message with the new key and verifying it through DNS. */
export interface DkimEndToEndResult {
  /** `pass` only when the signature verified against every authoritative server's answer. */
  readonly result: 'pass' | 'fail' | 'neutral' | 'temperror' | 'permerror' | 'policy' | 'none';
  readonly detail: string;
}

/** Inputs of {@link checkDkimEndToEnd}. */
export interface DkimEndToEndInput {
  readonly domain: string;
  readonly selector: string;
  /** The new private key (used in memory only; never logged or returned). */
  readonly privateKey: KeyObject;
}

/**
 * A DNS lookup function with the `dns.promises.resolve` signature that asks one authoritative
 * server directly, following a CNAME on that server, and fails with `ENOTFOUND` / `ENODATA` as
 * Node's resolver does.
 */
export function authoritativeTxtResolver(
  server: DnsEndpoint,
  options: Pick<DnsCheckOptions, 'timeoutMs' | 'retries' | 'egress'> = {},
) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype !== 'TXT')
      throw Object.assign(new Error(`${rrtype} is not served by this resolver`), { code: 'ENOTIMP' });
    let current = name;
    for (let hop = 0; hop < 8; hop += 1) {
      const response = await queryDns(
        server,
        { type: 'TXT', name: current },
        { ...options, recursionDesired: false },
      );
      if (response.rcode === 'NXDOMAIN')
        throw Object.assign(new Error(`${current} NXDOMAIN`), { code: 'ENOTFOUND' });
      if (response.rcode !== 'NOERROR')
        throw Object.assign(new Error(`${current} ${response.rcode}`), { code: 'ESERVFAIL' });
      const chain = readAnswerChain(response.answers ?? [], current);
      if (chain.txt.length > 0)
        return chain.txt.map((strings) => strings.map((part) => part.toString('latin1')));
      if (chain.cnames.length === 0)
        throw Object.assign(new Error(`${current} has no TXT`), { code: 'ENODATA' });
      current = chain.finalName;
    }
    throw Object.assign(new Error(`CNAME chain at ${name} too long`), { code: 'ESERVFAIL' });
  };
}

/** Signs a small message with the key, as SES would sign outgoing mail (DKIM rsa-sha256, relaxed). */
export async function signTestMessage(input: DkimEndToEndInput): Promise<Buffer> {
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'crlf' });
  const info = await transport.sendMail({
    from: `dkim-check@${input.domain}`,
    to: `dkim-check@${input.domain}`,
    subject: 'BYODKIM rotation end-to-end check',
    text: 'Signed with the new key before it is applied to SES.',
    dkim: {
      domainName: input.domain,
      keySelector: input.selector,
      privateKey: privateKeyToPem(input.privateKey),
    },
  });
  return info.message as Buffer;
}

async function serversToAsk(recordName: string, options: DnsCheckOptions): Promise<DnsEndpoint[]> {
  if (options.nameServers && options.nameServers.length > 0) return [...options.nameServers];
  const resolver = options.resolver ?? systemResolver();
  const query = (question: Parameters<typeof queryDns>[1]) =>
    queryDns(resolver, question, {
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      egress: options.egress,
      recursionDesired: true,
    });
  const chain = await findCnameChain(recordName, query);
  const finalName = chain[chain.length - 1] ?? recordName;
  const zoneServers = await findZoneServers(
    await findZone(finalName, query),
    query,
    options.nameServerPort ?? 53,
  );
  return zoneServers.addresses.map((address) => address.endpoint);
}

/**
 * The last check before ApplyToSes: signs a message with the new private key using one maintained
 * DKIM implementation (nodemailer) and verifies it with an independent one (mailauth) whose key
 * lookups go to each authoritative name server directly. It passes only if every server address
 * checked verifies the signature — proof that receivers will accept what SES is about to sign.
 * IPv6 addresses follow `options.ipv6` as in `verifyDkimRecord`: those not checked are named in
 * `detail`, and a pass needs at least one address checked.
 */
export async function checkDkimEndToEnd(
  input: DkimEndToEndInput,
  options: DnsCheckOptions = {},
): Promise<DkimEndToEndResult> {
  const recordName = dkimRecordName(input.selector, input.domain);
  let servers: DnsEndpoint[];
  try {
    servers = await serversToAsk(recordName, options);
  } catch (error) {
    if (!(error instanceof DiscoveryError || error instanceof DnsTransportError)) throw error;
    return {
      result: 'temperror',
      detail: `cannot find the name servers of ${recordName}: ${sanitise(error.message)}`,
    };
  }
  if (servers.length === 0)
    return { result: 'temperror', detail: `no name server address for ${recordName}` };
  const message = await signTestMessage(input);
  const policy = options.ipv6 ?? DEFAULT_IPV6_POLICY;
  const outcomes = await Promise.all(
    servers.map(async (server) => {
      const skipped = skippedReason(server, policy);
      if (skipped !== undefined) return { server, status: 'not-checked', comment: ` (${skipped})` };
      let unrouted: string | undefined;
      const lookup = authoritativeTxtResolver(server, options);
      const verification = await dkimVerify(message, {
        resolver: async (name: string, rrtype: string) => {
          try {
            return await lookup(name, rrtype);
          } catch (error) {
            unrouted = unroutedReason(server, policy, error);
            throw error;
          }
        },
      });
      if (unrouted !== undefined) return { server, status: 'not-checked', comment: ` (${unrouted})` };
      const signature = verification.results.find((result) => result.selector === input.selector);
      const status = signature?.status?.result ?? 'none';
      // The verifier's comment may repeat what the key lookup returned: sanitised, briefly.
      const comment = signature?.status?.comment
        ? ` (${sanitise(String(signature.status.comment), 120)})`
        : '';
      return { server, status, comment };
    }),
  );
  const describeAll = (list: typeof outcomes) =>
    list
      .map(
        (outcome) =>
          `${printable(formatEndpoint(outcome.server), 64)} dkim=${outcome.status}${outcome.comment}`,
      )
      .join('; ');
  const skipped = outcomes.filter((outcome) => outcome.status === 'not-checked');
  const checked = outcomes.filter((outcome) => outcome.status !== 'not-checked');
  const failed = checked.filter((outcome) => outcome.status !== 'pass');
  const skippedNote = skipped.length === 0 ? '' : `; not checked: ${describeAll(skipped)}`;
  if (checked.length === 0) {
    return {
      result: 'temperror',
      detail: `no name server address of ${recordName} could be checked${skippedNote}`,
    };
  }
  if (failed.length === 0) {
    const all = skipped.length === 0 ? 'all' : 'all checked';
    return {
      result: 'pass',
      detail: `dkim=pass against ${all} ${checked.length} authoritative server address(es)${skippedNote}`,
    };
  }
  const first = failed[0] as (typeof failed)[number];
  return {
    result: first.status as DkimEndToEndResult['result'],
    detail: `${describeAll(failed)}${skippedNote}`,
  };
}
