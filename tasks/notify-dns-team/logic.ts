/**
 * NotifyDnsTeam (`.waitForTaskToken`): stores the task token server-side in
 * `approvals/<id>.json`, makes it the key's only live approval (an earlier link, e.g. from before a
 * redrive, is superseded), and sends the DNS team the record with a signed link. The token never
 * leaves this function except into S3.
 */
import { InvalidInputError } from '../../shared/errors';
import { plannedSwitchLine } from '../../shared/notifications/common-lines';
import { type NotifyDeps, publish } from '../../shared/notifications/publish';
import { dnsRequestNotification } from '../../shared/notifications/templates/dns-request';
import type { ApprovalKeys } from '../../shared/rotation/approval-keys';
import { approvalUrl, newApprovalId } from '../../shared/rotation/approval-links';
import { closeApproval, createApproval } from '../../shared/rotation/approvals';
import { readDnsRequest } from '../../shared/rotation/dns-request';
import { readMetadata, transitionKey } from '../../shared/rotation/key-metadata';
import type { KeyStoreDeps } from '../../shared/rotation/key-store';
import type { BaseDeps } from '../../shared/rotation/runtime';
import { assertRotationState, type NotifyDnsTeamInput } from '../../shared/rotation/state';

export interface NotifyDnsTeamDeps extends BaseDeps, KeyStoreDeps {
  readonly dnsTeam: NotifyDeps;
  /** The signing keys (AWSCURRENT signs the link). */
  readonly approvalKeys: () => Promise<ApprovalKeys>;
  readonly approvalBaseUrl: string;
  /** @default newApprovalId */
  readonly newId?: () => string;
}

/** What the task returns to Lambda (Step Functions ignores it and waits for the token). */
export interface NotifyDnsTeamResult {
  readonly approvalId: string;
  readonly supersededApprovalId?: string;
}

export async function notifyDnsTeam(
  input: NotifyDnsTeamInput,
  deps: NotifyDnsTeamDeps,
): Promise<NotifyDnsTeamResult> {
  const { state, taskToken, executionArn } = input ?? {};
  assertRotationState(state, 'NotifyDnsTeam (its state field)');
  if (typeof taskToken !== 'string' || taskToken.length === 0) {
    throw new InvalidInputError('NotifyDnsTeam needs a task token (invoke it with .waitForTaskToken).');
  }
  if (state.key === undefined || state.dnsRequest === undefined) {
    throw new InvalidInputError('NotifyDnsTeam runs after GenerateKey and StoreDnsRequest.');
  }
  const { domain, selector, executionName, reminderAfterSeconds, language, maxReminders } = state.plan;
  const contacts = state.plan.opsContacts ?? [];
  const request = await readDnsRequest(deps, state.dnsRequest.dnsRequestKey);
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + reminderAfterSeconds * 1000);
  const approvalId = (deps.newId ?? newApprovalId)();

  await createApproval(deps, {
    schemaVersion: 1,
    approvalId,
    taskToken,
    domain,
    selector,
    recordName: request.recordName,
    fingerprint: request.fingerprint,
    executionName,
    ...(typeof executionArn === 'string' && executionArn.length > 0 ? { executionArn } : {}),
    reminderNumber: state.reminders.count,
    maxReminders,
    ...(contacts.length > 0 ? { operatorContacts: contacts } : {}),
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    status: 'OPEN',
  });
  const before = await readMetadata(deps, domain, selector);
  await transitionKey(deps, domain, selector, 'PENDING', {
    at: now,
    reason: 'approval link sent',
    patch: { openApprovalId: approvalId },
  });
  const superseded = before?.openApprovalId;
  if (superseded !== undefined && superseded !== approvalId) {
    await closeApproval(deps, superseded, 'SUPERSEDED', now);
  }

  const { current: signingKey } = await deps.approvalKeys();
  await publish(
    deps.dnsTeam,
    domain,
    language,
    dnsRequestNotification({
      request,
      approvalUrl: approvalUrl(deps.approvalBaseUrl, signingKey, approvalId, expiresAt),
      expiresAt,
      reminderNumber: state.reminders.count,
      maxReminders,
      retentionDays: Math.round(state.plan.retentionSeconds / 86_400),
      files: [
        ...(state.dnsRequest.zoneFileKey ? [`s3://${deps.bucket}/${state.dnsRequest.zoneFileKey}`] : []),
        `s3://${deps.bucket}/${state.dnsRequest.dnsRequestKey}`,
      ],
      contacts,
      plannedSwitch: plannedSwitchLine(state.plan.applyWindow, now),
    }),
  );
  deps.logger.info('Approval link sent', { domain, selector, approvalId, supersededApprovalId: superseded });
  return superseded === undefined || superseded === approvalId
    ? { approvalId }
    : { approvalId, supersededApprovalId: superseded };
}
