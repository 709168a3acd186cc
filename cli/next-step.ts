/**
 * What the operator does next about one domain, decided from where its latest rotation stands:
 * the `nextStep` of `byodkim status <domain>` (like Secrets Manager's staging labels or
 * cert-manager's events, the state says what happens next without opening the console).
 *
 * Redrive rules (RedriveExecution, API Reference): only a failed, aborted or timed-out Standard
 * execution that stopped in the last 14 days, from the unsuccessful step with the same input;
 * an execution that ended in one of the workflow's Fail states fails there again
 * (shared/rotation/redrive-policy.ts), and Step Functions may report NOT_REDRIVABLE itself.
 */
import { INSTEAD_OF_REDRIVE, isFinalFailState } from '../shared/rotation/redrive-policy';

/** The kinds of next step, stable for scripts reading `--json`. */
export type NextStepAction =
  | 'approve'
  | 'wait-for-dns'
  | 'wait'
  | 'fix-and-redrive'
  | 'start-anew'
  | 'restore-signing'
  | 'remove-old-record'
  | 'none';

/** One next step: its kind and a sentence saying what to do. */
export interface NextStep {
  readonly action: NextStepAction;
  readonly text: string;
}

/** What the decision reads (all already sanitised by the caller). */
export interface NextStepFacts {
  readonly domain: string;
  /** The running rotation, else the latest one; undefined when the domain never rotated. */
  readonly rotation?: {
    readonly name: string;
    /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (DescribeExecution). */
    readonly status: string;
    /** The state it is in (running) or stopped in (failed). */
    readonly state: string | null;
    /** The Fail state it ended in, when it did. */
    readonly failState?: string;
    /** REDRIVABLE or NOT_REDRIVABLE (DescribeExecution.redriveStatus), when reported. */
    readonly redriveStatus?: string;
    readonly stopDate?: Date;
  };
  /** The open approval of the running rotation, if any. */
  readonly pendingApprovalId?: string | null;
  /** Regions where SES does not sign the domain's mail (signing disabled). */
  readonly signingDisabledIn?: readonly string[];
  readonly now: Date;
}

/** Step Functions redrives executions that stopped within this many days. */
export const REDRIVE_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;

/** States in which the running rotation waits for the record to be served (or published). */
const DNS_STATES: ReadonlySet<string> = new Set(['VerifyDnsRecord', 'PublishDnsRecord']);
/** States in which it waits for the DNS team's decision. */
const APPROVAL_STATES: ReadonlySet<string> = new Set(['NotifyDnsTeam', 'SendReminder']);

/** The next step for a domain. */
export function nextStep(facts: NextStepFacts): NextStep {
  const { domain, rotation } = facts;
  const disabled = facts.signingDisabledIn ?? [];
  if (disabled.length > 0 && rotation?.status !== 'RUNNING') {
    return {
      action: 'restore-signing',
      text: `SES does not sign ${domain}'s mail in ${disabled.join(', ')}: enable DKIM signing again now (runbook: Restoring SES signing by hand).`,
    };
  }
  if (rotation === undefined) {
    return {
      action: 'none',
      text: `Nothing to do: no rotation of ${domain} has run; the monitor starts one before the key expires.`,
    };
  }
  const state = rotation.state ?? '?';
  switch (rotation.status) {
    case 'RUNNING':
      if (APPROVAL_STATES.has(state)) {
        const approve = facts.pendingApprovalId ? ` (or byodkim approve ${facts.pendingApprovalId})` : '';
        return {
          action: 'approve',
          text: `Waiting for the DNS team at ${state}: they publish the record and approve on the page they were sent${approve}.`,
        };
      }
      if (DNS_STATES.has(state)) {
        return {
          action: 'wait-for-dns',
          text: `Waiting at ${state} until every name server serves the new record; see what each serves with byodkim dns check ${domain}.`,
        };
      }
      return {
        action: 'wait',
        text: `Nothing to do: the rotation is at ${state} and goes on by itself; follow it with byodkim status ${domain}.`,
      };
    case 'SUCCEEDED':
      return { action: 'none', text: `Nothing to do: the latest rotation of ${domain} succeeded.` };
    default:
      return afterFailure(facts, rotation, state);
  }
}

function afterFailure(
  facts: NextStepFacts,
  rotation: NonNullable<NextStepFacts['rotation']>,
  state: string,
): NextStep {
  const { domain } = facts;
  const failState = rotation.failState;
  if (isFinalFailState(failState)) {
    const text = INSTEAD_OF_REDRIVE[failState].replaceAll('<domain>', domain);
    const action: NextStepAction =
      failState === 'RollbackFailed'
        ? 'restore-signing'
        : failState === 'OldKeyNotRetired'
          ? 'remove-old-record'
          : 'start-anew';
    return { action, text: `${rotation.name} ended in ${failState}: ${text}` };
  }
  const expired =
    rotation.stopDate !== undefined &&
    facts.now.getTime() - rotation.stopDate.getTime() > REDRIVE_PERIOD_DAYS * DAY_MS;
  if (rotation.redriveStatus === 'NOT_REDRIVABLE' || expired) {
    const why = expired
      ? `it stopped more than ${REDRIVE_PERIOD_DAYS} days ago`
      : 'Step Functions reports it not redrivable';
    return {
      action: 'start-anew',
      text: `${rotation.name} (${rotation.status} at ${state}) cannot be redriven: ${why}. Fix the cause, then start a new rotation: byodkim start ${domain}.`,
    };
  }
  return {
    action: 'fix-and-redrive',
    text: `Fix the cause above, then byodkim redrive ${domain}: it runs ${state} again with the same input (within ${REDRIVE_PERIOD_DAYS} days of the stop).`,
  };
}
