import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { buildDnsRequest } from '../../shared/rotation/dns-request';
import { dnsRequestPath } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { publishDnsRecord } from '../../tasks/publish-dns-record/logic';
import { DNS_TOPIC, FakeS3, FakeSns, fixedClock, sdkError } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, seedKey, state } from './support/rotation';
import { HOSTED_ZONE_ID, startHostedZone } from './support/route53';

const RECORD = `${NEW_SELECTOR}._domainkey.${DOMAIN}`;

describe('PublishDnsRecord (rotationMode AUTO)', () => {
  let s3: FakeS3;
  let sns: FakeSns;
  let value: string;
  let hosted: Awaited<ReturnType<typeof startHostedZone>> | undefined;
  const auto = state(
    { dnsRequest: { dnsRequestKey: dnsRequestPath(DOMAIN, NEW_SELECTOR), recordName: RECORD } },
    { rotationMode: 'AUTO', hostedZoneId: HOSTED_ZONE_ID },
  );
  const deps = (route53: NonNullable<typeof hosted>['client']) => ({
    ...s3.deps(),
    route53,
    dnsTeam: sns.topic(DNS_TOPIC),
    clock: fixedClock(),
    logger: silentLogger,
  });
  const zoneWith = async (records: Record<string, string> = {}) => {
    hosted = await startHostedZone(DOMAIN, records);
    return hosted;
  };

  beforeEach(async () => {
    s3 = new FakeS3();
    sns = new FakeSns();
    const [, newKey] = await keyPairs();
    if (newKey === undefined) throw new Error('keys');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
    const request = buildDnsRequest({
      domain: DOMAIN,
      selector: NEW_SELECTOR,
      publicKey: newKey.publicKey,
      requestedAt: new Date('2026-11-20T00:30:00Z'),
    });
    value = dkimTxtValue(newKey.publicKey);
    s3.seed(dnsRequestPath(DOMAIN, NEW_SELECTOR), JSON.stringify(request));
  });
  afterEach(async () => {
    s3.restore();
    sns.restore();
    await hosted?.stop();
    hosted = undefined;
  });

  it('creates exactly the requested record and tells the DNS team once; a redrive changes nothing', async () => {
    const { client, route53, zone } = await zoneWith();
    const first = await publishDnsRecord(auto, deps(client));
    expect(first).toMatchObject({
      hostedZoneId: HOSTED_ZONE_ID,
      recordName: RECORD,
      alreadyPublished: false,
    });
    expect(first.changeId).toMatch(/^\/change\/C/);
    expect(route53.changes()).toEqual([
      expect.objectContaining({ action: 'CREATE', name: RECORD, type: 'TXT', values: [value] }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(zone.records.get(RECORD)).toBe(value);
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
    expect(sns.to(DNS_TOPIC)[0]?.Subject).toContain('DKIM record added (Route 53)');
    expect(metadataOf(s3, NEW_SELECTOR)).toMatchObject({ state: 'PENDING', publishedAt: expect.any(String) });

    const again = await publishDnsRecord(auto, deps(client));
    expect(again).toMatchObject({ alreadyPublished: true, publishedAt: first.publishedAt });
    expect(again.changeId).toBeUndefined();
    expect(route53.changes()).toHaveLength(1);
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
  });

  it('still tells the DNS team when the first run created the record but failed before the message went out', async () => {
    const { client, route53 } = await zoneWith();
    sns.faults.add('Publish', sdkError('InternalError', 500));
    await expect(publishDnsRecord(auto, deps(client))).rejects.toMatchObject({ name: 'TransientAwsError' });
    expect(route53.changes()).toHaveLength(1);

    await publishDnsRecord(auto, deps(client));
    expect(route53.changes()).toHaveLength(1);
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
  });

  it('never overwrites another value at the name: DnsRecordMismatch, zone and DNS team untouched', async () => {
    const foreign = 'v=DKIM1; k=rsa; p=SOMEONEELSE';
    const { client, route53, zone } = await zoneWith({ [RECORD]: foreign });
    await expect(publishDnsRecord(auto, deps(client))).rejects.toMatchObject({
      name: 'DnsRecordMismatch',
      message: expect.stringContaining(`already has a TXT record at ${RECORD} with another value`),
    });
    expect(route53.changes()).toEqual([]);
    expect(zone.records.get(RECORD)).toBe(foreign);
    expect(sns.to(DNS_TOPIC)).toEqual([]);
  });

  it('names the setting to fix, and says a new rotation (not a redrive) is needed, when the hosted zone does not exist', async () => {
    const { client } = await zoneWith();
    const wrongZone = { ...auto, plan: { ...auto.plan, hostedZoneId: 'Z0NOSUCHZONE' } };
    await expect(publishDnsRecord(wrongZone, deps(client))).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(
        /Route 53 has no hosted zone Z0NOSUCHZONE: correct the domain's hostedZoneId .* start a new rotation/,
      ),
    });
  });

  it('turns Route 53 throttling into TransientAwsError, which the workflow retries with jitter', async () => {
    hosted = await startHostedZone(DOMAIN, {}, { requestsPerSecond: 0.1 });
    const { client } = hosted;
    const results = await Promise.allSettled([
      publishDnsRecord(auto, deps(client)),
      publishDnsRecord(auto, deps(client)),
    ]);
    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(rejected.length).toBeGreaterThan(0);
    for (const reason of rejected) expect(reason).toMatchObject({ name: 'TransientAwsError' });
  });

  it('refuses a MANUAL plan: the DNS team publishes those records', async () => {
    const { client, route53 } = await zoneWith();
    const manual = { ...auto, plan: { ...auto.plan, rotationMode: 'MANUAL' as const } };
    await expect(publishDnsRecord(manual, deps(client))).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(route53.changes()).toEqual([]);
  });
});
