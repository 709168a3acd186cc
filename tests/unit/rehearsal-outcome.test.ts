import { rehearsalOutcome } from '../../cli/commands/local-rotate';
import { EXIT } from '../../cli/exit-codes';

const iam = (denied: number) => ({
  evaluated: 100,
  denied,
  deniedRequests: Array.from({ length: denied }, () => ({
    state: 'NotifySuccess',
    action: 'sns:Publish',
    resource: 'arn:aws:sns:local:000000000000:byodkim-operators',
  })),
});

describe('the outcome of byodkim local rotate', () => {
  it('fails a rotation that succeeded while the IAM denied a call the scenario did not revoke', () => {
    // GIVEN a successful rotation with one denial, and no iamDeny in the scenario
    // WHEN its outcome is decided
    const outcome = rehearsalOutcome({ status: 'SUCCEEDED', iam: iam(1) }, { iamDeny: {} });

    // THEN it exits "not verified" and says a role lacks a permission
    expect(outcome).toEqual({
      exitCode: EXIT.NOT_VERIFIED,
      complaint: expect.stringMatching(/^IamDenied: 1 AWS call/),
    });
  });

  it('passes a clean success, and takes denials the scenario asked for as part of the rehearsal', () => {
    expect(rehearsalOutcome({ status: 'SUCCEEDED', iam: iam(0) }, { iamDeny: {} })).toEqual({
      exitCode: EXIT.OK,
    });
    const revoked = rehearsalOutcome(
      { status: 'FAILED', iam: iam(2) },
      { iamDeny: { GenerateKey: ['s3:ListBucket'] } },
    );
    expect(revoked).toEqual({ exitCode: EXIT.NOT_VERIFIED });
  });
});
