import { createDkimCertificate } from '../../shared/dkim/certificate';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { type DnsRequest, dnsRequestZonePath } from '../../shared/rotation/dns-request';
import { dnsRequestPath, keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { storeDnsRequest } from '../../tasks/store-dns-request/logic';
import { FakeS3, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, NEW_SELECTOR, state } from './support/rotation';

describe('StoreDnsRequest', () => {
  let s3: FakeS3;
  const deps = () => ({ ...s3.deps(), clock: fixedClock(), logger: silentLogger });

  beforeEach(async () => {
    s3 = new FakeS3();
    const [pair] = await keyPairs();
    if (pair === undefined) throw new Error('keys');
    const certificate = await createDkimCertificate({
      keyPair: pair,
      domain: DOMAIN,
      selector: NEW_SELECTOR,
      now: new Date('2026-11-20T00:30:00Z'),
    });
    s3.seed(keyPaths(DOMAIN, NEW_SELECTOR).certificate, certificate.pem);
  });
  afterEach(() => s3.restore());

  it('writes the record name, exact value, zone-file line and Route 53 batch once', async () => {
    // WHEN StoreDnsRequest runs
    const result = await storeDnsRequest(state(), deps());
    // THEN the request holds what the DNS team needs
    const [pair] = await keyPairs();
    const request = s3.json<DnsRequest>(dnsRequestPath(DOMAIN, NEW_SELECTOR));
    expect(request.recordName).toBe(`${NEW_SELECTOR}._domainkey.${DOMAIN}`);
    expect(request.value).toBe(dkimTxtValue(pair?.publicKey as never));
    expect(request.zoneFileLine).toMatch(
      /^gooid-21-pro-20261120-1\._domainkey\.mail\.example\.jp\. 3600 IN TXT "/,
    );
    expect(JSON.stringify(request.route53ChangeBatch)).toContain('"Type":"TXT"');
    expect(result).toEqual({
      dnsRequestKey: dnsRequestPath(DOMAIN, NEW_SELECTOR),
      recordName: request.recordName,
      zoneFileKey: dnsRequestZonePath(DOMAIN, NEW_SELECTOR),
    });
  });

  it('writes a zone-file snippet the DNS team can paste, next to the JSON request', async () => {
    // WHEN StoreDnsRequest runs
    const result = await storeDnsRequest(state(), deps());
    // THEN the .zone object holds comments and exactly the request's zone-file line
    const request = s3.json<DnsRequest>(dnsRequestPath(DOMAIN, NEW_SELECTOR));
    const zone = s3.text(result.zoneFileKey as string) ?? '';
    expect(result.zoneFileKey).toBe(`dns-requests/${DOMAIN}/${NEW_SELECTOR}.zone`);
    const records = zone.split('\n').filter((line) => line !== '' && !line.startsWith(';'));
    expect(records).toEqual([request.zoneFileLine]);
    expect(zone).toContain(request.fingerprint);
    expect(zone).not.toMatch(/PRIVATE KEY/);
  });

  it('is a no-op on a re-run with the same key', async () => {
    // GIVEN the request was stored
    await storeDnsRequest(state(), deps());
    const before = s3.text(dnsRequestPath(DOMAIN, NEW_SELECTOR));
    // WHEN it runs again
    await storeDnsRequest(state(), deps());
    // THEN the stored request did not change
    expect(s3.text(dnsRequestPath(DOMAIN, NEW_SELECTOR))).toBe(before);
  });

  it('refuses when a stored request asks for another key', async () => {
    // GIVEN a request for another value is stored
    s3.seed(dnsRequestPath(DOMAIN, NEW_SELECTOR), JSON.stringify({ value: 'v=DKIM1; k=rsa; p=OTHER' }));
    // WHEN / THEN the task stops rather than send the DNS team a second, different record
    await expect(storeDnsRequest(state(), deps())).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('reports S3 throttling as transient', async () => {
    s3.faults.add('GetObject', throttling());
    await expect(storeDnsRequest(state(), deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });
});
