import { GetObjectCommand } from '@aws-sdk/client-s3';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import { retireOldKey } from '../../tasks/retire-old-key/logic';
import { scriptedVerifier } from './support/dns';
import { DNS_TOPIC, FakeS3, FakeSes, FakeSns, fixedClock, sdkError } from './support/fakes';
import {
  DOMAIN,
  keyPairs,
  metadataOf,
  NEW_SELECTOR,
  OLD_SELECTOR,
  REGION,
  seedCertificate,
  seedKey,
  state,
} from './support/rotation';
import { HOSTED_ZONE_ID, startHostedZone } from './support/route53';

// Every test: the old key PREVIOUS, the new one ACTIVE and the one SES signs with; the DNS team's
// messages recorded.
let s3: FakeS3;
let ses: FakeSes;
let sns: FakeSns;
const deps = (dns: ReturnType<typeof scriptedVerifier>['verifier']) => ({
  ...s3.deps(),
  ses: ses.clientFor,
  dnsTeam: sns.topic(DNS_TOPIC),
  dns,
  clock: fixedClock(),
  logger: silentLogger,
});

beforeEach(async () => {
  s3 = new FakeS3();
  sns = new FakeSns();
  const [oldKey, newKey] = await keyPairs();
  if (oldKey === undefined || newKey === undefined) throw new Error('keys');
  seedKey(s3, OLD_SELECTOR, oldKey, 'PREVIOUS');
  await seedCertificate(s3, OLD_SELECTOR, oldKey);
  seedKey(s3, NEW_SELECTOR, newKey, 'ACTIVE');
  ses = new FakeSes(DOMAIN, {
    [REGION]: { origin: 'EXTERNAL', selector: NEW_SELECTOR, status: 'SUCCESS', signingEnabled: true },
  });
});
afterEach(() => {
  s3.restore();
  ses.restore();
  sns.restore();
});

describe('RetireOldKey', () => {
  it('asks the DNS team once, keeps retrying until no server serves the old key, then marks it RETIRED', async () => {
    // GIVEN the old record is still served on the first check
    const { verifier, asked } = scriptedVerifier({ verdicts: ['stale', 'match'] });
    // WHEN the first attempt runs
    await expect(retireOldKey(state(), deps(verifier))).rejects.toMatchObject({ name: 'DnsRecordMismatch' });
    // AND the workflow retries after the record is gone
    const result = await retireOldKey(state(), deps(verifier));
    // THEN the DNS team was asked exactly once, about the old selector only
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
    expect(sns.to(DNS_TOPIC)[0]?.Message).toContain(`${OLD_SELECTOR}._domainkey.${DOMAIN}`);
    expect(asked.map((call) => call.input.expect)).toEqual(['retired', 'retired']);
    expect(asked.every((call) => call.input.selector === OLD_SELECTOR)).toBe(true);
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('RETIRED');
    expect(result.retiredSelectors).toEqual([OLD_SELECTOR]);
  });

  it("takes the old public key from the old key's certificate, never from its private key", async () => {
    // GIVEN the old record is gone
    const { verifier, asked } = scriptedVerifier({ verdicts: ['match'] });
    // WHEN the old key is retired
    await retireOldKey(state(), deps(verifier));
    // THEN the only key object read is the certificate, and its key is the one checked in DNS
    const keys = s3.mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key ?? '');
    expect(keys.filter((key) => !key.endsWith('/metadata.json'))).toEqual([
      keyPaths(DOMAIN, OLD_SELECTOR).certificate,
    ]);
    const [oldKey] = await keyPairs();
    expect(asked[0]?.input.publicKey.export({ format: 'der', type: 'spki' })).toEqual(
      oldKey?.publicKey.export({ format: 'der', type: 'spki' }),
    );
  });

  it('never retires a selector SES still signs with in some region', async () => {
    // GIVEN SES somehow still uses the old selector
    ses.identity(REGION).selector = OLD_SELECTOR;
    const { verifier, asked } = scriptedVerifier({ verdicts: ['match'] });
    // WHEN / THEN it refuses before asking anyone
    await expect(retireOldKey(state(), deps(verifier))).rejects.toMatchObject({ name: 'SesApplyFailed' });
    expect(sns.messages).toHaveLength(0);
    expect(asked).toHaveLength(0);
  });

  it('has nothing to retire when the previous signing was Easy DKIM', async () => {
    const { verifier } = scriptedVerifier({ verdicts: [] });
    const result = await retireOldKey(
      state({ previous: [{ region: REGION, origin: 'AWS_SES', originValue: 'AWS_SES' }] }),
      deps(verifier),
    );
    expect(result.retiredSelectors).toEqual([]);
    expect(sns.messages).toHaveLength(0);
  });

  it('is a no-op for a key already RETIRED', async () => {
    seedKey(
      s3,
      OLD_SELECTOR,
      (await keyPairs())[0] as NonNullable<Awaited<ReturnType<typeof keyPairs>>[0]>,
      'RETIRED',
    );
    const { verifier, asked } = scriptedVerifier({ verdicts: [] });
    const result = await retireOldKey(state(), deps(verifier));
    expect(asked).toHaveLength(0);
    expect(result.skipped).toEqual([{ selector: OLD_SELECTOR, reason: 'already RETIRED' }]);
  });
});

