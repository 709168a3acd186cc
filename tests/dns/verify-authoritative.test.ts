import type { KeyObject } from 'node:crypto';
import type { AuthoritativeDnsServer } from '../../local/dns/authoritative-server';
import { txtRecord, type ZoneRecordSpec, type ZoneSpec } from '../../local/dns/zone-writer';
import { generateDkimKeyPair } from '../../shared/dkim/keys';
import { dkimTxtValue, publicKeyBase64, splitCharacterStrings } from '../../shared/dkim/txt-record';
import { assertDnsVerified, verifyDkimRecord } from '../../shared/dns';
import type { DnsEndpoint } from '../../shared/dns/types';
import { DnsRecordMismatchError, DnsRecordNotFoundError } from '../../shared/errors';
import { DnsLab, freePort } from './support/dns-lab';

// Child processes and RSA key generation have a long tail on a loaded machine: not jest's 5 s.
jest.setTimeout(30_000);

/**
 * The same zone served by two real Knot DNS servers on 127.0.0.1 (different ports) and the
 * in-process server; the verifier asks all three directly.
 */
const ORIGIN = 'example.test';
const SELECTOR = 's20261123-1';
const RECORD = `${SELECTOR}._domainkey.${ORIGIN}`;
const QUICK = { timeoutMs: 300, retries: 1 };

let key: KeyObject;
let otherKey: KeyObject;
let lab: DnsLab;

beforeAll(async () => {
  key = (await generateDkimKeyPair(2048)).publicKey;
  otherKey = (await generateDkimKeyPair(2048)).publicKey;
});

beforeEach(() => {
  lab = new DnsLab();
});

afterEach(async () => {
  await lab.stop();
});

const zone = (records: readonly ZoneRecordSpec[], serial = 1): ZoneSpec => ({
  origin: ORIGIN,
  serial,
  nameServers: [{ host: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }],
  records,
});

interface Servers {
  readonly endpoints: DnsEndpoint[];
  readonly knotB: { stop(): Promise<void> };
  readonly inProcess: AuthoritativeDnsServer;
}

/** Starts knot A, knot B and the in-process server; knot B may serve another (older) copy. */
async function serve(
  records: readonly ZoneRecordSpec[],
  knotBRecords: readonly ZoneRecordSpec[] = records,
): Promise<Servers> {
  const current = lab.writeZone('current.zone', zone(records, 2));
  const older = lab.writeZone('older.zone', zone(knotBRecords, 1));
  const knotA = await lab.startKnotOnFreePort('a', current, ORIGIN);
  const knotB = await lab.startKnotOnFreePort('b', older, ORIGIN);
  const inProcess = await lab.startInProcess({ zoneFile: current, origin: ORIGIN });
  return {
    endpoints: [knotA.endpoint, knotB.endpoint, inProcess.endpoint],
    knotB,
    inProcess,
  };
}

const published = (value: string, split = 255): ZoneRecordSpec => ({
  name: RECORD,
  type: 'TXT',
  strings: splitCharacterStrings(value, split),
});

