import { PublishCommand } from '@aws-sdk/client-sns';
import type { MetricsSink } from '../../shared/monitoring/metrics';
import { silentLogger } from '../../shared/rotation/runtime';
import * as notifyFailure from '../../tasks/notify-failure/handler';
import * as notifySuccess from '../../tasks/notify-success/handler';
import { DNS_TOPIC, FakeSns, fixedClock, OPS_TOPIC, throttling } from './support/fakes';
import { DOMAIN, state } from './support/rotation';

describe('rotation outcome metrics (the alarms and dashboard of RotationMonitor read them)', () => {
  let sns: FakeSns;
  let points: Array<{ name: string; value: number; dimensions: Readonly<Record<string, string>> }>;
  const sink: MetricsSink = {
    put: (name, value, _unit, dimensions) => void points.push({ name, value, dimensions }),
  };
  const deps = () => ({
    operators: sns.topic(OPS_TOPIC),
    dnsTeam: sns.topic(DNS_TOPIC),
    clock: fixedClock(),
    logger: silentLogger,
  });
  beforeEach(() => {
    sns = new FakeSns();
    points = [];
  });
  afterEach(() => sns.restore());

  it('counts RotationSucceeded for the domain once NotifySuccess told people', async () => {
    await notifySuccess.makeHandler(deps(), () => sink)(state());
    expect(points).toEqual([{ name: 'RotationSucceeded', value: 1, dimensions: { Domain: DOMAIN } }]);
  });

  it('counts RotationRolledBack after a restored key and RotationFailed otherwise', async () => {
    const failure = { Error: 'SesDkimFailed', Cause: 'FAILED' };
    await notifyFailure.makeHandler(
      deps(),
      () => sink,
    )(state({ failure, rollback: { rolledBackAt: 'now', regions: [] } }));
    await notifyFailure.makeHandler(
      deps(),
      () => sink,
    )(
      state({
        failure,
        rollback: { rolledBackAt: 'now', regions: [] },
        rollbackFailure: { Error: 'RollbackFailed', Cause: 'x' },
      }),
    );
    await notifyFailure.makeHandler(
      deps(),
      () => sink,
    )(state({ retirementFailure: { Error: 'DnsRecordMismatch', Cause: 'x' } }));
    // restored, but SES does not confirm it (ConfirmRollback): not a rollback that worked
    await notifyFailure.makeHandler(
      deps(),
      () => sink,
    )(
      state({
        failure,
        rollback: { rolledBackAt: 'now', regions: [] },
        rollbackConfirmation: { pending: false, confirmed: false, polls: 1, firstPollAt: 'now', regions: [] },
      }),
    );
    expect(points.map((point) => point.name)).toEqual([
      'RotationRolledBack',
      'RotationFailed',
      'RotationFailed',
      'RotationFailed',
    ]);
  });

  it('counts nothing when the notification could not be sent (the task is retried)', async () => {
    sns.mock.on(PublishCommand).rejects(throttling());
    await expect(notifySuccess.makeHandler(deps(), () => sink)(state())).rejects.toThrow();
    expect(points).toEqual([]);
  });
});
