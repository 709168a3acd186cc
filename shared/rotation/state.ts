/**
 * Typed payloads of the rotation state machine.
 *
 * State carries references (S3 keys, selector, approval id, fingerprints), never key material
 * and never a task token (ARCHITECTURE invariant 4). Each task writes its result under its own
 * field (the `ResultPath` in workflows/rotation-workflow.ts), so a reader of the execution graph
 * sees where the rotation stands.
 */
import { InvalidInputError } from '../errors';
import type { BackoffSettings } from '../workflow-history';
import type { ApplyWindow } from './apply-window';
import type { KeyState } from './key-metadata';

/** Execution input, as written by {@link startRotation}. */
export interface StartRotationInput {
  readonly domain: string;
  readonly selector: string;
  /** Who or what started the rotation (monitor, cli:<user>, local). */
  readonly requestedBy?: string;
}

/** PrepareRotation's payload: the execution input and the execution's name (`$$.Execution.Name`). */
export interface PrepareRotationInput {
  readonly request: StartRotationInput;
  readonly executionName: string;
}

/** The per-domain settings the rest of the workflow needs, read from the config once. */
export interface RotationPlan {
  readonly domain: string;
  readonly selector: string;
  readonly executionName: string;
  readonly requestedBy: string;
  readonly startedAt: string;
  readonly regions: readonly string[];
  readonly keyLength: 1024 | 2048;
  readonly certificateValidityDays: number;
  readonly language: 'ja' | 'en' | 'both';
  readonly rotationMode: 'MANUAL' | 'AUTO';
  /** Route 53 hosted zone the workflow publishes in and retires from (AUTO only). */
  readonly hostedZoneId?: string;
  /** NotifyDnsTeam's wait before a reminder (TimeoutSecondsPath). */
  readonly reminderAfterSeconds: number;
  readonly maxReminders: number;
  /** WaitRetention's wait (SecondsPath). */
  readonly retentionSeconds: number;
  /**
   * The operators' e-mail addresses (config `opsEmails`): the "who to call" line of every
   * notification. Contact data, not a secret. Absent in plans made before it existed.
   */
  readonly opsContacts?: readonly string[];
  /**
   * When ApplyToSes may change SES (config `applyWindow`, in the configuration's time zone);
   * absent: as soon as the record is verified.
   */
  readonly applyWindow?: ApplyWindow;
  /**
   * How ConfirmSesStatus and ConfirmRollback poll SES (config `sesConfirmation`), fixed for the
   * execution like the rest of the plan. Absent in plans made before it existed (the schema's
   * defaults apply).
   */
  readonly sesConfirmation?: BackoffSettings;
}

/** The signing configuration of one SES region before the rotation: what rollback restores. */
export type PreviousSigning =
  | { readonly region: string; readonly origin: 'EXTERNAL'; readonly selector: string }
  | { readonly region: string; readonly origin: 'AWS_SES'; readonly originValue: string };

/** PrepareRotation's result: replaces the execution input. */
export interface PreparedRotation {
  readonly plan: RotationPlan;
  readonly previous: readonly PreviousSigning[];
  readonly reminders: ReminderCount;
}

/** S3 keys of the new key's objects (never their content). */
export interface KeyReference {
  readonly privateKeyKey: string;
  readonly certificateKey: string;
  readonly metadataKey: string;
  /** SHA-256 fingerprint of the public key. */
  readonly fingerprint: string;
  readonly certificateExpiresAt: string;
  /** True when an earlier run had already stored the key (redrive, retry). */
  readonly reused: boolean;
}

/** Where the DNS request is stored and what record it asks for. */
export interface DnsRequestReference {
  readonly dnsRequestKey: string;
  readonly recordName: string;
  /** The same record as a zone-file snippet the DNS team can paste (`….zone`). */
  readonly zoneFileKey?: string;
}

/** PublishDnsRecord's result (AUTO): the Route 53 change that publishes the new record. */
export interface PublicationResult {
  readonly hostedZoneId: string;
  readonly recordName: string;
  /** Route 53's change id; absent when the exact record was already there (redrive). */
  readonly changeId?: string;
  readonly alreadyPublished: boolean;
  readonly publishedAt: string;
}

/** SendReminder's count of reminders sent. */
export interface ReminderCount {
  readonly count: number;
}

/** The output the approval endpoint sends with SendTaskSuccess. */
export interface ApprovalDecision {
  readonly decision: 'APPROVED';
  readonly approvalId: string;
  readonly decidedAt: string;
}

