import type { KeyObject } from 'node:crypto';
import type { AuthoritativeDnsServer } from '../../local/dns/authoritative-server';
import { txtRecord, type ZoneNameServer, type ZoneRecordSpec } from '../../local/dns/zone-writer';
import { generateDkimKeyPair } from '../../shared/dkim/keys';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { checkDkimEndToEnd, LAMBDA_NO_IPV6_REASON, verifyDkimRecord } from '../../shared/dns';
import { DnsTransportError, isNoRoute, queryDns } from '../../shared/dns/transport';
import type { DnsCheckOptions } from '../../shared/dns/types';
import { DnsLab } from './support/dns-lab';

jest.setTimeout(30_000);

/**
 * Real packets on loopback: ns1 answers on 127.0.0.2 and ::1 (one in-process server per address,
 * same port), ns2 on 127.0.0.3 only; the zone publishes A and AAAA for them as real zones do.
 * The network without IPv6 egress is the transport's injected `egress`, which fails a send the
 * way a Lambda function outside a VPC fails it: ENETUNREACH.
 */
const ORIGIN = 'example.test';
const SELECTOR = 's20261203-1';
const RECORD = `${SELECTOR}._domainkey.${ORIGIN}`;
const QUICK = { timeoutMs: 300, retries: 1 };
const NO_IPV6 = { ipv4: true, ipv6: false } as const;

let key: KeyObject;
let privateKey: KeyObject;
let lab: DnsLab;

beforeAll(async () => {
  ({ publicKey: key, privateKey } = await generateDkimKeyPair(2048));
});

beforeEach(() => {
  lab = new DnsLab();
});

afterEach(async () => {
  await lab.stop();
});

interface Lab {
  readonly options: DnsCheckOptions;
  readonly ns1v6: AuthoritativeDnsServer;
  readonly ns2: AuthoritativeDnsServer;
  readonly port: number;
}

async function startZone(
  records: readonly ZoneRecordSpec[],
  options: { ns2Records?: readonly ZoneRecordSpec[]; nameServers?: ZoneNameServer[] } = {},
): Promise<Lab> {
  const nameServers = options.nameServers ?? [
    { host: `ns1.${ORIGIN}`, addresses: ['127.0.0.2', '::1'] },
    { host: `ns2.${ORIGIN}`, addresses: ['127.0.0.3'] },
  ];
  const current = lab.writeZone('v6.zone', { origin: ORIGIN, nameServers, records });
  const ns2File = lab.writeZone('v6-ns2.zone', {
    origin: ORIGIN,
    nameServers,
    records: options.ns2Records ?? records,
  });
  const ns1v4 = await lab.startInProcess({ zoneFile: current, origin: ORIGIN, host: '127.0.0.2' });
  const port = ns1v4.endpoint.port;
  const ns1v6 = await lab.startInProcess({ zoneFile: current, origin: ORIGIN, host: '::1', port });
  const ns2 = await lab.startInProcess({ zoneFile: ns2File, origin: ORIGIN, host: '127.0.0.3', port });
  return { options: { resolver: ns1v4.endpoint, nameServerPort: port, ...QUICK }, ns1v6, ns2, port };
}

const input = { domain: ORIGIN, selector: SELECTOR };
const published = () => [txtRecord(RECORD, dkimTxtValue(key))];
const results = (verdict: Awaited<ReturnType<typeof verifyDkimRecord>>) =>
  verdict.servers.map((server) => [server.name, server.address, server.result, server.detail]);

