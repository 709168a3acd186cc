import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState } from '../../shared/rotation/state';
import { rollbackSigning } from '../../tasks/rollback-signing/logic';
import { FakeS3, FakeSes, fixedClock, sdkError, throttling } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, OLD_SELECTOR, seedKey, state } from './support/rotation';

describe('RollbackSigning', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  const deps = () => ({ ...s3.deps(), ses: ses.clientFor, clock: fixedClock(), logger: silentLogger });
  const failed: RotationState = state(
    {
      previous: [
        { region: 'ap-northeast-1', origin: 'EXTERNAL', selector: OLD_SELECTOR },
        { region: 'ap-northeast-3', origin: 'AWS_SES', originValue: 'AWS_SES' },
      ],
      failure: { Error: 'SesDkimFailed', Cause: '{"errorMessage":"SES could not verify"}' },
    },
    { regions: ['ap-northeast-1', 'ap-northeast-3'] },
  );

  beforeEach(async () => {
    s3 = new FakeS3();
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'PREVIOUS');
    seedKey(s3, NEW_SELECTOR, newKey, 'ACTIVE');
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': {
        origin: 'EXTERNAL',
        selector: NEW_SELECTOR,
        status: 'FAILED',
        signingEnabled: true,
      },
      'ap-northeast-3': {
        origin: 'EXTERNAL',
        selector: NEW_SELECTOR,
        status: 'PENDING',
        signingEnabled: true,
      },
    });
  });
  afterEach(() => {
    s3.restore();
    ses.restore();
  });

  it('restores the previous external key in one region and Easy DKIM in the other, signing enabled, never disabled', async () => {
    // WHEN RollbackSigning runs
    const result = await rollbackSigning(failed, deps());
    // THEN each region is back to what PrepareRotation recorded
    expect(ses.identity('ap-northeast-1')).toEqual(
      expect.objectContaining({ origin: 'EXTERNAL', selector: OLD_SELECTOR, signingEnabled: true }),
    );
    expect(ses.identity('ap-northeast-3')).toEqual(
      expect.objectContaining({ origin: 'AWS_SES', signingEnabled: true }),
    );
    expect(result.regions.map((region) => region.action)).toEqual(['RESTORED', 'RESTORED']);
    // AND the keys say so
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ABANDONED');
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('ACTIVE');
  });

  it('leaves already restored regions alone on a retry', async () => {
    await rollbackSigning(failed, deps());
    const result = await rollbackSigning(failed, deps());
    expect(result.regions.map((region) => region.action)).toEqual(['ALREADY_RESTORED', 'ALREADY_RESTORED']);
    expect(ses.puts('ap-northeast-1')).toBe(1);
  });

  it('still restores the other regions when one is throttled, then reports the throttling as transient', async () => {
    // GIVEN SES throttles the first region
    ses.fault('ap-northeast-1', 'GetEmailIdentity', throttling());
    // WHEN rollback runs
    await expect(rollbackSigning(failed, deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
    // THEN the second region was restored anyway
    expect(ses.identity('ap-northeast-3').origin).toBe('AWS_SES');
  });

  it('fails as RollbackFailed when SES refuses the previous key permanently', async () => {
    ses.fault(
      'ap-northeast-1',
      'PutEmailIdentityDkimSigningAttributes',
      sdkError('BadRequestException', 400, 'Invalid private key'),
    );
    await expect(rollbackSigning(failed, deps())).rejects.toMatchObject({
      name: 'RollbackFailed',
      message: expect.stringContaining('ap-northeast-1'),
    });
  });
});
