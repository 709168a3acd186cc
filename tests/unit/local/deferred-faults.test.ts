import type { LocalAws } from '../../../local/aws-stand-ins';
import { FaultInjector } from '../../../local/faults';
import { scheduleFaults } from '../../../local/runner/deferred-faults';
import { parseScenario } from '../../../local/scenario';

describe('scenario faults that wait for a state', () => {
  it('arms a fault with afterState only once that state has run, with the message AWS would send', () => {
    // GIVEN a scenario whose S3 PutObject fails after ApplyToSes, with AWS's wording
    const message = 'User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized';
    const { faults } = parseScenario({
      faults: [
        { service: 's3', operation: 'PutObject', error: 'AccessDenied', afterState: 'ApplyToSes', message },
        { service: 'ses', operation: 'GetEmailIdentity', error: 'TooManyRequestsException' },
      ],
    });
    const scheduled = scheduleFaults(faults);
    const aws = {
      s3: { faults: new FaultInjector([], () => 403) },
      ses: { faults: new FaultInjector([], () => 429) },
    } as unknown as Pick<LocalAws, 's3' | 'ses'>;

    // THEN only the fault without afterState is armed from the start
    expect(scheduled.fromStart).toEqual([
      { service: 'ses', operation: 'GetEmailIdentity', error: 'TooManyRequestsException', times: 1 },
    ]);
    // WHEN other states run, THEN S3 writes still succeed
    scheduled.stateExited('GenerateKey', aws);
    expect(aws.s3.faults.take({ operation: 'PutObject' })).toBeUndefined();
    // WHEN ApplyToSes has run (twice: a retry), THEN the next write fails once, with the message
    scheduled.stateExited('ApplyToSes', aws);
    scheduled.stateExited('ApplyToSes', aws);
    expect(aws.s3.faults.take({ operation: 'PutObject' })).toEqual({
      error: 'AccessDenied',
      httpStatus: 403,
      message,
    });
    expect(aws.s3.faults.take({ operation: 'PutObject' })).toBeUndefined();
  });
});
