/**
 * The rotation state machine's names: every state (the contract tests, docs, the local runner,
 * the CLI and operators rely on), the Lambda task states with their code folders, and the polling
 * Wait states. Data only, without CDK, so the CLI and the local runner can name states without
 * loading the definition (workflows/rotation-workflow.ts).
 */
import { TASK_MANIFEST, TASK_NAMES, type TaskName } from '../shared/tasks/manifest';

/** Every state name: the contract tests, docs, the local runner and operators rely on. */
export const STATE = {
  PrepareRotation: 'PrepareRotation',
  GenerateKey: 'GenerateKey',
  StoreDnsRequest: 'StoreDnsRequest',
  HowToPublish: 'HowToPublish',
  PublishDnsRecord: 'PublishDnsRecord',
  NotifyDnsTeam: 'NotifyDnsTeam',
  SendReminder: 'SendReminder',
  VerifyDnsRecord: 'VerifyDnsRecord',
  WhenToApply: 'WhenToApply',
  WaitForApplyWindow: 'WaitForApplyWindow',
  ApplyToSes: 'ApplyToSes',
  ConfirmSesStatus: 'ConfirmSesStatus',
  SesConfirmed: 'SesConfirmed',
  WaitForSesStatus: 'WaitForSesStatus',
  NotifySuccess: 'NotifySuccess',
  RecordLostNotice: 'RecordLostNotice',
  WaitRetention: 'WaitRetention',
  RetireOldKey: 'RetireOldKey',
  RotationComplete: 'RotationComplete',
  AbandonKey: 'AbandonKey',
  WhyAbandoned: 'WhyAbandoned',
  RotationRejected: 'RotationRejected',
  ApprovalExpired: 'ApprovalExpired',
  RollbackSigning: 'RollbackSigning',
  ConfirmRollback: 'ConfirmRollback',
  RollbackConfirmed: 'RollbackConfirmed',
  WaitForRollbackStatus: 'WaitForRollbackStatus',
  NotifyFailure: 'NotifyFailure',
  HowItFailed: 'HowItFailed',
  RotationRolledBack: 'RotationRolledBack',
  RollbackFailed: 'RollbackFailed',
  OldKeyNotRetired: 'OldKeyNotRetired',
} as const;

/** The states run by a Lambda function of ours: every function of the task manifest but the approval endpoint. */
export type LambdaTaskName = Exclude<TaskName, 'ApprovalEndpoint'>;

/** The states run by a Lambda function of ours, and the task folder holding its code (from the manifest). */
export const LAMBDA_TASKS = Object.fromEntries(
  TASK_NAMES.filter((name) => name !== 'ApprovalEndpoint').map((name) => [name, TASK_MANIFEST[name].folder]),
) as { readonly [K in LambdaTaskName]: (typeof TASK_MANIFEST)[K]['folder'] };

/**
 * The Wait states of the SES polling loops: each waits the `nextPollSeconds` its task returned
 * (the local rehearsal shortens them like the other polling pauses).
 */
export const POLL_WAIT_STATES: ReadonlySet<string> = new Set([
  STATE.WaitForSesStatus,
  STATE.WaitForRollbackStatus,
]);

// The polling attempts and the transient retry count live in shared/ so the configuration schema
// can bound the execution history by the same numbers (shared/workflow-history.ts).
