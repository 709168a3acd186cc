import { silentLogger } from '../../shared/rotation/runtime';
import { verifyDnsRecord } from '../../tasks/verify-dns-record/logic';
import { scriptedVerifier } from './support/dns';
import { FakeS3, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, keyReference, NEW_SELECTOR, seedKey, state } from './support/rotation';

describe('VerifyDnsRecord', () => {
  let s3: FakeS3;
  const withKey = state({ key: keyReference() });
  const deps = (dns: ReturnType<typeof scriptedVerifier>['verifier']) => ({
    ...s3.deps(),
    dns,
    clock: fixedClock(),
    logger: silentLogger,
  });

  beforeEach(async () => {
    s3 = new FakeS3();
    const [, newKey] = await keyPairs();
    if (newKey === undefined) throw new Error('keys');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
  });
  afterEach(() => s3.restore());

  it('passes only when every server matches and a signed message verifies end to end', async () => {
    // GIVEN every server serves the key
    const { verifier, asked } = scriptedVerifier({ verdicts: ['match'] });
    // WHEN VerifyDnsRecord runs
    const result = await verifyDnsRecord(withKey, deps(verifier));
    // THEN it asked for exactly the new key, published, and ran the end-to-end check
    const [newKey] = (await keyPairs()).slice(1);
    expect(asked[0]?.input).toEqual(
      expect.objectContaining({ domain: DOMAIN, selector: NEW_SELECTOR, expect: 'published' }),
    );
    expect(asked[0]?.input.publicKey.export({ format: 'jwk' })).toEqual(
      newKey?.publicKey.export({ format: 'jwk' }),
    );
    expect(asked[1]?.privateKeySeen).toBe(true);
    expect(result).toEqual(expect.objectContaining({ endToEnd: 'pass', serversChecked: 2 }));
  });

  describe('with an apply window (02:00-04:00 Asia/Tokyo; the clock reads 09:30 JST)', () => {
    const window = { start: '02:00', end: '04:00', timeZone: 'Asia/Tokyo' };
    const verified = (dns: Partial<NonNullable<typeof withKey.dns>> = {}) =>
      state(
        { key: keyReference(), ...(Object.keys(dns).length > 0 ? { dns: dns as never } : {}) },
        { applyWindow: window },
      );

    it('plans the switch for the next opening and asks the workflow to wait for it', async () => {
      const { verifier } = scriptedVerifier({ verdicts: ['match'] });
      const result = await verifyDnsRecord(verified(), deps(verifier));
      expect(result).toEqual(
        expect.objectContaining({
          applyAt: '2026-11-20T17:00:00Z',
          waitForApplyWindowUntil: '2026-11-20T17:00:00Z',
          applyWindowWaits: 1,
        }),
      );
    });

    it('applies at once when the record verifies again inside the window, keeping the wait count', async () => {
      const { verifier } = scriptedVerifier({ verdicts: ['match'] });
      const inside = { ...deps(verifier), clock: fixedClock('2026-11-20T17:00:05Z') };
      const result = await verifyDnsRecord(verified({ applyWindowWaits: 1 }), inside);
      expect(result.applyAt).toBe('2026-11-20T17:00:05Z');
      expect(result.waitForApplyWindowUntil).toBeUndefined();
      expect(result.applyWindowWaits).toBe(1);
    });

    it('refuses to wait again after the allowed waits: ApplyWindowMissed, SES untouched', async () => {
      const { verifier } = scriptedVerifier({ verdicts: ['match'] });
      await expect(verifyDnsRecord(verified({ applyWindowWaits: 2 }), deps(verifier))).rejects.toMatchObject({
        name: 'ApplyWindowMissed',
        message: expect.stringContaining('SES was not changed'),
      });
    });

    it('never plans a wait when the record is not verified (the poll retries first)', async () => {
      const { verifier } = scriptedVerifier({ verdicts: ['missing'] });
      await expect(verifyDnsRecord(verified(), deps(verifier))).rejects.toMatchObject({
        name: 'DnsRecordNotFound',
      });
    });
  });

  it('applies as soon as verified without an apply window', async () => {
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    const result = await verifyDnsRecord(withKey, deps(verifier));
    expect(result.applyAt).toBe('2026-11-20T00:30:00Z');
    expect(result.waitForApplyWindowUntil).toBeUndefined();
    expect(result.applyWindowWaits).toBeUndefined();
  });

  it('carries the addresses it did not check, with the reason, in its result', async () => {
    // GIVEN every IPv4 address serves the key and the IPv6 address was not asked
    const { verifier } = scriptedVerifier({ verdicts: ['ipv6-not-checked'] });
    // WHEN VerifyDnsRecord runs
    const result = await verifyDnsRecord(withKey, deps(verifier));
    // THEN the result names the host, the address and the reason
    expect(result.notChecked).toEqual([
      {
        nameServer: 'ns1.example.jp',
        address: '2001:db8::1',
        reason: 'Lambda outside a VPC has no IPv6 egress',
      },
    ]);
  });

  it('leaves the not-checked list out when every address was asked', async () => {
    // GIVEN every address serves the key
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    // WHEN VerifyDnsRecord runs
    const result = await verifyDnsRecord(withKey, deps(verifier));
    // THEN the state stays as small as before
    expect(result).not.toHaveProperty('notChecked');
  });

  it.each([
    ['missing on one server', 'missing', 'DnsRecordNotFound'],
    ['one server still serving an old value', 'stale', 'DnsRecordMismatch'],
    ['one server unreachable', 'unreachable', 'DnsLookupFailed'],
  ] as const)('refuses with the retried error when %s', async (_label, verdict, errorName) => {
    const { verifier, asked } = scriptedVerifier({ verdicts: [verdict] });
    await expect(verifyDnsRecord(withKey, deps(verifier))).rejects.toMatchObject({ name: errorName });
    // AND the end-to-end check never ran on a partial view
    expect(asked).toHaveLength(1);
  });

  it.each([
    ['fail', 'DnsRecordMismatch'],
    ['temperror', 'DnsLookupFailed'],
    ['none', 'DnsRecordNotFound'],
  ] as const)('refuses when the end-to-end DKIM check says %s', async (endToEnd, errorName) => {
    const { verifier } = scriptedVerifier({ verdicts: ['match'], endToEnd });
    await expect(verifyDnsRecord(withKey, deps(verifier))).rejects.toMatchObject({ name: errorName });
  });

  it('reports S3 throttling while reading the key as transient', async () => {
    s3.faults.add('GetObject', throttling());
    const { verifier } = scriptedVerifier({ verdicts: ['match'] });
    await expect(verifyDnsRecord(withKey, deps(verifier))).rejects.toMatchObject({
      name: 'TransientAwsError',
    });
  });
});
