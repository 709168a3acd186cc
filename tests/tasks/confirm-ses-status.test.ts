import { DEFAULT_SES_CONFIRMATION } from '../../shared/rotation/poll-schedule';
import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState, SesConfirmation } from '../../shared/rotation/state';
import { confirmSesStatus, evaluateSesStatus } from '../../tasks/confirm-ses-status/logic';
import { FakeS3, FakeSes, fixedClock, throttling } from './support/fakes';
import { DOMAIN, keyPairs, metadataOf, NEW_SELECTOR, OLD_SELECTOR, seedKey, state } from './support/rotation';

const REGIONS = ['ap-northeast-1', 'ap-northeast-3'];
const APPLIED_AT = '2026-11-20T00:30:00.000Z';
const signing = (region: string, status: string, selector = NEW_SELECTOR) => ({
  region,
  origin: 'EXTERNAL',
  selector,
  tokens: [selector],
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
  let clock: ReturnType<typeof fixedClock>;
  const deps = (random = 0) => ({
    ...s3.deps(),
    ses: ses.clientFor,
    clock,
    random: () => random,
    logger: silentLogger,
  });
  const applied = (confirmation?: SesConfirmation): RotationState =>
    state(
      {
        ses: { selector: NEW_SELECTOR, appliedAt: APPLIED_AT, regions: [] },
        ...(confirmation ? { confirmation } : {}),
      },
      { regions: REGIONS, sesConfirmation: DEFAULT_SES_CONFIRMATION },
    );

  beforeEach(async () => {
    s3 = new FakeS3();
    clock = fixedClock(APPLIED_AT);
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

  it('asks for another poll a few seconds later while one region is still PENDING, changing no key', async () => {
    // GIVEN the first poll, 4 s after the switch
    clock.advance(4000);
    // WHEN ConfirmSesStatus runs with the least and the most jitter
    const soonest = await confirmSesStatus(applied(), deps(0));
    const latest = await confirmSesStatus(applied(), deps(0.999));
    // THEN the state machine waits between half and all of the 5 s initial interval
    expect(soonest).toMatchObject({ pending: true, nextPollSeconds: 3, polls: 1 });
    expect(latest.nextPollSeconds).toBe(5);
    // AND the region already at SUCCESS is timed, the other one is known to take longer than 4 s
    expect(soonest.regions).toEqual([
      {
        region: 'ap-northeast-1',
        status: 'SUCCESS',
        confirmedAt: clock().toISOString(),
        secondsAfterApply: 4,
      },
      { region: 'ap-northeast-3', status: 'PENDING', pendingSecondsAfterApply: 4 },
    ]);
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('PENDING');
  });

  it('measures, per region, how long SES took: after the last PENDING poll, at most the first SUCCESS one', async () => {
    // GIVEN a first poll at 4 s that saw ap-northeast-3 PENDING
    clock.advance(4000);
    const first = await confirmSesStatus(applied(), deps());
    // WHEN SES reports SUCCESS there by the next poll, 9 s after the switch
    ses.identity('ap-northeast-3').status = 'SUCCESS';
    clock.advance(5000);
    const second = await confirmSesStatus(applied(first), deps());
    // THEN the loop ends with both regions timed and the keys moved
    expect(second).toMatchObject({ pending: false, polls: 2, confirmedAt: clock().toISOString() });
    expect(second.nextPollSeconds).toBeUndefined();
    expect(second.regions).toEqual([
      expect.objectContaining({ region: 'ap-northeast-1', secondsAfterApply: 4 }),
      expect.objectContaining({
        region: 'ap-northeast-3',
        pendingSecondsAfterApply: 4,
        secondsAfterApply: 9,
      }),
    ]);
    expect(second.regions[0]?.pendingSecondsAfterApply).toBeUndefined();
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ACTIVE');
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('PREVIOUS');
  });

  it('gives up with SesDkimPending (caught into the rollback) once SES stayed PENDING for maxWaitHours', async () => {
    const earlier = await confirmSesStatus(applied(), deps());
    clock.advance(72 * 3600_000);
    await expect(confirmSesStatus(applied(earlier), deps())).rejects.toMatchObject({
      name: 'SesDkimPending',
      message: expect.stringContaining('maxWaitHours'),
    });
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('PENDING');
  });

  it('throws SesDkimPending for the Retry of an execution started before the polling loop (no schedule in its plan)', async () => {
    const legacy = state(
      { ses: { selector: NEW_SELECTOR, appliedAt: APPLIED_AT, regions: [] } },
      { regions: REGIONS },
    );
    await expect(confirmSesStatus(legacy, deps())).rejects.toMatchObject({ name: 'SesDkimPending' });
  });

  it('throws SesDkimFailed when a region reports FAILED, so the workflow rolls back', async () => {
    ses.identity('ap-northeast-3').status = 'FAILED';
    await expect(confirmSesStatus(applied(), deps())).rejects.toMatchObject({ name: 'SesDkimFailed' });
  });

  it('marks the new key ACTIVE and the old one PREVIOUS once every region reports SUCCESS, idempotently', async () => {
    // GIVEN every region reports SUCCESS
    ses.identity('ap-northeast-3').status = 'SUCCESS';
    // WHEN ConfirmSesStatus runs twice (a retry after a lost response)
    await confirmSesStatus(applied(), deps());
    const result = await confirmSesStatus(applied(), deps());
    // THEN the key states moved once
    expect(metadataOf(s3, NEW_SELECTOR).state).toBe('ACTIVE');
    expect(metadataOf(s3, OLD_SELECTOR).state).toBe('PREVIOUS');
    expect(metadataOf(s3, NEW_SELECTOR).history.map((entry) => entry.state)).toEqual(['PENDING', 'ACTIVE']);
    expect(result.regions.map(({ region, status }) => ({ region, status }))).toEqual(
      REGIONS.map((region) => ({ region, status: 'SUCCESS' })),
    );
  });

  it('reports SES throttling as transient', async () => {
    ses.fault('ap-northeast-1', 'GetEmailIdentity', throttling());
    await expect(confirmSesStatus(applied(), deps())).rejects.toMatchObject({ name: 'TransientAwsError' });
  });
});
