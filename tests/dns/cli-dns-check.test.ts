import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notCheckedSummary, verificationJson } from '../../cli/commands/dns-check';
import { txtRecord } from '../../local/dns/zone-writer';
import { type DkimKeyPair, generateDkimKeyPair, publicKeyToPem } from '../../shared/dkim/keys';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import type { DnsEndpoint } from '../../shared/dns/types';
import { decideVerdict } from '../../shared/dns/verdict';
import { byodkim } from '../support/byodkim-cli';
import { DnsLab } from './support/dns-lab';

// Child processes and RSA key generation have a long tail on a loaded machine: not jest's 5 s.
jest.setTimeout(30_000);

const ORIGIN = 'example.test';
const SELECTOR = 'cli-20261123-1';

describe('byodkim dns check', () => {
  let keyPair: DkimKeyPair;
  let lab: DnsLab;
  let servers: DnsEndpoint[];
  let keyFile: string;

  beforeAll(async () => {
    keyPair = await generateDkimKeyPair(1024);
    lab = new DnsLab();
    keyFile = join(lab.dir, 'public.pem');
    writeFileSync(keyFile, publicKeyToPem(keyPair.publicKey));
    const spec = (published: boolean) => ({
      origin: ORIGIN,
      nameServers: [{ host: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }],
      records: published
        ? [txtRecord(`${SELECTOR}._domainkey.${ORIGIN}`, dkimTxtValue(keyPair.publicKey))]
        : [],
    });
    const current = await lab.startInProcess({
      zoneFile: lab.writeZone('current.zone', spec(true)),
      origin: ORIGIN,
    });
    const stale = await lab.startInProcess({
      zoneFile: lab.writeZone('stale.zone', spec(false)),
      origin: ORIGIN,
    });
    servers = [current.endpoint, stale.endpoint];
  });
  afterAll(() => lab.stop());

  const ns = (endpoint: DnsEndpoint | undefined) => `127.0.0.1:${endpoint?.port}`;
  /** `byodkim dns check` of the lab's record with the key file, plus `options`. */
  const check = (...options: string[]) =>
    byodkim(['dns', 'check', ORIGIN, SELECTOR, '--public-key', keyFile, ...options]);

  it('exits 0 and prints the contract JSON when every server matches', async () => {
    const result = await check('--ns', ns(servers[0]), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      verified: true,
      servers: [
        {
          name: ns(servers[0]),
          address: ns(servers[0]),
          result: 'match',
          detail: 'the exact key is published',
        },
      ],
      notChecked: [],
      message: `All 1 given name server address(es) serve the exact key at ${SELECTOR}._domainkey.${ORIGIN}.`,
    });
  });

  it('exits 3 with the error name when one server is behind, one row per server', async () => {
    const result = await check('--ns', ns(servers[0]), ns(servers[1]), '--json');
    expect(result.code).toBe(3);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ verified: false, error: 'DnsRecordNotFound' });
    expect(output.servers.map((server: { result: string }) => server.result)).toEqual(['match', 'missing']);
  });

  it('prints a table and the verdict for people', async () => {
    const result = await check('--ns', ns(servers[0]), ns(servers[1]));
    expect(result.code).toBe(3);
    // The heading says the given servers were asked; the advice names no port (--ns gave others).
    expect(result.stdout.split('\n')[0]).toBe(
      `${SELECTOR}._domainkey.${ORIGIN} (asking the given name servers)`,
    );
    expect(result.stdout).not.toMatch(/port 53/);
    expect(result.stdout).toMatch(/NAME SERVER\s+ADDRESS\s+RESULT\s+DETAIL/);
    expect(result.stdout).toContain(`${ns(servers[1])}  missing`);
    expect(result.stdout).toMatch(/NOT VERIFIED \(DnsRecordNotFound\)/);
  });

  it.each([
    [
      'an unreadable key file',
      ['dns', 'check', ORIGIN, SELECTOR, '--public-key', '/nonexistent.pem'],
      /Cannot read --public-key/,
    ],
    ['an invalid selector', ['dns', 'check', ORIGIN, 'bad.selector', '--public-key', 'KEY'], /one DNS label/],
    [
      'an invalid domain',
      ['dns', 'check', 'not a domain', SELECTOR, '--public-key', 'KEY'],
      /Domain "not a domain" contains " "/,
    ],
    ['a missing --public-key', ['dns', 'check', ORIGIN, SELECTOR], /required option '--public-key/],
    [
      'a malformed --ns',
      ['dns', 'check', ORIGIN, SELECTOR, '--public-key', 'KEY', '--ns', 'host:99999'],
      /--ns must be host:port/,
    ],
    [
      'a --timeout that is not a duration',
      ['dns', 'check', ORIGIN, SELECTOR, '--public-key', 'KEY', '--timeout', '2x'],
      /byodkim: InvalidInput: --timeout must be a duration such as 500ms or 2s/,
    ],
    [
      'an unknown option',
      ['dns', 'check', ORIGIN, SELECTOR, '--public-key', 'KEY', '--bogus'],
      /unknown option/,
    ],
  ])('exits 2 with one clear line on %s', async (_label, args, message) => {
    const result = await byodkim(args.map((arg) => (arg === 'KEY' ? keyFile : arg)));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says the zone was not found, with no empty table, when no resolver answers', async () => {
    // A closed port on 127.0.0.1 as the resolver: discovery fails at once, as offline.
    const result = await check('--resolver', '127.0.0.1:1', '--timeout', '200ms');

    expect(result.code).toBe(3);
    expect(result.stdout.split('\n')[0]).toBe(`${SELECTOR}._domainkey.${ORIGIN} (zone not found)`);
    expect(result.stdout).not.toMatch(/NAME SERVER/);
    expect(result.stdout).toMatch(
      /NOT VERIFIED \(DnsLookupFailed\): Cannot find the authoritative name servers/,
    );
  });

  it('lists dns check in --help', async () => {
    const result = await byodkim(['dns', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/check \[options\] <domain> <selector>/);
  });
});

