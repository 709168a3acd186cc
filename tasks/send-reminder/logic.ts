/**
 * SendReminder: NotifyDnsTeam's wait timed out. Kills the expired link and counts the reminder;
 * NotifyDnsTeam then sends the reminder with a fresh link. After `maxReminders` the rotation
 * fails cleanly with ApprovalExpired (SES untouched; AbandonKey follows).
 */
import { ApprovalExpiredError } from '../../shared/errors';
import { closeApproval } from '../../shared/rotation/approvals';
import { readMetadata } from '../../shared/rotation/key-metadata';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import type { ReminderCount, RotationState } from '../../shared/rotation/state';

export type SendReminderDeps = BaseDeps & KeyStoreDeps;

export async function sendReminder(state: RotationState, deps: SendReminderDeps): Promise<ReminderCount> {
  const { domain, selector, maxReminders } = state.plan;
  const metadata = await readMetadata(deps, domain, selector);
  if (metadata?.openApprovalId !== undefined) {
    await closeApproval(deps, metadata.openApprovalId, 'EXPIRED', deps.clock());
  }
  const sent = state.reminders.count;
  if (sent >= maxReminders) {
    throw new ApprovalExpiredError(
      `Nobody approved the DNS record of ${selector} for ${domain} after ${sent} reminder(s): SES is untouched; start a new rotation when the DNS team is ready.`,
    );
  }
  deps.logger.info('Reminder due', { domain, selector, reminder: sent + 1, maxReminders });
  return { count: sent + 1 };
}
