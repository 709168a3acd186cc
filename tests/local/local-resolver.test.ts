import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDns } from '../../local/runner/local-dns';
import { cnamePublishedOnAll, localTxtResolver } from '../../local/runner/local-resolver';

const DOMAIN = 'example.jp';
const TOKEN = 'xtk53kxcy4p3t6ztbrffs6d54rsrrhh6';
const CNAME = `${TOKEN}._domainkey.${DOMAIN}`;
const TARGET = `${TOKEN}.dkim.amazonses.com`;
const KEY_VALUE = 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA';

describe('lookups against the local zones: Easy DKIM CNAMEs into AWS’s key zone', () => {
  let dir: string;
  let dns: LocalDns;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-resolver-'));
    dns = await LocalDns.start(dir, [DOMAIN], 2);
    dns.sesKeys.publish([{ name: TARGET, value: KEY_VALUE }]);
  });

  afterEach(async () => {
    await dns.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows a CNAME from the domain’s servers to the key on AWS’s own server, on every address', async () => {
    // GIVEN the CNAME published on both of the domain's servers
    dns.publishCname(DOMAIN, CNAME, TARGET);
    const resolve = localTxtResolver(dns.zones(), { timeoutMs: 1_000 });

    // WHEN a receiver looks the selector up once per address of the domain's servers
    const answers = [];
    for (const _ of dns.endpoints()) answers.push(await resolve(CNAME, 'TXT'));

    // THEN each lookup reaches the hosted key; the domain's servers do not serve AWS's zone
    for (const answer of answers) expect(answer.map((strings) => strings.join(''))).toEqual([KEY_VALUE]);
    expect(dns.zones().map((zone) => zone.origin)).toEqual([DOMAIN, 'dkim.amazonses.com']);
    expect(dns.sesKeys.endpoints()).not.toContainEqual(dns.endpoints()[0]);
  });

  it('tells SES a CNAME is served only when every server answers it with exactly the target', async () => {
    // GIVEN the CNAME on the first server only, and SES's check over every address
    dns.publishCname(DOMAIN, CNAME, TARGET, [0]);
    const isCnamePublished = cnamePublishedOnAll(dns.endpoints(), { timeoutMs: 1_000, retries: 0 });

    // WHEN SES asks before and after the second server gets it, and for another target
    const partly = await isCnamePublished(CNAME, TARGET);
    dns.publishCname(DOMAIN, CNAME, TARGET, [1]);
    const everywhere = await isCnamePublished(CNAME, TARGET);
    const otherTarget = await isCnamePublished(CNAME, `other.dkim.amazonses.com`);

    // THEN only the complete, exact publication counts
    expect([partly, everywhere, otherTarget]).toEqual([false, true, false]);
  });

  it('answers ENOTFOUND for a missing record and for a name in no local zone, as a resolver does', async () => {
    // GIVEN no CNAME published
    const resolve = localTxtResolver(dns.zones(), { timeoutMs: 1_000 });

    // WHEN looking up the selector and a name outside every local zone
    // THEN both do not exist
    await expect(resolve(CNAME, 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolve('s._domainkey.example.net', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