describe('byodkim dns check on IPv6 addresses it could not ask', () => {
  const NO_ROUTE = 'no IPv6 route from this machine (ENETUNREACH)';
  // The verdict the check returns on a machine without an IPv6 route (real verdict logic).
  const verdict = decideVerdict(`${SELECTOR}._domainkey.${ORIGIN}`, ORIGIN, [
    { name: `ns1.${ORIGIN}`, address: '192.0.2.1', result: 'match', detail: 'the exact key is published' },
    { name: `ns1.${ORIGIN}`, address: '2001:db8::1', result: 'not-checked', detail: NO_ROUTE },
    { name: `ns2.${ORIGIN}`, address: '192.0.2.2', result: 'match', detail: 'the exact key is published' },
    { name: `ns2.${ORIGIN}`, address: '2001:db8::2', result: 'not-checked', detail: NO_ROUTE },
  ]);

  it('sums up the addresses not checked and why after the table', () => {
    // GIVEN two IPv6 addresses had no route WHEN the summary line is made
    // THEN it counts them and gives the reason
    expect(notCheckedSummary(verdict)).toBe(`2 IPv6 addresses not checked: ${NO_ROUTE}`);
  });

  it('says the same in --json, with the addresses', () => {
    // GIVEN the same verdict WHEN it is printed as JSON THEN the count, reason and addresses are there
    expect(verificationJson(verdict)).toMatchObject({
      verified: true,
      notChecked: [{ count: 2, reason: NO_ROUTE, addresses: ['2001:db8::1', '2001:db8::2'] }],
    });
  });

  it('prints no summary when every address was asked', () => {
    // GIVEN a verdict with every address checked THEN there is no line to print
    const all = decideVerdict(`${SELECTOR}._domainkey.${ORIGIN}`, ORIGIN, [
      { name: `ns1.${ORIGIN}`, address: '192.0.2.1', result: 'match', detail: 'the exact key is published' },
    ]);
    expect(notCheckedSummary(all)).toBeUndefined();
  });
});
