/**
 * Typed errors of the rotation workflow, and the one list of every error name its Retry, Catch and
 * Fail states use.
 *
 * Each class's `name` is the exact `ErrorEquals` string the state machine's Retry and Catch use.
 * Handlers throw these classes and the workflow imports the names from here ({@link ERROR_NAMES},
 * {@link TRANSIENT_AWS_ERROR}, {@link LAMBDA_SERVICE_ERRORS}, {@link WORKFLOW_ERRORS},
 * {@link STATES_ERRORS}), so a rename breaks the build instead of silently breaking a Catch.
 * No AWS SDK or CDK import: every Lambda bundle includes this file.
 */

import { sanitise } from './sanitise';

/** The `ErrorEquals` names of every error the rotation raises, as constants. */
export const ERROR_NAMES = {
  InvalidInput: 'InvalidInput',
  DomainNotConfigured: 'DomainNotConfigured',
  KeyNotFound: 'KeyNotFound',
  DnsRecordNotFound: 'DnsRecordNotFound',
  DnsRecordMismatch: 'DnsRecordMismatch',
  DnsLookupFailed: 'DnsLookupFailed',
  DnsChangeRejected: 'DnsChangeRejected',
  ApplyWindowMissed: 'ApplyWindowMissed',
  ApprovalExpired: 'ApprovalExpired',
  SesApplyFailed: 'SesApplyFailed',
  SesDkimPending: 'SesDkimPending',
  SesDkimFailed: 'SesDkimFailed',
  RotationInProgress: 'RotationInProgress',
  RollbackFailed: 'RollbackFailed',
  RedriveRefused: 'RedriveRefused',
} as const;

/** One of the rotation's error names. */
export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/**
 * `ErrorEquals` name of a transient AWS failure (throttling, 5xx, network), retried by the workflow
 * with backoff. Raised by `callAws` (./rotation/aws-errors.ts) as its `TransientAwsError`.
 */
export const TRANSIENT_AWS_ERROR = 'TransientAwsError';

/** The Lambda service errors Step Functions reports for an invocation that never ran our code. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * The error names of the workflow's Fail states that no task raises (the other Fail states end with
 * the task error that led there: DnsChangeRejected, ApprovalExpired, RollbackFailed).
 */
export const WORKFLOW_ERRORS = {
  RotationRolledBack: 'RotationRolledBack',
  OldKeyNotRetired: 'OldKeyNotRetired',
} as const;

/**
 * The States Language's own error names the rotation's Retry, Catch and failure reading use (Step
 * Functions Developer Guide, "Error names"). The same strings as CDK's `sfn.Errors`, which code
 * bundled into a Lambda function should not import; tests/unit/errors.test.ts checks they agree.
 */
export const STATES_ERRORS = {
  /** Matches any error name but States.Runtime. */
  ALL: 'States.ALL',
  /** A task ran longer than its TimeoutSeconds (the approval wait's reminder timer). */
  Timeout: 'States.Timeout',
} as const;

/**
 * The error codes of the phase-based system our users run today, mapped to ours.
 * docs/errors.md explains each one; the CLI accepts either spelling.
 */
export const LEGACY_ERROR_CODES: Readonly<Record<string, ErrorName>> = {
  DNS_TXT_NOT_READY: ERROR_NAMES.DnsRecordNotFound,
  CERTIFICATE_NOT_FOUND: ERROR_NAMES.KeyNotFound,
  SES_UPDATE_FAILED: ERROR_NAMES.SesApplyFailed,
};

/** Options every rotation error accepts. */
export interface RotationErrorOptions {
  /** The lower-level error that caused this one (kept for logs, never shown raw to the DNS team). */
  readonly cause?: unknown;
}

/** Base class of every error the rotation raises on purpose. */
export abstract class RotationError extends Error {
  abstract override readonly name: ErrorName;

