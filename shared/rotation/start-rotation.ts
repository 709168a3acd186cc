/**
 * Starting a rotation: one per domain at a time (ARCHITECTURE invariant 6).
 *
 * Executions are named `<domain-slug>-<selector>`. Before starting, the running executions of the
 * state machine are listed; one whose input names the same domain refuses the start with
 * RotationInProgress. Two racing starts compute the same next selector, hence the same name, and
 * Step Functions itself refuses the second (`ExecutionAlreadyExists`). Used by the monitor, the
 * CLI and the local environment.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { domainSlug, normaliseDomain } from '../dkim/domain';
import { assertValidSelector, nextSelector } from '../dkim/selector';
import { RotationInProgressError } from '../errors';
import { callAws } from './aws-errors';
import { type KeyStoreDeps, listSelectors } from './key-store';
import type { StartRotationInput } from './state';

/** Step Functions' limit on execution names. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * `<domain-slug>-<selector>`; a slug too long for the 80-character limit is shortened and given a
 * hash of the full domain, so names stay unique and readable.
 */
export function executionName(domain: string, selector: string): string {
  const slug = domainSlug(domain);
  const valid = assertValidSelector(selector);
  const name = `${slug}-${valid}`;
  if (name.length <= MAX_EXECUTION_NAME_LENGTH) return name;
  const hash = createHash('sha256').update(normaliseDomain(domain)).digest('hex').slice(0, 8);
  const room = MAX_EXECUTION_NAME_LENGTH - valid.length - hash.length - 2;
  return `${slug.slice(0, Math.max(room, 1)).replace(/-+$/, '')}-${hash}-${valid}`;
}

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

/** The running execution for `domain`, if any. */
export async function findRunningRotation(
  deps: Pick<StartRotationDeps, 'sfn' | 'stateMachineArn'>,
  domain: string,
): Promise<{ executionArn: string; name: string } | undefined> {
  const wanted = normaliseDomain(domain);
  const slug = domainSlug(wanted);
  let nextToken: string | undefined;
  do {
    const page: ListExecutionsCommandOutput = await callAws('Step Functions ListExecutions', () =>
      deps.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: deps.stateMachineArn,
          statusFilter: 'RUNNING',
          nextToken,
        }),
      ),
    );
    for (const execution of page.executions ?? []) {
      const name = execution.name ?? '';
      const arn = execution.executionArn;
      if (arn === undefined || !name.startsWith(`${slug.slice(0, 20)}`)) continue;
      const described = await callAws('Step Functions DescribeExecution', () =>
        deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
      );
      let input: Partial<StartRotationInput> = {};
      try {
        input = JSON.parse(described.input ?? '{}') as Partial<StartRotationInput>;
      } catch {
        // An execution started by hand with non-JSON input is not a rotation of ours.
      }
      if (typeof input.domain === 'string' && normaliseDomain(input.domain) === wanted) {
        return { executionArn: arn, name };
      }
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
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
