/**
 * Starting a rotation: one per domain at a time (ARCHITECTURE invariant 6).
 *
 * Executions are named `<domain-slug>-<selector>` (shortened with a hash when too long:
 * ./execution-name.ts). Before starting, the running executions of the state machine are listed;
 * one of the domain's (its name is the domain's and its input names the domain) refuses the start
 * with RotationInProgress. Two racing starts compute the same next selector, hence the same name, and
 * Step Functions itself refuses the second (`ExecutionAlreadyExists`). Used by the monitor, the
 * CLI and the local environment.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { normaliseDomain } from '../dkim/domain';
import { assertValidSelector, nextSelector } from '../dkim/selector';
import { RotationInProgressError } from '../errors';
import { callAws } from './aws-errors';
import { executionName } from './execution-name';
import { type KeyStoreDeps, listSelectors } from './key-store';
import { latestRotation } from './rotation-executions';
import type { StartRotationInput } from './state';

// The naming lives in its own module (the CLI's look-ups use it too); re-exported for callers of
// this module.
export { executionName, MAX_EXECUTION_NAME_LENGTH } from './execution-name';

/** What {@link startRotation} needs. */
export interface StartRotationDeps extends KeyStoreDeps {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly clock: () => Date;
}

/** Options of one start. */
export interface StartRotationRequest {
  readonly domain: string;
  readonly selectorPrefix: string;
  readonly timeZone?: string;
  readonly requestedBy: string;
  /** Use this selector instead of the next free one. */
  readonly selector?: string;
}

/** A started rotation. */
export interface StartedRotation {
  readonly executionArn: string;
  readonly executionName: string;
  readonly selector: string;
}

/** The running execution for `domain`, if any (found as `byodkim status` and `history` find it). */
export async function findRunningRotation(
  deps: Pick<StartRotationDeps, 'sfn' | 'stateMachineArn'>,
  domain: string,
): Promise<{ executionArn: string; name: string } | undefined> {
  const running = await latestRotation(deps, domain, 'RUNNING');
  return running === undefined ? undefined : { executionArn: running.executionArn, name: running.name };
}

/**
 * Starts a rotation of `domain` with the next free selector.
 * @throws RotationInProgressError when one is running for the domain (nothing is started).
 */
export async function startRotation(
  deps: StartRotationDeps,
  request: StartRotationRequest,
): Promise<StartedRotation> {
  const domain = normaliseDomain(request.domain);
  const running = await findRunningRotation(deps, domain);
  if (running !== undefined) {
    throw new RotationInProgressError(
      `A rotation of ${domain} is already running (${running.name}): let it finish, or stop it before starting another.`,
    );
  }
  const selector =
    request.selector !== undefined
      ? assertValidSelector(request.selector)
      : nextSelector({
          prefix: request.selectorPrefix,
          existing: await listSelectors(deps, domain),
          now: deps.clock(),
          timeZone: request.timeZone,
        });
  const name = executionName(domain, selector);
  const input: StartRotationInput = { domain, selector, requestedBy: request.requestedBy };
  try {
    const output = await callAws('Step Functions StartExecution', () =>
      deps.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: deps.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      ),
    );
    return { executionArn: output.executionArn ?? '', executionName: name, selector };
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') {
      throw new RotationInProgressError(
        `A rotation named ${name} already exists for ${domain}: another start won the race, or it ran within the last 90 days.`,
        { cause: error },
      );
    }
    throw error;
  }
}
