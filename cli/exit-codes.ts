/** Exit codes of the `byodkim` command, documented in README and docs/runbook.md. */
export const EXIT = {
  /** Done; for checks: verified. */
  OK: 0,
  /** Unexpected failure (a bug or an unreachable service): the message says what. */
  FAILURE: 1,
  /** Bad input: unknown option, missing argument, unreadable file, invalid domain or selector. */
  BAD_INPUT: 2,
  /** The check ran and did not pass (e.g. the record is not on every name server yet). */
  NOT_VERIFIED: 3,
  /**
   * Refused: acting would not help or would do harm (e.g. `redrive` of an execution that ended in
   * one of the workflow's Fail states); the message names the next step instead.
   */
  REFUSED: 4,
  /** The domain is not in the deployed configuration (`DomainNotConfigured`): add it and deploy. */
  NOT_CONFIGURED: 5,
  /** A rotation of the domain is already running (`RotationInProgress`): follow it with status. */
  IN_PROGRESS: 6,
} as const;