describe('a network without IPv6 egress (the transport)', () => {
  it('fails a send to an IPv6 address with ENETUNREACH, and nothing reaches the server', async () => {
    const { ns1v6 } = await startZone(published());
    const error = await queryDns(
      ns1v6.endpoint,
      { type: 'TXT', name: RECORD },
      { recursionDesired: false, ...QUICK, egress: NO_IPV6 },
    ).catch((caught: unknown) => caught);
    expect(isNoRoute(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ENETUNREACH' });
    expect(ns1v6.queries).toEqual({ udp: 0, tcp: 0 });
  });

  it('takes a kernel without IPv6 (EAFNOSUPPORT) for no route, like ENETUNREACH, and a timeout for neither', () => {
    expect(isNoRoute(new DnsTransportError('socket: address family not supported', 'EAFNOSUPPORT'))).toBe(
      true,
    );
    expect(isNoRoute(new DnsTransportError('no answer', 'ETIMEDOUT'))).toBe(false);
  });

  it('still sends to IPv4 addresses', async () => {
    const { ns2 } = await startZone(published());
    const response = await queryDns(
      ns2.endpoint,
      { type: 'TXT', name: RECORD },
      { recursionDesired: false, ...QUICK, egress: NO_IPV6 },
    );
    expect(response.flag_aa).toBe(true);
  });
});

describe('the IPv6 policy of a check', () => {
  it('by default (Lambda outside a VPC) checks every IPv4 address and reports IPv6 not checked, with the reason', async () => {
    const { options, port, ns1v6 } = await startZone(published());
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'skip', reason: LAMBDA_NO_IPV6_REASON } },
    );
    expect(results(verdict)).toEqual([
      [`ns1.${ORIGIN}`, `[::1]:${port}`, 'not-checked', LAMBDA_NO_IPV6_REASON],
      [`ns1.${ORIGIN}`, `127.0.0.2:${port}`, 'match', expect.any(String)],
      [`ns2.${ORIGIN}`, `127.0.0.3:${port}`, 'match', expect.any(String)],
    ]);
    expect(verdict.verified).toBe(true);
    expect(verdict.message).toContain(`1 address(es) not checked (${LAMBDA_NO_IPV6_REASON}): [::1]:${port}`);
    expect(ns1v6.queries).toEqual({ udp: 0, tcp: 0 });
  });

  it('still refuses to verify while an IPv4 server is stale, and names the IPv6 addresses not checked', async () => {
    const { options, port } = await startZone(published(), { ns2Records: [] });
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'skip', reason: LAMBDA_NO_IPV6_REASON } },
    );
    expect(verdict).toMatchObject({ verified: false, error: 'DnsRecordNotFound' });
    expect(verdict.message).toContain(`ns2.${ORIGIN} (127.0.0.3:${port}) missing`);
    expect(verdict.message).toContain('not checked (Lambda outside a VPC has no IPv6 egress)');
  });

  it('checks every IPv6 address when the deployment has IPv6 egress, and a stale one blocks', async () => {
    const { options, ns1v6 } = await startZone(published());
    const all = await verifyDkimRecord({ ...input, publicKey: key }, { ...options, ipv6: { mode: 'check' } });
    expect(all.servers.map((server) => server.result)).toEqual(['match', 'match', 'match']);
    expect(all.verified).toBe(true);
    ns1v6.setBehaviour('refused');
    const blocked = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'check' } },
    );
    expect(blocked.verified).toBe(false);
  });

  it('fails as DnsLookupFailed when IPv6 egress was promised but the network has no route', async () => {
    const { options } = await startZone(published());
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'check' }, egress: NO_IPV6 },
    );
    expect(verdict.servers[0]).toMatchObject({
      result: 'unreachable',
      detail: expect.stringContaining('ENETUNREACH'),
    });
    expect(verdict).toMatchObject({ verified: false, error: 'DnsLookupFailed' });
  });

  it('on a machine without an IPv6 route (when-routed) reports IPv6 not checked with the kernel reason', async () => {
    const { options, port } = await startZone(published());
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'when-routed' }, egress: NO_IPV6 },
    );
    expect(results(verdict)[0]).toEqual([
      `ns1.${ORIGIN}`,
      `[::1]:${port}`,
      'not-checked',
      'no IPv6 route from this machine (ENETUNREACH)',
    ]);
    expect(verdict.verified).toBe(true);
  });

  it('on a machine with an IPv6 route (when-routed) checks the IPv6 addresses', async () => {
    const { options } = await startZone(published());
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'when-routed' } },
    );
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'match', 'match']);
  });

  it('refuses to verify when a name server has only IPv6 addresses and none could be checked', async () => {
    const { options } = await startZone(published(), {
      nameServers: [
        { host: `ns1.${ORIGIN}`, addresses: ['127.0.0.2'] },
        { host: `ns3.${ORIGIN}`, addresses: ['::1'] },
      ],
    });
    const verdict = await verifyDkimRecord(
      { ...input, publicKey: key },
      { ...options, ipv6: { mode: 'skip', reason: LAMBDA_NO_IPV6_REASON } },
    );
    expect(verdict).toMatchObject({ verified: false, error: 'DnsLookupFailed' });
    expect(verdict.message).toContain(`No address of ns3.${ORIGIN} could be checked`);
  });

  it('signs and verifies end to end against the IPv4 addresses, naming the IPv6 ones not checked', async () => {
    const { options, port } = await startZone(published());
    const result = await checkDkimEndToEnd(
      { domain: ORIGIN, selector: SELECTOR, privateKey },
      { ...options, ipv6: { mode: 'skip', reason: LAMBDA_NO_IPV6_REASON } },
    );
    expect(result.result).toBe('pass');
    expect(result.detail).toBe(
      `dkim=pass against all checked 2 authoritative server address(es); not checked: [::1]:${port} dkim=not-checked (${LAMBDA_NO_IPV6_REASON})`,
    );
  });

  it('end to end, treats a missing IPv6 route on an operator machine as not checked, not as a failure', async () => {
    const { options } = await startZone(published());
    const result = await checkDkimEndToEnd(
      { domain: ORIGIN, selector: SELECTOR, privateKey },
      { ...options, ipv6: { mode: 'when-routed' }, egress: NO_IPV6 },
    );
    expect(result.result).toBe('pass');
    expect(result.detail).toContain('no IPv6 route from this machine (ENETUNREACH)');
  });
});
