import { silentLogger } from '../../shared/rotation/runtime';
import { confirmSesStatus, evaluateSesStatus } from '../../tasks/confirm-ses-status/logic';
import { FakeS3, FakeSes, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, OLD_SELECTOR, seedKey, state } from './support/rotation';

const REGIONS = ['ap-northeast-1', 'ap-northeast-3'];
const signing = (region: string, status: string, selector = NEW_SELECTOR) => ({
  region,
  origin: 'EXTERNAL',
  selector,
  status,
  signingEnabled: true,
});

describe('evaluateSesStatus', () => {
  it('is success only when every region reports SUCCESS for the new selector', () => {
    expect(evaluateSesStatus([signing('a', 'SUCCESS'), signing('b', 'SUCCESS')], NEW_SELECTOR)).toEqual({
      kind: 'success',
    });
    expect(evaluateSesStatus([signing('a', 'SUCCESS'), signing('b', 'PENDING')], NEW_SELECTOR).kind).toBe(
      'pending',
    );
  });

  it('treats FAILED and TEMPORARY_FAILURE as failed even while another region is pending', () => {
    expect(
      evaluateSesStatus([signing('a', 'PENDING'), signing('b', 'TEMPORARY_FAILURE')], NEW_SELECTOR),
    ).toEqual({
      kind: 'failed',
      regions: ['b (TEMPORARY_FAILURE)'],
    });
  });

  it('reports drift when a region signs with another selector', () => {
    expect(evaluateSesStatus([signing('a', 'SUCCESS', OLD_SELECTOR)], NEW_SELECTOR).kind).toBe('drifted');
  });
});

describe('ConfirmSesStatus', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  const deps = () => ({ ...s3.deps(), ses: ses.clientFor, clock: fixedClock(), logger: silentLogger });
  const applied = state({}, { regions: REGIONS });

  beforeEach(async () => {
    s3 = new FakeS3();
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'ACTIVE');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': {
        origin: 'EXTERNAL',
        selector: NEW_SELECTOR,
        status: 'SUCCESS',
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

  it('throws SesDkimPending (retried with backoff) while one region is still PENDING, changing nothing', async () => {
    await expect(confirmSesStatus(applied, deps())).rejects.toMatchObject({ name: 'SesDkimPending' });
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('PENDING');
  });

  it('throws SesDkimFailed when a region reports FAILED, so the workflow rolls back', async () => {
    ses.identity('ap-northeast-3').status = 'FAILED';
    await expect(confirmSesStatus(applied, deps())).rejects.toMatchObject({ name: 'SesDkimFailed' });
  });

  it('marks the new key ACTIVE and the old one PREVIOUS once every region reports SUCCESS, idempotently', async () => {
    // GIVEN every region reports SUCCESS
    ses.identity('ap-northeast-3').status = 'SUCCESS';
    // WHEN ConfirmSesStatus runs twice (a retry after a lost response)
    await confirmSesStatus(applied, deps());
    const result = await confirmSesStatus(applied, deps());
    // THEN the key states moved once
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ACTIVE');
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('PREVIOUS');
    expect(metadataOf(s3, NEW_SELECTOR).history.map((entry) => entry.state)).toEqual(['PENDING', 'ACTIVE']);
    expect(result.regions).toEqual(REGIONS.map((region) => ({ region, status: 'SUCCESS' })));
  });

  it('reports SES throttling as transient', async () => {
    ses.fault('ap-northeast-1', 'GetEmailIdentity', throttling());
    await expect(confirmSesStatus(applied, deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });
});
