/**
 * `byodkim redrive`: redrives a failed rotation only when a redrive can help, and otherwise says
 * what to do instead (RedriveRefused, exit code 4).
 *
 * Refused: an execution that ended in one of the workflow's Fail states (it would end there again:
 * shared/rotation/redrive-policy.ts); an execution of a domain that has a newer rotation (redriving
 * it could run two rotations of one domain, or bring back an older key after a newer one); an
 * execution Step Functions itself reports NOT_REDRIVABLE (e.g. past the 14-day redrive period).
 */
import { RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { normaliseDomain } from '../shared/dkim/domain';
import { InvalidInputError, RedriveRefusedError } from '../shared/errors';
import { callAws } from '../shared/rotation/aws-errors';
import { INSTEAD_OF_REDRIVE, isFinalFailState } from '../shared/rotation/redrive-policy';
import {
  describeRotation,
  endingFailState,
  latestRotation,
  type RotationExecution,
  type RotationExecutionsDeps,
} from '../shared/rotation/rotation-executions';
import { printable, sanitise } from '../shared/sanitise';

/** Execution statuses Step Functions can redrive (RedriveExecution: failed, aborted, timed out). */
const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** A configured domain's canonical form when `which` names one, else undefined. */
function configuredDomainOf(which: string, configured: readonly string[]): string | undefined {
  try {
    const domain = normaliseDomain(which);
    return configured.includes(domain) ? domain : undefined;
  } catch {
    // Not a domain name (an execution name has no dot): the caller treats it as an execution.
    return undefined;
  }
}

/** The execution `which` names, and whether it is known to be its domain's latest rotation. */
interface Candidate {
  readonly execution: RotationExecution;
  readonly isLatest: boolean;
}

/** The execution `which` names: the latest rotation of a configured domain, an ARN or a name. */
async function executionToRedrive(
  deps: RotationExecutionsDeps,
  which: string,
  configured: readonly string[],
): Promise<Candidate> {
  const domain = configuredDomainOf(which, configured);
  if (domain !== undefined) {
    // Only the latest rotation of a domain may be redriven: an older one was superseded.
    const latest = await latestRotation(deps, domain);
    if (latest === undefined || !UNSUCCESSFUL.has(latest.status)) {
      throw new InvalidInputError(
        `No failed rotation of ${domain} to redrive${latest ? `: its latest rotation ${printable(latest.name, 100)} is ${latest.status}` : ''}.`,
      );
    }
    return { execution: latest, isLatest: true };
  }
  const executionArn = which.startsWith('arn:')
    ? which
    : `${deps.stateMachineArn.replace(':stateMachine:', ':execution:')}:${which}`;
  try {
    return { execution: await describeRotation(deps, executionArn), isLatest: false };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist' || (error as Error).name === 'InvalidArn') {
      throw new InvalidInputError(
        `No execution ${printable(which, 200)} of the rotation state machine: give a configured domain, an execution name or its ARN (byodkim history <domain> lists them).`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Why `execution` must not be redriven, or undefined when a redrive can help. */
async function refusal(deps: RotationExecutionsDeps, candidate: Candidate): Promise<string | undefined> {
  const { execution } = candidate;
  const domain = execution.domain ?? '<domain>';
  const name = printable(execution.name, 100);
  if (execution.domain !== undefined && !candidate.isLatest) {
    const latest = await latestRotation(deps, execution.domain);
    if (latest !== undefined && latest.executionArn !== execution.executionArn) {
      return `a newer rotation of ${domain} exists (${printable(latest.name, 100)}, ${latest.status}): redriving ${name} could run two rotations of the domain or bring back an older key. Follow the newer one: byodkim status ${domain}.`;
    }
  }
  if (execution.redriveStatus === 'NOT_REDRIVABLE') {
    const reason = execution.redriveStatusReason ? `: ${sanitise(execution.redriveStatusReason, 200)}` : '';
    return `Step Functions reports ${name} (${execution.status}) not redrivable${reason}. Start a new rotation instead: byodkim start ${domain}.`;
  }
  if (execution.status !== 'FAILED') return undefined;
  const failState = await endingFailState(deps, execution.executionArn);
  if (!isFinalFailState(failState)) return undefined;
  return `${name} ended in the Fail state ${failState}, which a redrive would enter again: ${INSTEAD_OF_REDRIVE[failState].replaceAll('<domain>', domain)}`;
}

/**
 * Redrives the execution `which` names (a configured domain's latest rotation, an execution name or
 * an ARN) when a redrive can help.
 * @throws RedriveRefusedError naming what to do instead; InvalidInputError when there is nothing
 *   to redrive.
 */
export async function redriveRotation(
  deps: RotationExecutionsDeps,
  which: string,
  configuredDomains: readonly string[],
): Promise<RotationExecution> {
  const candidate = await executionToRedrive(deps, which, configuredDomains);
  const { execution } = candidate;
  if (!UNSUCCESSFUL.has(execution.status)) {
    const follow =
      execution.status === 'RUNNING'
        ? `: follow it with byodkim status ${execution.domain ?? '<domain>'}`
        : '';
    throw new InvalidInputError(
      `Nothing to redrive: ${printable(execution.name, 100)} is ${execution.status}${follow}.`,
    );
  }
  const refused = await refusal(deps, candidate);
  if (refused !== undefined) throw new RedriveRefusedError(`Not redriven: ${refused}`);
  try {
    await callAws('Step Functions RedriveExecution', () =>
      deps.sfn.send(new RedriveExecutionCommand({ executionArn: execution.executionArn })),
    );
  } catch (error) {
    // Checked above, but the status can change in between (another operator, the 14 days ending).
    if ((error as Error).name === 'ExecutionNotRedrivable') {
      throw new RedriveRefusedError(
        `Not redriven: Step Functions refused (${sanitise((error as Error).message, 200)}). Start a new rotation instead: byodkim start ${execution.domain ?? '<domain>'}.`,
        { cause: error },
      );
    }
    throw error;
  }
  return execution;
}