/**
 * A name server address VerifyDnsRecord did not ask, and why (an IPv6 address the function has no
 * egress to: docs/design/20261203-ipv6-egress.md). Text from DNS, already made printable; never
 * record text.
 */
export interface AddressNotChecked {
  /** The NS host the address belongs to. */
  readonly nameServer: string;
  /** The address, `ip` or `[ip]:port` when the port is not 53. */
  readonly address: string;
  readonly reason: string;
}

/** VerifyDnsRecord's result. */
export interface DnsVerified {
  readonly recordName: string;
  readonly verifiedAt: string;
  /** Every address of the verdict, those in {@link notChecked} included. */
  readonly serversChecked: number;
  readonly endToEnd: 'pass';
  /**
   * The addresses not asked, with the reason; absent when every address was asked (and in the
   * state of executions that predate the field).
   */
  readonly notChecked?: readonly AddressNotChecked[];
  /**
   * The planned switch: now, or the next opening of the apply window (RFC 3339, UTC, whole
   * seconds). Absent in the state of executions that predate the apply window.
   */
  readonly applyAt?: string;
  /**
   * Set when the verification fell outside the apply window: WaitForApplyWindow waits until then
   * (its TimestampPath), and VerifyDnsRecord checks the record again before ApplyToSes.
   */
  readonly waitForApplyWindowUntil?: string;
  /** How many times the rotation waited for the window so far (bounded: MAX_APPLY_WINDOW_WAITS). */
  readonly applyWindowWaits?: number;
}

/** What ApplyToSes did in one region. */
export interface RegionApplied {
  readonly region: string;
  readonly action: 'APPLIED' | 'ALREADY_APPLIED';
}

/** ApplyToSes's result. */
export interface SesApplied {
  readonly selector: string;
  readonly appliedAt: string;
  readonly regions: readonly RegionApplied[];
}

/** Where one region stands in ConfirmSesStatus's polling. */
export interface RegionConfirmation {
  readonly region: string;
  /** The DKIM status SES reported at the latest poll (SUCCESS stays once seen). */
  readonly status: string;
  /** When a poll first saw SUCCESS. */
  readonly confirmedAt?: string;
  /** Whole seconds from the switch (`$.ses.appliedAt`) to that poll: SES took at most this long. */
  readonly secondsAfterApply?: number;
  /**
   * Whole seconds from the switch to the last poll that still saw PENDING: SES took longer than
   * this. Absent when the first poll already saw SUCCESS.
   */
  readonly pendingSecondsAfterApply?: number;
}

/**
 * ConfirmSesStatus's progress, read back by its next poll (`$.confirmation`): while `pending`,
 * the state machine waits `nextPollSeconds` (WaitForSesStatus) and polls again.
 */
export interface SesConfirmation {
  readonly pending: boolean;
  /** Seconds to wait before the next poll; set while pending. */
  readonly nextPollSeconds?: number;
  /** Polls so far, this one included. */
  readonly polls: number;
  readonly firstPollAt: string;
  /** When SES reported SUCCESS in every region (the key became ACTIVE); absent while pending. */
  readonly confirmedAt?: string;
  readonly regions: readonly RegionConfirmation[];
}

/** A notification task's result. */
export interface NotificationSent {
  readonly sentAt: string;
  readonly messageIds: readonly string[];
}

/** RetireOldKey's result. */
export interface RetirementResult {
  readonly retiredSelectors: readonly string[];
  readonly skipped: readonly { readonly selector?: string; readonly reason: string }[];
  readonly retiredAt: string;
}

/** AbandonKey's result. */
export interface AbandonResult {
  readonly selector: string;
  readonly state: Extract<KeyState, 'ABANDONED'>;
  readonly reason: string;
}

/** RollbackSigning's result. */
export interface RollbackResult {
  readonly rolledBackAt: string;
  readonly regions: readonly {
    readonly region: string;
    readonly restored: 'EXTERNAL' | 'AWS_SES';
    readonly selector?: string;
    readonly action: 'RESTORED' | 'ALREADY_RESTORED';
  }[];
}

/** A DNS record the restored signing configuration needs served, as the operators must publish it. */
export interface RecordToPublish {
  readonly type: 'CNAME' | 'TXT';
  /** Owner name, no trailing dot (`<token>._domainkey.<domain>`, `<selector>._domainkey.<domain>`). */
  readonly name: string;
  /** The CNAME target, or the whole TXT value as one string. */
  readonly value: string;
  /** The SES regions that need it. */
  readonly regions: readonly string[];
}

