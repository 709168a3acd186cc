import { PutEmailIdentityDkimSigningAttributesCommand } from '@aws-sdk/client-sesv2';
import { parseSesSigningPrivateKey } from '../../shared/dkim/ses-signing-key';
import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState } from '../../shared/rotation/state';
import { applyToSes } from '../../tasks/apply-to-ses/logic';
import { FakeS3, FakeSes, fixedClock, serverError, throttling } from './support/fakes';
import {
  DOMAIN,
  keyPairs,
  keyReference,
  NEW_SELECTOR,
  OLD_SELECTOR,
  seedKey,
  state,
} from './support/rotation';

const REGIONS = ['ap-northeast-1', 'ap-northeast-3'];

describe('ApplyToSes', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  const verified: RotationState = state(
    {
      key: keyReference(),
      dns: { recordName: 'r', verifiedAt: '2026-11-21T00:00:00.000Z', serversChecked: 4, endToEnd: 'pass' },
    },
    { regions: REGIONS },
  );
  const deps = () => ({ ...s3.deps(), ses: ses.clientFor, clock: fixedClock(), logger: silentLogger });

  beforeEach(async () => {
    s3 = new FakeS3();
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'ACTIVE');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': {
        origin: 'EXTERNAL',
        selector: OLD_SELECTOR,
        status: 'SUCCESS',
        signingEnabled: true,
      },
      'ap-northeast-3': {
        origin: 'EXTERNAL',
        selector: OLD_SELECTOR,
        status: 'SUCCESS',
        signingEnabled: true,
      },
    });
  });
  afterEach(() => {
    s3.restore();
    ses.restore();
  });

  it('applies the new key in every region as an SES-acceptable base64 DER string and enables signing', async () => {
    // WHEN ApplyToSes runs after a successful verification
    const result = await applyToSes(verified, deps());
    // THEN each region signs with the new selector
    for (const region of REGIONS) {
      const identity = ses.identity(region);
      expect(identity).toEqual(
        expect.objectContaining({ origin: 'EXTERNAL', selector: NEW_SELECTOR, signingEnabled: true }),
      );
      const [newKey] = (await keyPairs()).slice(1);
      const sent = parseSesSigningPrivateKey(identity.privateKey ?? '');
      expect(sent.export({ format: 'jwk' }).n).toBe(newKey?.privateKey.export({ format: 'jwk' }).n);
    }
    expect(result.regions).toEqual(REGIONS.map((region) => ({ region, action: 'APPLIED' })));
    // AND the result holds no key material
    expect(JSON.stringify(result)).not.toMatch(/PRIVATE KEY|MII/);
  });

  it('is a no-op in a region that already signs with the new selector (no second apply)', async () => {
    // GIVEN a first attempt applied the key in the first region only
    Object.assign(ses.identity('ap-northeast-1'), { selector: NEW_SELECTOR, status: 'PENDING' });
    // WHEN ApplyToSes runs again
    const result = await applyToSes(verified, deps());
    // THEN it does not call SES to apply again there
    expect(ses.puts('ap-northeast-1')).toBe(0);
    expect(ses.puts('ap-northeast-3')).toBe(1);
    expect(result.regions[0]).toEqual({ region: 'ap-northeast-1', action: 'ALREADY_APPLIED' });
  });

  it('refuses without a successful VerifyDnsRecord in the state', async () => {
    // GIVEN a state without the DNS verdict
    const unverified = { ...verified, dns: undefined };
    // WHEN / THEN SES is never called
    await expect(applyToSes(unverified, deps())).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(
      ses.mocks.get('ap-northeast-1')?.commandCalls(PutEmailIdentityDkimSigningAttributesCommand),
    ).toHaveLength(0);
  });

  it('refuses a key that is ABANDONED', async () => {
    seedKey(
      s3,
      NEW_SELECTOR,
      (await keyPairs())[1] as NonNullable<Awaited<ReturnType<typeof keyPairs>>[1]>,
      'ABANDONED',
    );
    await expect(applyToSes(verified, deps())).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('turns SES throttling into a transient error, then completes on the retry without re-applying', async () => {
    // GIVEN SES throttles the second region once (1 request/s per region)
    ses.fault('ap-northeast-3', 'PutEmailIdentityDkimSigningAttributes', throttling());
    // WHEN the first attempt fails
    await expect(applyToSes(verified, deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
    // AND the workflow retries
    await applyToSes(verified, deps());
    // THEN the first region was applied exactly once
    expect(ses.puts('ap-northeast-1')).toBe(1);
    expect(ses.identity('ap-northeast-3').selector).toBe(NEW_SELECTOR);
  });

  it('reports a 5xx as transient and a permanent refusal as SesApplyFailed', async () => {
    ses.fault('ap-northeast-1', 'PutEmailIdentityDkimSigningAttributes', serverError());
    await expect(applyToSes(verified, deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
    ses.fault(
      'ap-northeast-1',
      'PutEmailIdentityDkimSigningAttributes',
      Object.assign(new Error('Invalid key'), {
        name: 'BadRequestException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(applyToSes(verified, deps())).rejects.toMatchObject({ name: 'SesApplyFailed' });
  });
});
