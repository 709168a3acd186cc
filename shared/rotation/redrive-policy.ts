/**
 * When a redrive of a failed rotation can help, read from how the execution ended.
 *
 * Step Functions redrives a failed Standard execution "from the unsuccessful step" with the same
 * input (RedriveExecution API reference; Developer Guide, "Restarting state machine executions with
 * redrive"). Every Fail state of the rotation is reached through a Catch that already handled the
 * task error (rejection, expiry, rollback, retirement), so the unsuccessful step of such an
 * execution is the Fail state itself: a redrive enters it again and fails the same way, although
 * DescribeExecution still says REDRIVABLE. Only the history tells: the last state the run entered
 * is a `FailStateEntered` event naming the Fail state (`endingFailState`, ./rotation-executions.ts).
 * An execution that failed in a task with nothing catching it ends in that task instead, and a
 * redrive re-runs it. No AWS client here: the infra's alarm descriptions name these states too.
 */

/**
 * The workflow's Fail states (workflows/rotation-workflow.ts): a redrive of an execution that
 * ended in one of them ends there again. tests/workflow/rotation-graph.test.ts checks that this is
 * every Fail state of the synthesized definition, so a new ending must be placed here on purpose.
 */
export const REDRIVE_CANNOT_HELP = [
  'RotationRejected',
  'ApprovalExpired',
  'RotationRolledBack',
  'RollbackFailed',
  'OldKeyNotRetired',
] as const;

/** One of {@link REDRIVE_CANNOT_HELP}. */
export type FinalFailState = (typeof REDRIVE_CANNOT_HELP)[number];

/** True when `state` is one of the Fail states a redrive cannot help. */
export function isFinalFailState(state: string | undefined): state is FinalFailState {
  return (REDRIVE_CANNOT_HELP as readonly string[]).includes(state ?? '');
}

/**
 * What to do instead of a redrive, per ending, naming the runbook section (docs/runbook.md,
 * "How a rotation ended: the Fail states"). `<domain>` is replaced by the domain.
 */
export const INSTEAD_OF_REDRIVE: Readonly<Record<FinalFailState, string>> = {
  RotationRejected:
    'the DNS team rejected the change and SES was never touched. Ask them why, then start a new rotation: byodkim start <domain> (runbook: DnsChangeRejected).',
  ApprovalExpired:
    'nobody approved after every reminder and SES was never touched. Reach the DNS team, then start a new rotation: byodkim start <domain> (runbook: ApprovalExpired).',
  RotationRolledBack:
    "the previous signing configuration was restored. Read the execution's failure, fix its cause, then start a new rotation: byodkim start <domain> (runbook: RotationRolledBack).",
  RollbackFailed:
    'the previous signing configuration was NOT restored. Restore SES signing by hand now (runbook: Restoring SES signing by hand), then start a new rotation: byodkim start <domain> (runbook: RollbackFailed).',
  OldKeyNotRetired:
    'the new key signs in every region; only the old record is not confirmed gone. Have it removed or revoked on every name server and check with byodkim dns check (runbook: OldKeyNotRetired); nothing needs to be redriven or started.',
};
