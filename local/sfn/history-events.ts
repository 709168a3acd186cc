/**
 * A local execution's history in the shape Step Functions' GetExecutionHistory returns it, so the
 * code that reads real histories (the failure cause, `byodkim status`, redrive, decision evidence)
 * reads the local ones unchanged.
 *
 * The interpreter (aws-local-stepfunctions) reports StateEntered, StateFailed, StateRetried,
 * StateCaught and StateExited; Step Functions records other events instead (API Reference,
 * HistoryEvent, `type`): per state `<Type>StateEntered` / `<Type>StateExited` (a Fail state only
 * FailStateEntered), and per attempt of a task
 * - a Lambda function ARN as Resource: LambdaFunctionScheduled, LambdaFunctionStarted, then
 *   LambdaFunctionSucceeded | LambdaFunctionFailed | LambdaFunctionTimedOut;
 * - a service integration (`arn:aws:states:::lambda:invoke.waitForTaskToken`, `aws-sdk:…`):
 *   TaskScheduled, TaskStarted (and TaskSubmitted for a callback), then TaskSucceeded |
 *   TaskFailed | TaskTimedOut, each naming resourceType and resource.
 * A retry is simply the next attempt's Scheduled event; a caught error is followed by the state's
 * Exited event; a redrive starts with ExecutionRedriven. There is no StateRetried, StateCaught or
 * `FailFailed` event in AWS's history.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AslDefinition, EventLog, LocalExecution } from './engine';

/** What a Task state's Resource makes Step Functions record. */
type TaskKind =
  | { readonly kind: 'lambda'; readonly resource: string }
  | {
      readonly kind: 'integration';
      readonly resourceType: string;
      readonly resource: string;
      readonly callback: boolean;
    };

function taskKind(resource: string): TaskKind {
  const integration = /^arn:[\w-]+:states:::(.+)$/.exec(resource);
  if (!integration) return { kind: 'lambda', resource };
  // `lambda:invoke.waitForTaskToken` → lambda / invoke.waitForTaskToken;
  // `aws-sdk:cloudwatch:putMetricData` → aws-sdk:cloudwatch / putMetricData.
  const path = integration[1] as string;
  const cut = path.lastIndexOf(':');
  return {
    kind: 'integration',
    resourceType: path.slice(0, cut),
    resource: path.slice(cut + 1),
    callback: path.endsWith('.waitForTaskToken'),
  };
}

const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? ''));

/** Options of {@link awsHistory}. */
export interface AwsHistoryOptions {
  /** GetExecutionHistory's includeExecutionData: false leaves out every input and output. @default true */
  readonly includeExecutionData?: boolean;
}

/**
 * The execution's events as GetExecutionHistory lists them, oldest first, numbered from 1 with
 * `previousEventId`, timestamps as Dates.
 */
export function awsHistory(
  execution: LocalExecution,
  definition: AslDefinition,
  options: AwsHistoryOptions = {},
): HistoryEvent[] {
  const withData = options.includeExecutionData !== false;
  const data = (value: unknown) => (withData ? json(value) : undefined);
  const states = definition.States as Record<string, { Type: string; Resource?: string }>;
  const events: HistoryEvent[] = [];
  const push = (at: number, event: Omit<HistoryEvent, 'id' | 'timestamp' | 'previousEventId'>) => {
    const id = events.length + 1;
    events.push({ id, previousEventId: id - 1, timestamp: new Date(at), ...event } as HistoryEvent);
  };
  let runs = 0;

  /** One attempt of a task begins. */
  const schedule = (at: number, stateName: string, input: unknown) => {
    const kind = taskKind(states[stateName]?.Resource ?? '');
    if (kind.kind === 'lambda') {
      push(at, {
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: { resource: kind.resource, input: data(input) },
      });
      push(at, { type: 'LambdaFunctionStarted' });
      return;
    }
    const { resourceType, resource } = kind;
    push(at, {
      type: 'TaskScheduled',
      taskScheduledEventDetails: { resourceType, resource, region: 'local', parameters: data(input) ?? '' },
    });
    push(at, { type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource } });
    if (kind.callback)
      push(at, { type: 'TaskSubmitted', taskSubmittedEventDetails: { resourceType, resource } });
  };

  const succeeded = (at: number, stateName: string, output: unknown) => {
    const kind = taskKind(states[stateName]?.Resource ?? '');
    if (kind.kind === 'lambda') {
      push(at, {
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: { output: data(output) },
      });
    } else {
      const { resourceType, resource } = kind;
      push(at, {
        type: 'TaskSucceeded',
        taskSucceededEventDetails: { resourceType, resource, output: data(output) },
      });
    }
  };

  const failed = (at: number, stateName: string, error: string, cause: string) => {
    const kind = taskKind(states[stateName]?.Resource ?? '');
    const timedOut = error === 'States.Timeout';
    if (kind.kind === 'lambda') {
      if (timedOut)
        push(at, { type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: { error, cause } });
      else push(at, { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } });
      return;
    }
    const { resourceType, resource } = kind;
    if (timedOut)
      push(at, { type: 'TaskTimedOut', taskTimedOutEventDetails: { resourceType, resource, error, cause } });
    else push(at, { type: 'TaskFailed', taskFailedEventDetails: { resourceType, resource, error, cause } });
  };

  for (const event of execution.events as EventLog[]) {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        runs += 1;
        if (runs === 1)
          push(at, {
            type: 'ExecutionStarted',
            executionStartedEventDetails: { input: data(event.input), roleArn: undefined },
          });
        else
          push(at, { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: runs - 1 } });
        break;
      case 'StateEntered':
        push(at, {
          type: `${event.state.type}StateEntered` as HistoryEvent['type'],
          stateEnteredEventDetails: { name: event.state.name, input: data(event.state.input) },
        });
        if (event.state.type === 'Task') schedule(at, event.state.name, event.state.input);
        break;
      case 'StateFailed':
        // A Fail state's or a Choice's error is the execution's (ExecutionFailed follows); a
        // result lost in the orchestration (States.Runtime) is no task event either.
        if (event.state.type === 'Task' && event.Error !== 'States.Runtime')
          failed(at, event.state.name, event.Error, text(event.Cause));
        break;
      case 'StateRetried':
        schedule(at, event.state.name, event.state.input);
        break;
      case 'StateExited': {
        const previous = events[events.length - 1]?.type ?? '';
        const attemptFailed = /(Failed|TimedOut)$/.test(previous);
        if (event.state.type === 'Task' && !attemptFailed)
          succeeded(at, event.state.name, event.state.output);
        push(at, {
          type: `${event.state.type}StateExited` as HistoryEvent['type'],
          stateExitedEventDetails: { name: event.state.name, output: data(event.state.output) },
        });
        break;
      }
      case 'ExecutionSucceeded':
        push(at, {
          type: 'ExecutionSucceeded',
          executionSucceededEventDetails: { output: data(event.output) },
        });
        break;
      case 'ExecutionFailed':
        push(at, {
          type: 'ExecutionFailed',
          executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) },
        });
        break;
      case 'ExecutionAborted':
        push(at, { type: 'ExecutionAborted', executionAbortedEventDetails: {} });
        break;
      case 'ExecutionTimeout':
        push(at, { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} });
        break;
      default:
        // StateCaught (the Exited event follows), Map and Parallel events: the workflow has none.
        break;
    }
  }
  return events;
}
