import { formatSummary, rehearsalOutcome } from '../../cli/commands/local-rotate';
import { EXIT } from '../../cli/exit-codes';
import type { RotationSummary } from '../../local/runner/rotate';

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

describe('the text summary of byodkim local rotate', () => {
  it('prints the cause under the result, and explains the unsigned count where it is printed', () => {
    // GIVEN a failed rehearsal whose probe saw unsigned mail in two states
    const summary = {
      status: 'FAILED',
      error: 'RotationRolledBack',
      cause:
        'ConfirmSesStatus (SesDkimFailed): SES could not verify s2 for example.com in ap-northeast-1 (FAILED)',
      transitions: 20,
      durationMs: 4000,
      selectors: { previous: 's1', new: 's2' },
      ses: {},
      probe: {
        sent: 10,
        passed: 8,
        failed: 0,
        unsigned: 2,
        unsignedIn: ['ConfirmSesStatus', 'RollbackSigning'],
      },
      unsignedWindowMs: 800,
      applyAt: null,
      leaks: { scanned: 1, found: 0, kinds: [] },
      approvals: { accepted: 1, refused: 0 },
      iam: iam(0),
    } as unknown as RotationSummary;

    // WHEN it is formatted for a person
    const lines = formatSummary('example.com', summary).split('\n');

    // THEN the cause follows the result line, and the unsigned count is explained on the next line
    const result = lines.findIndex((line) => line.startsWith('Result: FAILED (RotationRolledBack)'));
    expect(lines[result + 1]).toBe(`  cause: ${summary.cause}`);
    const probe = lines.findIndex((line) => line.includes('2 unsigned'));
    expect(lines[probe + 1]).toMatch(
      /2 unsigned in ConfirmSesStatus, RollbackSigning: SES sends mail unsigned while a signing change is PENDING.*0\.80s/,
    );
  });
});
