/**
 * Easy DKIM's CNAME records checked on every authoritative server (shared/dns/verify-cname.ts),
 * with real DNS packets from two in-process authoritative servers: one current, one stale.
 */
import type { ZoneRecordSpec, ZoneSpec } from '../../local/dns/zone-writer';
import { verifyCnameRecord } from '../../shared/dns';
import { DnsLab } from './support/dns-lab';

jest.setTimeout(30_000);

const ORIGIN = 'example.test';
const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567';
const NAME = `${TOKEN}._domainkey.${ORIGIN}`;
const TARGET = `${TOKEN}.dkim.amazonses.com`;
const QUICK = { timeoutMs: 300, retries: 1 };

let lab: DnsLab;
beforeEach(() => {
  lab = new DnsLab();
});
afterEach(async () => {
  await lab.stop();
});

const zone = (records: readonly ZoneRecordSpec[], serial: number): ZoneSpec => ({
  origin: ORIGIN,
  serial,
  nameServers: [{ host: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }],
  records,
});

/** A current server and one serving `stale` (an older copy of the zone). */
async function serve(current: readonly ZoneRecordSpec[], stale: readonly ZoneRecordSpec[] = current) {
  const a = await lab.startInProcess({ zoneFile: lab.writeZone('a.zone', zone(current, 2)), origin: ORIGIN });
  const b = await lab.startInProcess({ zoneFile: lab.writeZone('b.zone', zone(stale, 1)), origin: ORIGIN });
  return [a.endpoint, b.endpoint];
}

describe('verifying an Easy DKIM CNAME on every authoritative server', () => {
  it('verifies when every server points the token at SES, whatever the case and the trailing dot', async () => {
    const nameServers = await serve([{ name: NAME, type: 'CNAME', value: `${TARGET.toUpperCase()}.` }]);
    const verdict = await verifyCnameRecord({ name: NAME, target: TARGET }, { nameServers, ...QUICK });
    expect(verdict.verified).toBe(true);
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'match']);
  });

  it('reports DnsRecordNotFound naming the server that does not serve the CNAME yet', async () => {
    const nameServers = await serve([{ name: NAME, type: 'CNAME', value: TARGET }], []);
    const verdict = await verifyCnameRecord({ name: NAME, target: TARGET }, { nameServers, ...QUICK });
    expect(verdict.verified).toBe(false);
    expect(verdict.error).toBe('DnsRecordNotFound');
    expect(verdict.servers.map((server) => server.result)).toEqual(['match', 'missing']);
    expect(verdict.message).toContain(`1 of 2 name server address(es) are behind for ${NAME}`);
  });

  it('reports DnsRecordMismatch for a CNAME to another target, and a TXT record at the name as missing', async () => {
    const nameServers = await serve(
      [{ name: NAME, type: 'CNAME', value: `${TOKEN}.dkim.example.net` }],
      [{ name: NAME, type: 'TXT', strings: ['v=DKIM1; k=rsa; p=AAAA'] }],
    );
    const verdict = await verifyCnameRecord({ name: NAME, target: TARGET }, { nameServers, ...QUICK });
    expect(verdict.error).toBe('DnsRecordMismatch');
    expect(verdict.servers.map((server) => [server.result, server.detail])).toEqual([
      // The served target is record content: compared, never quoted
      [
        'mismatch',
        `CNAME points elsewhere, not to ${TARGET} (${TOKEN.length + 17} characters, expected ${TARGET.length}; first difference at character ${TOKEN.length + 7})`,
      ],
      ['missing', `NODATA: no CNAME record at ${NAME}`],
    ]);
  });
});
