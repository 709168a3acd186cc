import type { Command } from 'commander';
import { InvalidInputError } from '../../shared/errors';
import { decideApproval } from '../../shared/rotation/approval-decision';
import { awaitsDelivery, readApproval } from '../../shared/rotation/approvals';
import { EXIT } from '../exit-codes';
import { resolveTarget, type TargetOptions } from '../target';
import { withTargetOptions } from './operations';

/** Options of `byodkim approve | reject`. */
interface DecisionOptions extends TargetOptions {
  readonly json?: boolean;
}

/**
 * Decides an approval for the DNS team after a phone confirmation, with the page's rules: only an
 * OPEN, unexpired approval, once. Prints what was decided (domain, record, fingerprint), never the
 * task token.
 */
export async function decide(
  approvalId: string,
  decision: 'approve' | 'reject',
  options: DecisionOptions,
): Promise<number> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(approvalId))
    throw new InvalidInputError(`"${approvalId}" is not an approval id (see byodkim status).`);
  const target = await resolveTarget(options);
  try {
    const deps = { s3: target.s3, bucket: target.bucket, sfn: target.sfn };
    const stored = await readApproval(deps, approvalId);
    if (!stored) throw new InvalidInputError(`No approval ${approvalId}: check the id in byodkim status.`);
    const { record } = stored;
    const report = (result: string, message: string, code: number) => {
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ approvalId, domain: record.domain, recordName: record.recordName, fingerprint: record.fingerprint, result })}\n`,
        );
      } else console.log(message);
      return code;
    };
    const resend =
      awaitsDelivery(record) && record.status === (decision === 'approve' ? 'APPROVED' : 'REJECTED');
    if (record.status !== 'OPEN' && !resend) {
      return report(
        record.status.toLowerCase(),
        `Nothing changed: approval ${approvalId} is ${record.status}.`,
        EXIT.NOT_VERIFIED,
      );
    }
    const now = new Date();
    if (!resend && now.getTime() >= Date.parse(record.expiresAt)) {
      return report(
        'expired',
        `Nothing changed: approval ${approvalId} expired at ${record.expiresAt}; use the newest reminder's id.`,
        EXIT.NOT_VERIFIED,
      );
    }
    const outcome = await decideApproval(deps, approvalId, decision, now);
    switch (outcome.kind) {
      case 'decided':
        return report(
          decision === 'approve' ? 'approved' : 'rejected',
          `${decision === 'approve' ? 'Approved' : 'Rejected'} ${record.recordName} (${record.fingerprint}) for ${record.domain}.${decision === 'approve' ? ' The workflow applies it once every name server serves the record.' : ' SES will not be changed.'}`,
          EXIT.OK,
        );
      case 'late':
        return report(
          'expired',
          outcome.reason === 'timed-out'
            ? `Nothing changed: the wait had already timed out; use the newest reminder's id.`
            : `Nothing changed: the execution waiting on this approval has ended.`,
          EXIT.NOT_VERIFIED,
        );
      case 'pending':
        return report(
          'pending',
          `Recorded: ${decision === 'approve' ? 'approved' : 'rejected'}, but Step Functions has not confirmed it yet (see the log). Run the same command again; the decision cannot change.`,
          EXIT.FAILURE,
        );
      case 'already-closed':
        return report(
          outcome.record.status.toLowerCase(),
          `Nothing changed: approval ${approvalId} is ${outcome.record.status}.`,
          EXIT.NOT_VERIFIED,
        );
      default:
        throw new InvalidInputError(`No approval ${approvalId}.`);
    }
  } finally {
    target.close();
  }
}

/** Registers `byodkim approve` and `byodkim reject`. */
export function registerApprovals(program: Command): void {
  for (const decision of ['approve', 'reject'] as const) {
    withTargetOptions(
      program
        .command(decision)
        .description(
          `${decision} a pending DNS change by its approval id (after the DNS team confirms by phone); same rules as the page`,
        )
        .argument('<approval-id>', 'the id shown by byodkim status'),
    ).action(async (approvalId: string, options: DecisionOptions) => {
      process.exitCode = await decide(approvalId, decision, options);
    });
  }
}