  constructor(message: string, options: RotationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Input (an event, a config value, a CLI argument, a scenario) is malformed. Not retried. */
export class InvalidInputError extends RotationError {
  override readonly name = ERROR_NAMES.InvalidInput;
}

/** The domain is not in the deployed configuration. */
export class DomainNotConfiguredError extends RotationError {
  override readonly name = ERROR_NAMES.DomainNotConfigured;
}

/** A key that should be in S3 is not there (our users know this as CERTIFICATE_NOT_FOUND). */
export class KeyNotFoundError extends RotationError {
  override readonly name = ERROR_NAMES.KeyNotFound;
}

/** The DKIM TXT record is not served yet (our users know this as DNS_TXT_NOT_READY). Retried. */
export class DnsRecordNotFoundError extends RotationError {
  override readonly name = ERROR_NAMES.DnsRecordNotFound;
}

/** A DKIM record is served but with another key, a testing flag, a revocation, or twice. Retried. */
export class DnsRecordMismatchError extends RotationError {
  override readonly name = ERROR_NAMES.DnsRecordMismatch;
}

/** Name servers could not be found or asked (timeouts, SERVFAIL, REFUSED, lame). Retried. */
export class DnsLookupFailedError extends RotationError {
  override readonly name = ERROR_NAMES.DnsLookupFailed;
}

/** The DNS team rejected the change. SES is untouched and the new key is abandoned. */
export class DnsChangeRejectedError extends RotationError {
  override readonly name = ERROR_NAMES.DnsChangeRejected;
}

/** Nobody approved within the reminders allowed. SES is untouched and the new key is abandoned. */
export class ApprovalExpiredError extends RotationError {
  override readonly name = ERROR_NAMES.ApprovalExpired;
}

/** SES refused the new signing attributes (our users know this as SES_UPDATE_FAILED). */
export class SesApplyFailedError extends RotationError {
  override readonly name = ERROR_NAMES.SesApplyFailed;
}

/** SES has not finished verifying the new key yet. Retried with backoff. */
export class SesDkimPendingError extends RotationError {
  override readonly name = ERROR_NAMES.SesDkimPending;
}

/** SES reports FAILED or TEMPORARY_FAILURE for the new key: the workflow rolls back. */
export class SesDkimFailedError extends RotationError {
  override readonly name = ERROR_NAMES.SesDkimFailed;
}

/** A rotation for this domain is already running: a second one is refused, never started. */
export class RotationInProgressError extends RotationError {
  override readonly name = ERROR_NAMES.RotationInProgress;
}

/**
 * The record could not be verified inside the apply window, after waiting for it the allowed
 * number of times. SES was not changed.
 */
export class ApplyWindowMissedError extends RotationError {
  override readonly name = ERROR_NAMES.ApplyWindowMissed;
}

/** The previous signing configuration could not be restored: operators are paged. */
export class RollbackFailedError extends RotationError {
  override readonly name = ERROR_NAMES.RollbackFailed;
}

/**
 * `byodkim redrive` refused an execution a redrive cannot help (it ended in one of the workflow's
 * Fail states, a newer rotation of the domain exists, or Step Functions says it is not redrivable).
 * Raised by the CLI only; the message names what to do instead.
 */
export class RedriveRefusedError extends RotationError {
  override readonly name = ERROR_NAMES.RedriveRefused;
}

/** True when `value` is one of the rotation's own errors (not an SDK or programming error). */
export function isRotationError(value: unknown): value is RotationError {
  return value instanceof RotationError;
}

// A stored reason must read the same every time the same failure happens: the sanitiser replaces
// request ids, ARNs and account ids (cert-manager's stabilizeSolverErrorMessage); timestamps go too.
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b/g;

/**
 * A stable, shareable one-line reason for `error`: its name and message through {@link sanitise}
 * (control characters removed, AWS identifiers replaced, at most 300 characters) and timestamps
 * replaced by `<time>`, so the same failure always reads the same.
 */
export function stableReason(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return sanitise(`${name}: ${message}`.replace(TIMESTAMP, '<time>'));
}