describe('RetireOldKey in rotationMode AUTO (Route 53)', () => {
  const OLD_RECORD = `${OLD_SELECTOR}._domainkey.${DOMAIN}`;
  const NEW_RECORD = `${NEW_SELECTOR}._domainkey.${DOMAIN}`;
  let hosted: Awaited<ReturnType<typeof startHostedZone>>;
  const auto = () => state({}, { rotationMode: 'AUTO', hostedZoneId: HOSTED_ZONE_ID });
  const autoDeps = (dns: ReturnType<typeof scriptedVerifier>['verifier']) => ({
    ...deps(dns),
    route53: hosted.client,
  });

  beforeEach(async () => {
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    hosted = await startHostedZone(DOMAIN, {
      [OLD_RECORD]: dkimTxtValue(oldKey.publicKey),
      [NEW_RECORD]: dkimTxtValue(newKey.publicKey),
    });
  });
  afterEach(async () => {
    await hosted.stop();
  });

  it('deletes the old record itself, once, tells the DNS team, and keeps the new record', async () => {
    const { verifier } = scriptedVerifier({ verdicts: ['stale', 'match'] });
    await expect(retireOldKey(auto(), autoDeps(verifier))).rejects.toMatchObject({
      name: 'DnsRecordMismatch',
    });
    const result = await retireOldKey(auto(), autoDeps(verifier));
    expect(hosted.route53.changes()).toEqual([
      expect.objectContaining({ action: 'DELETE', name: OLD_RECORD }),
    ]);
    expect(hosted.zone.records.has(NEW_RECORD)).toBe(true);
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
    expect(sns.to(DNS_TOPIC)[0]?.Subject).toContain('DKIM record removed (Route 53)');
    expect(sns.to(DNS_TOPIC)[0]?.Message).not.toContain('Please remove');
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('RETIRED');
    expect(result.retiredSelectors).toEqual([OLD_SELECTOR]);
  });

  const restartZone = async (records: Record<string, string>) => {
    await hosted.stop();
    hosted = await startHostedZone(DOMAIN, { [NEW_RECORD]: 'v=DKIM1; k=rsa; p=NEW', ...records });
  };

  it('takes an old record someone already removed as done, and does not claim to have deleted it', async () => {
    await restartZone({});
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    const result = await retireOldKey(auto(), autoDeps(verifier));
    expect(hosted.route53.changes()).toEqual([]);
    expect(result.retiredSelectors).toEqual([OLD_SELECTOR]);
    expect(sns.to(DNS_TOPIC)[0]?.Message).toContain('is no longer in hosted zone');
    expect(sns.to(DNS_TOPIC)[0]?.Message).not.toContain('the workflow deleted');
  });

  it('deletes the record of the old key however it was written (the first one may predate this product)', async () => {
    const [oldKey] = await keyPairs();
    const p = dkimTxtValue(oldKey?.publicKey as never).split('p=')[1];
    await restartZone({ [OLD_RECORD]: `v=DKIM1;h=sha256;  k=rsa ; p=${p}` });
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    await retireOldKey(auto(), autoDeps(verifier));
    expect(hosted.route53.changes()).toEqual([
      expect.objectContaining({ action: 'DELETE', name: OLD_RECORD }),
    ]);
  });

  it('deletes a record the DNS team already revoked (p=)', async () => {
    await restartZone({ [OLD_RECORD]: 'v=DKIM1; p=' });
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    await retireOldKey(auto(), autoDeps(verifier));
    expect(hosted.route53.changes()).toEqual([
      expect.objectContaining({ action: 'DELETE', name: OLD_RECORD }),
    ]);
  });

  it('never deletes a value it did not publish at the old name: DnsRecordMismatch (retried), record kept, nobody told yet', async () => {
    await restartZone({ [OLD_RECORD]: 'v=DKIM1; k=rsa; p=SOMEONEELSESKEY' });
    const { verifier, asked } = scriptedVerifier({ verdicts: ['match'] });
    await expect(retireOldKey(auto(), autoDeps(verifier))).rejects.toMatchObject({
      name: 'DnsRecordMismatch',
    });
    expect(hosted.route53.changes()).toEqual([]);
    expect(hosted.zone.records.get(OLD_RECORD)).toBe('v=DKIM1; k=rsa; p=SOMEONEELSESKEY');
    expect(sns.to(DNS_TOPIC)).toEqual([]);
    expect(asked).toEqual([]);
    expect(metadataOf(s3, OLD_SELECTOR).retirementRequestedAt).toBeUndefined();
  });

  it('deletes once even when telling the DNS team failed the first time', async () => {
    sns.faults.add('Publish', sdkError('InternalError', 500));
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    await expect(retireOldKey(auto(), autoDeps(verifier))).rejects.toMatchObject({
      name: 'TransientAwsError',
    });
    await retireOldKey(auto(), autoDeps(verifier));
    expect(hosted.route53.changes().map((change) => change.action)).toEqual(['DELETE']);
    expect(sns.to(DNS_TOPIC)).toHaveLength(1);
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('RETIRED');
  });

  it('deletes nothing while SES still signs with the old selector somewhere', async () => {
    ses.identity(REGION).selector = OLD_SELECTOR;
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    await expect(retireOldKey(auto(), autoDeps(verifier))).rejects.toMatchObject({ name: 'SesApplyFailed' });
    expect(hosted.route53.changes()).toEqual([]);
    expect(hosted.zone.records.has(OLD_RECORD)).toBe(true);
  });
});