describe('verifying the DKIM record on every authoritative server (Knot ×2 + in-process)', () => {
  it('verifies when every server serves the exact key in 255-octet strings', async () => {
    const { endpoints } = await serve([txtRecord(RECORD, dkimTxtValue(key))]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(true);
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'match', 'match']);
    expect(() => assertDnsVerified(verdict)).not.toThrow();
  });

  it.each([1, 100, 200, 254])('verifies the record split at odd points (%i-octet strings)', async (split) => {
    const { endpoints } = await serve([published(dkimTxtValue(key), split)]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'match', 'match']);
  });

  it('falls back to TCP when the answer is too large for UDP, and still verifies', async () => {
    const padding = Array.from({ length: 4 }, (_, index) =>
      txtRecord(RECORD, `padding-${index}=${'x'.repeat(400)}`),
    );
    const { endpoints, inProcess } = await serve([txtRecord(RECORD, dkimTxtValue(key)), ...padding]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(true);
    expect(inProcess.queries.tcp).toBeGreaterThan(0);
  });

  it.each([
    ['another key', () => dkimTxtValue(otherKey), 'different-key'],
    ['t=y left in', () => `v=DKIM1; k=rsa; t=y; p=${publicKeyBase64(key)}`, 'testing-flag'],
    ['a revoked key (p= empty)', () => 'v=DKIM1; k=rsa; p=', 'revoked'],
  ])('refuses %s on every server as DnsRecordMismatch', async (_label, value, reason) => {
    const { endpoints } = await serve([txtRecord(RECORD, value())]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(false);
    expect(verdict.error).toBe('DnsRecordMismatch');
    expect(verdict.servers.every((server) => server.result === 'mismatch' && server.reason === reason)).toBe(
      true,
    );
    expect(() => assertDnsVerified(verdict)).toThrow(DnsRecordMismatchError);
  });

  it('refuses two DKIM records at the selector, even though one is right', async () => {
    const { endpoints } = await serve([
      txtRecord(RECORD, dkimTxtValue(key)),
      txtRecord(RECORD, dkimTxtValue(otherKey)),
    ]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.servers.map((server) => server.reason)).toEqual([
      'multiple-records',
      'multiple-records',
      'multiple-records',
    ]);
    expect(verdict.error).toBe('DnsRecordMismatch');
  });

  it("reports NXDOMAIN as missing and maps it to DnsRecordNotFound (our users' DNS_TXT_NOT_READY)", async () => {
    const { endpoints } = await serve([]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.servers.map((server) => server.result)).toEqual(['missing', 'missing', 'missing']);
    expect(verdict.servers[0]?.detail).toMatch(/NXDOMAIN/);
    expect(() => assertDnsVerified(verdict)).toThrow(DnsRecordNotFoundError);
  });

  it('follows a CNAME at the selector to the record it points to', async () => {
    const target = `dkim-keys.${ORIGIN}`;
    const { endpoints } = await serve([
      { name: RECORD, type: 'CNAME', value: target },
      txtRecord(target, dkimTxtValue(key)),
    ]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(true);
    // A CNAME target is record content: counted, never quoted
    expect(verdict.servers[0]?.detail).toContain('(via 1 CNAME)');
    expect(verdict.servers[0]?.detail).not.toContain('dkim-keys');
  });

  it('does not verify while one server still serves a stale copy, and names that server', async () => {
    const { endpoints } = await serve([txtRecord(RECORD, dkimTxtValue(key))], []);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(false);
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'missing', 'match']);
    expect(verdict.error).toBe('DnsRecordNotFound');
    expect(verdict.message).toContain(`127.0.0.1:${endpoints[1]?.port} missing`);
    expect(verdict.message).toMatch(/^1 of 3 name server address\(es\) are behind/);
  });

  it('reports a server that is down as unreachable, never as a match', async () => {
    const { endpoints, knotB } = await serve([txtRecord(RECORD, dkimTxtValue(key))]);
    await knotB.stop();
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(false);
    expect(verdict.servers[1]).toMatchObject({
      result: 'unreachable',
      // nothing listens there: the kernel's ICMP port unreachable, or silence until the timeout
      detail: expect.stringMatching(/ECONNREFUSED|timeout/),
    });
    expect(verdict.error).toBe('DnsLookupFailed');
  });
});