/** Where one region stands in ConfirmRollback's polling. */
export interface RegionRollbackConfirmation {
  readonly region: string;
  readonly restored: 'EXTERNAL' | 'AWS_SES';
  /** The DKIM status SES reported at the latest poll. */
  readonly status: string;
  /** When a poll first saw SUCCESS for the restored configuration. */
  readonly confirmedAt?: string;
  /** Whole seconds from the rollback (`$.rollback.rolledBackAt`) to that poll. */
  readonly secondsAfterRollback?: number;
}

/**
 * ConfirmRollback's progress and verdict (`$.rollbackConfirmation`): while `pending`, the state
 * machine waits `nextPollSeconds` (WaitForRollbackStatus) and polls again; then `confirmed` says
 * whether SES signs with the restored configuration in every region.
 */
export interface RollbackConfirmation {
  readonly pending: boolean;
  readonly nextPollSeconds?: number;
  readonly polls: number;
  readonly firstPollAt: string;
  /** True: SUCCESS in every region (RotationRolledBack). False: it cannot verify (RollbackFailed). */
  readonly confirmed?: boolean;
  /** Printable: why it cannot verify, or what it is still waiting for. */
  readonly reason?: string;
  /** What DNS must serve for SES to verify the restored configuration (always set once checked). */
  readonly records?: readonly RecordToPublish[];
  readonly regions: readonly RegionRollbackConfirmation[];
}

/** What a Catch stores (`ResultPath`): Step Functions' error name and cause. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: string | null;
}

/** The state as it flows through the workflow after PrepareRotation. */
export interface RotationState extends PreparedRotation {
  readonly key?: KeyReference;
  readonly dnsRequest?: DnsRequestReference;
  /** AUTO mode: the workflow published the record itself (no approval wait). */
  readonly publication?: PublicationResult;
  readonly approval?: ApprovalDecision;
  readonly dns?: DnsVerified;
  readonly ses?: SesApplied;
  readonly confirmation?: SesConfirmation;
  readonly success?: NotificationSent;
  /**
   * The error that made NotifySuccess fail after its retries: the rotation goes on (SES
   * confirmed the key) and RecordLostNotice counts the lost notice for the alarm.
   */
  readonly successNoticeFailure?: CaughtError;
  readonly retirement?: RetirementResult;
  readonly abandon?: AbandonResult;
  readonly rollback?: RollbackResult;
  readonly rollbackConfirmation?: RollbackConfirmation;
  readonly failureNotice?: NotificationSent;
  /** The error caught after ApplyToSes, a rejection, an expiry or a reminder timeout. */
  readonly failure?: CaughtError;
  /** The error that made RollbackSigning or ConfirmRollback fail. */
  readonly rollbackFailure?: CaughtError;
  /** The error that made RetireOldKey fail (the new key stays; nothing is rolled back). */
  readonly retirementFailure?: CaughtError;
  /** Set when NotifyDnsTeam's wait timed out (the reminder loop); kept apart from `failure`. */
  readonly waitTimeout?: CaughtError;
}

/** NotifyDnsTeam's payload: the state and the task token (the token goes to S3, nowhere else). */
export interface NotifyDnsTeamInput {
  readonly state: RotationState;
  readonly taskToken: string;
  /** `$$.Execution.Id`, stored with the approval (absent when invoked by an older definition). */
  readonly executionArn?: string;
}

/**
 * Throws a clear {@link InvalidInputError} unless `event` looks like the rotation state the state
 * machine passes between states (`{"plan": {"domain", "selector", …}, …}`): a function invoked by
 * hand with another payload (as the phase-based system's runbook did) gets a sentence, not a
 * TypeError.
 */
export function assertRotationState(event: unknown, task: string): asserts event is RotationState {
  const plan = (event as { plan?: { domain?: unknown; selector?: unknown } } | null | undefined)?.plan;
  if (typeof plan?.domain !== 'string' || typeof plan.selector !== 'string') {
    throw new InvalidInputError(
      `${task} takes the rotation state the state machine passes between states ({"plan": {"domain", "selector", …}, …}), not this event. Start rotations with byodkim start or the state machine; do not invoke the function by hand.`,
    );
  }
}
