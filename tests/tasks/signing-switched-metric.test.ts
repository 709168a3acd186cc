/**
 * ApplyToSes counts SigningSwitched (the dashboard's marker of a rotation switch beside the SES
 * bounce and complaint rates): once per run that changed SES, never for a run that found the key
 * already applied everywhere, never for a failed run, and with the domain as its only detail.
 */
import type { MetricsSink } from '../../shared/monitoring/metrics';
import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState } from '../../shared/rotation/state';
import { makeHandler } from '../../tasks/apply-to-ses/handler';
import { FakeS3, FakeSes, fixedClock, throttling } from './support/fakes';
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
const signing = (selector: string) => ({
  origin: 'EXTERNAL' as const,
  selector,
  status: 'SUCCESS',
  signingEnabled: true,
});

describe('ApplyToSes SigningSwitched metric', () => {
  let s3: FakeS3;
  let ses: FakeSes;
  let points: Array<{
    name: string;
    value: number;
    unit: string;
    dimensions: Readonly<Record<string, string>>;
  }>;
  const sink: MetricsSink = {
    put: (name, value, unit, dimensions) => void points.push({ name, value, unit, dimensions }),
  };
  const verified: RotationState = state(
    {
      key: keyReference(),
      dns: { recordName: 'r', verifiedAt: '2026-11-21T00:00:00.000Z', serversChecked: 4, endToEnd: 'pass' },
    },
    { regions: REGIONS },
  );
  const handler = () =>
    makeHandler({ ...s3.deps(), ses: ses.clientFor, clock: fixedClock(), logger: silentLogger }, () => sink);

  beforeEach(async () => {
    points = [];
    s3 = new FakeS3();
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'ACTIVE');
    seedKey(s3, NEW_SELECTOR, newKey, 'PENDING');
    ses = new FakeSes(DOMAIN, {
      'ap-northeast-1': signing(OLD_SELECTOR),
      'ap-northeast-3': signing(OLD_SELECTOR),
    });
  });
  afterEach(() => {
    s3.restore();
    ses.restore();
  });

  it('counts one switch for the domain when SES was changed, however many regions', async () => {
    // WHEN ApplyToSes switches both regions
    await handler()(verified);
    // THEN one point, the domain its only dimension: no selector, no key material
    expect(points).toEqual([
      { name: 'SigningSwitched', value: 1, unit: 'Count', dimensions: { Domain: DOMAIN } },
    ]);
  });

  it('counts the retry that finishes a partly applied switch, and nothing for a redrive that finds it done', async () => {
    // GIVEN the first attempt was throttled in the second region (the first was switched)
    ses.fault('ap-northeast-3', 'PutEmailIdentityDkimSigningAttributes', throttling());
    await expect(handler()(verified)).rejects.toMatchObject({ name: 'TransientAwsError' });
    // THEN a failed run counts nothing
    expect(points).toEqual([]);
    // WHEN the retry applies the second region
    await handler()(verified);
    expect(points.map((point) => point.name)).toEqual(['SigningSwitched']);
    // AND a redrive finds SES already signing with the new key everywhere
    await handler()(verified);
    // THEN it adds no second marker
    expect(points).toHaveLength(1);
  });
});