describe('verifying through name server discovery (in-process servers on 127.0.0.2, 127.0.0.3 and ::1)', () => {
  async function discoveryLab(options: {
    ns2Records?: readonly ZoneRecordSpec[];
    records: readonly ZoneRecordSpec[];
  }) {
    const spec = (records: readonly ZoneRecordSpec[]): ZoneSpec => ({
      origin: ORIGIN,
      nameServers: [
        { host: `ns1.${ORIGIN}`, addresses: ['127.0.0.2', '::1'] },
        { host: `ns2.${ORIGIN}`, addresses: ['127.0.0.3'] },
      ],
      records,
    });
    const current = lab.writeZone('discovery.zone', spec(options.records));
    const ns2File = lab.writeZone('discovery-ns2.zone', spec(options.ns2Records ?? options.records));
    const first = await lab.startInProcess({ zoneFile: current, origin: ORIGIN, host: '127.0.0.2' });
    const port = first.endpoint.port;
    await lab.startInProcess({ zoneFile: current, origin: ORIGIN, host: '::1', port });
    const ns2 = await lab.startInProcess({ zoneFile: ns2File, origin: ORIGIN, host: '127.0.0.3', port });
    return { resolver: first.endpoint, port, ns2 };
  }

  it('finds the zone cut, every NS host and all their IPv4 and IPv6 addresses, and asks each', async () => {
    const { resolver, port } = await discoveryLab({ records: [txtRecord(RECORD, dkimTxtValue(key))] });
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver, nameServerPort: port, ...QUICK },
    );
    expect(verdict.zone).toBe(ORIGIN);
    expect(verdict.servers.map((server) => [server.name, server.address, server.result])).toEqual([
      [`ns1.${ORIGIN}`, `[::1]:${port}`, 'match'],
      [`ns1.${ORIGIN}`, `127.0.0.2:${port}`, 'match'],
      [`ns2.${ORIGIN}`, `127.0.0.3:${port}`, 'match'],
    ]);
    expect(verdict.verified).toBe(true);
  });

  it('names the NS host that is behind', async () => {
    const { resolver, port } = await discoveryLab({
      records: [txtRecord(RECORD, dkimTxtValue(key))],
      ns2Records: [],
    });
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver, nameServerPort: port, ...QUICK },
    );
    expect(verdict.verified).toBe(false);
    expect(verdict.message).toContain(`ns2.${ORIGIN} (127.0.0.3:${port}) missing`);
  });

  it('reports a lame server (answer without AA)', async () => {
    const { resolver, port, ns2 } = await discoveryLab({ records: [txtRecord(RECORD, dkimTxtValue(key))] });
    ns2.setBehaviour('lame');
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver, nameServerPort: port, ...QUICK },
    );
    expect(verdict.servers.find((server) => server.name === `ns2.${ORIGIN}`)).toMatchObject({
      result: 'lame',
    });
    expect(verdict.error).toBe('DnsLookupFailed');
  });

  it('reports SERVFAIL as refused', async () => {
    const { resolver, port, ns2 } = await discoveryLab({ records: [txtRecord(RECORD, dkimTxtValue(key))] });
    ns2.setBehaviour('servfail');
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver, nameServerPort: port, ...QUICK },
    );
    expect(verdict.servers.find((server) => server.name === `ns2.${ORIGIN}`)).toMatchObject({
      result: 'refused',
      detail: expect.stringContaining('SERVFAIL'),
    });
    expect(verdict.verified).toBe(false);
  });

  it('sees the record once the DNS team edits the zone file, and not on a stale copy', async () => {
    const { resolver, port, ns2 } = await discoveryLab({ records: [] });
    ns2.setStale(true);
    const input = { domain: ORIGIN, selector: SELECTOR, publicKey: key };
    expect((await verifyDkimRecord(input, { resolver, nameServerPort: port, ...QUICK })).verified).toBe(
      false,
    );
    const records = [txtRecord(RECORD, dkimTxtValue(key))];
    const spec = (file: string) =>
      lab.writeZone(file, {
        origin: ORIGIN,
        serial: 2,
        nameServers: [
          { host: `ns1.${ORIGIN}`, addresses: ['127.0.0.2', '::1'] },
          { host: `ns2.${ORIGIN}`, addresses: ['127.0.0.3'] },
        ],
        records,
      });
    spec('discovery.zone');
    spec('discovery-ns2.zone');
    const whileStale = await verifyDkimRecord(input, { resolver, nameServerPort: port, ...QUICK });
    expect(whileStale.servers.map((server) => server.result)).toEqual(['match', 'match', 'missing']);
    ns2.setStale(false);
    expect((await verifyDkimRecord(input, { resolver, nameServerPort: port, ...QUICK })).verified).toBe(true);
  });

  it('fails as DnsLookupFailed, naming the resolver, when discovery cannot reach it', async () => {
    const port = await freePort();
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver: { host: '127.0.0.1', port }, timeoutMs: 100, retries: 0 },
    );
    expect(verdict).toMatchObject({ verified: false, error: 'DnsLookupFailed', servers: [] });
    expect(verdict.message).toContain(`resolver 127.0.0.1:${port}`);
  });

  it('reports an NS host without any address as unreachable', async () => {
    const file = lab.writeZone('noaddr.zone', {
      origin: ORIGIN,
      nameServers: [
        { host: `ns1.${ORIGIN}`, addresses: ['127.0.0.2'] },
        { host: `ns2.${ORIGIN}`, addresses: [] },
      ],
      records: [txtRecord(RECORD, dkimTxtValue(key))],
    });
    const server = await lab.startInProcess({ zoneFile: file, origin: ORIGIN, host: '127.0.0.2' });
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key },
      { resolver: server.endpoint, nameServerPort: server.endpoint.port, ...QUICK },
    );
    expect(verdict.servers).toContainEqual(
      expect.objectContaining({ name: `ns2.${ORIGIN}`, result: 'unreachable' }),
    );
    expect(verdict.verified).toBe(false);
  });
});

describe('verifying that an old key is retired', () => {
  it.each([
    ['removed', [] as ZoneRecordSpec[], true],
    ['revoked (p= empty)', [txtRecord(RECORD, 'v=DKIM1; k=rsa; p=')], true],
  ])('passes when the record is %s on every server', async (_label, records, verified) => {
    const { endpoints } = await serve(records);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key, expect: 'retired' },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict.verified).toBe(verified);
  });

  it('fails while one server still publishes the old key', async () => {
    const { endpoints } = await serve([], [txtRecord(RECORD, dkimTxtValue(key))]);
    const verdict = await verifyDkimRecord(
      { domain: ORIGIN, selector: SELECTOR, publicKey: key, expect: 'retired' },
      { nameServers: endpoints, ...QUICK },
    );
    expect(verdict).toMatchObject({ verified: false, error: 'DnsRecordMismatch' });
    expect(verdict.message).toMatch(/remove the record or revoke it/);
  });
});
