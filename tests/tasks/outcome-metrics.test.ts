import { PublishCommand } from '@aws-sdk/client-sns';
import { type MetricsSink, ROTATION_FAILED_ENDINGS } from '../../shared/monitoring/metrics';
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

  it('counts RotationRolledBack after a restored key, and RotationFailed for exactly the endings its alarm names', async () => {
    // GIVEN NotifyFailure's inputs, named by the Fail state HowItFailed sends each to
    const failure = { Error: 'SesDkimFailed', Cause: 'FAILED' };
    const rollback = { rolledBackAt: 'now', regions: [] };
    const byEnding = {
      RotationRolledBack: state({ failure, rollback }),
      RollbackFailed: state({ failure, rollback, rollbackFailure: { Error: 'RollbackFailed', Cause: 'x' } }),
      OldKeyNotRetired: state({ retirementFailure: { Error: 'DnsRecordMismatch', Cause: 'x' } }),
    };
    // WHEN each is reported
    const counted: Record<string, string | undefined> = {};
    for (const [ending, input] of Object.entries(byEnding)) {
      points = [];
      await notifyFailure.makeHandler(deps(), () => sink)(input);
      counted[ending] = points[0]?.name;
    }
    // AND a rollback SES does not confirm (ConfirmRollback), which HowItFailed also ends in RollbackFailed
    points = [];
    await notifyFailure.makeHandler(
      deps(),
      () => sink,
    )(
      state({
        failure,
        rollback,
        rollbackConfirmation: { pending: false, confirmed: false, polls: 1, firstPollAt: 'now', regions: [] },
      }),
    );
    expect(points[0]?.name).toBe('RotationFailed');
    // THEN RotationFailed counts the endings ROTATION_FAILED_ENDINGS lists (the alarm's description)
    expect(counted).toEqual({
      RotationRolledBack: 'RotationRolledBack',
      RollbackFailed: 'RotationFailed',
      OldKeyNotRetired: 'RotationFailed',
    });
    expect(Object.keys(counted).filter((ending) => counted[ending] === 'RotationFailed')).toEqual([
      ...ROTATION_FAILED_ENDINGS,
    ]);
  });

  it('counts nothing when the notification could not be sent (the task is retried)', async () => {
    sns.mock.on(PublishCommand).rejects(throttling());
    await expect(notifySuccess.makeHandler(deps(), () => sink)(state())).rejects.toThrow();
    expect(points).toEqual([]);
  });
});
