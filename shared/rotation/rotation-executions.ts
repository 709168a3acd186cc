/**
 * Finding the Step Functions executions of one domain's rotations: used by `startRotation` (one
 * rotation per domain), `byodkim status`, `history` and `redrive`, so all of them agree on which
 * executions belong to a domain, long domain names (hashed execution names) included.
 *
 * An execution belongs to a domain when its name is one {@link executionName} gives for that
 * domain and its input names the domain: the name narrows the listing without a DescribeExecution
 * per execution of the fleet, and the input settles names that two domains could share. Also reads
 * how an execution ended ({@link endingFailState}) for `byodkim redrive`.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type GetExecutionHistoryCommandOutput,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { normaliseDomain } from '../dkim/domain';
import { callAws } from './aws-errors';
import { isExecutionNameOf } from './execution-name';
import type { StartRotationInput } from './state';

/** What the look-ups need: the state machine and a client that may list and describe it. */
export interface RotationExecutionsDeps {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
}

/** One execution of a rotation, as DescribeExecution reports it. */
export interface RotationExecution {
  readonly executionArn: string;
  readonly name: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
  readonly status: string;
  /** The domain its input names (normalised), when the input is a rotation's. */
  readonly domain?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  /** The error of a failed execution (a Fail state's error, or the task error nothing caught). */
  readonly error?: string;
  readonly redriveCount: number;
  /** REDRIVABLE or NOT_REDRIVABLE, and Step Functions' reason for the latter. */
  readonly redriveStatus?: string;
  readonly redriveStatusReason?: string;
}

/** The domain an execution input names, normalised; undefined for input that is not a rotation's. */
function inputDomain(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '{}') as Partial<StartRotationInput>;
    return typeof parsed.domain === 'string' ? normaliseDomain(parsed.domain) : undefined;
  } catch {
    // Non-JSON input or an invalid domain: an execution started by hand, not a rotation of ours.
    return undefined;
  }
}

function fromDescription(described: DescribeExecutionCommandOutput): RotationExecution {
  return {
    executionArn: described.executionArn ?? '',
    name: described.name ?? '',
    status: described.status ?? '',
    domain: inputDomain(described.input),
    startDate: described.startDate,
    stopDate: described.stopDate,
    error: described.error,
    redriveCount: described.redriveCount ?? 0,
    redriveStatus: described.redriveStatus,
    redriveStatusReason: described.redriveStatusReason,
  };
}

/** DescribeExecution of one execution, with the domain its input names. */
export async function describeRotation(
  deps: RotationExecutionsDeps,
  executionArn: string,
): Promise<RotationExecution> {
  const described = await callAws('Step Functions DescribeExecution', () =>
    deps.sfn.send(new DescribeExecutionCommand({ executionArn })),
  );
  return fromDescription({ ...described, executionArn: described.executionArn ?? executionArn });
}

/**
 * The executions of `domain`'s rotations, newest first (optionally only those with `status`).
 * Lists the whole state machine once, then describes the candidates lazily, newest first: a
 * caller that needs only the latest stops after one DescribeExecution.
 * @throws InvalidInputError for an invalid domain.
 */
export async function* rotationExecutions(
  deps: RotationExecutionsDeps,
  domain: string,
  status?: 'RUNNING' | 'FAILED',
): AsyncGenerator<RotationExecution> {
  const wanted = normaliseDomain(domain);
  const candidates: { executionArn: string; name: string; startedAt: number }[] = [];
  let nextToken: string | undefined;
  do {
    const page: ListExecutionsCommandOutput = await callAws('Step Functions ListExecutions', () =>
      deps.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: deps.stateMachineArn, statusFilter: status, nextToken }),
      ),
    );
    for (const execution of page.executions ?? []) {
      if (execution.executionArn === undefined || !isExecutionNameOf(execution.name ?? '', wanted)) continue;
      candidates.push({
        executionArn: execution.executionArn,
        name: execution.name ?? '',
        startedAt: execution.startDate?.getTime() ?? 0,
      });
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  candidates.sort((a, b) => b.startedAt - a.startedAt);
  for (const candidate of candidates) {
    const execution = await describeRotation(deps, candidate.executionArn);
    if (execution.domain === wanted) yield { ...execution, name: execution.name || candidate.name };
  }
}

/** The newest execution of `domain`'s rotations (optionally with `status`), if any. */
export async function latestRotation(
  deps: RotationExecutionsDeps,
  domain: string,
  status?: 'RUNNING' | 'FAILED',
): Promise<RotationExecution | undefined> {
  for await (const execution of rotationExecutions(deps, domain, status)) return execution;
  return undefined;
}

/**
 * The Fail state the execution's latest run ended in, or undefined when it ended elsewhere (a task
 * error nothing caught, a timeout, an abort). Reads the history newest first without execution
 * data: state names only, never inputs, outputs or task tokens.
 */
export async function endingFailState(
  deps: RotationExecutionsDeps,
  executionArn: string,
): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page: GetExecutionHistoryCommandOutput = await callAws('Step Functions GetExecutionHistory', () =>
      deps.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          includeExecutionData: false,
          maxResults: 25,
          nextToken,
        }),
      ),
    );
    // Newest first: the first state entered is where the run stopped (ExecutionFailed and a
    // failed task's events come after it in time, before it here).
    const entered = (page.events ?? []).find((event) => event.stateEnteredEventDetails?.name !== undefined);
    if (entered !== undefined) {
      return entered.type === 'FailStateEntered' ? entered.stateEnteredEventDetails?.name : undefined;
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
}
