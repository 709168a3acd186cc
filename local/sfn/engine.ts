type Interpreter = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' }});

// The package is an ES module with a CommonJS build (exports.require); its types are declared
// for ESM only, so the CommonJS build is loaded with require and typed from the ESM declaration.
const { StateMachine } = require('aws-local-stepfunctions') as Interpreter;

/** One event of an execution's history, as the interpreter reports it (not exported by name). */
export type EventLog =
  ReturnType<InstanceType<Interpreter['StateMachine']>['run']>['eventLogs'] extends AsyncGenerator<
    infer Event
  >
    ? Event
    : never;

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { type AwsHistoryOptions, awsHistory } from './history-events';
import { TaskTokenBroker, type TokenOutcome } from './task-tokens';

/** An ASL definition as aws-local-stepfunctions takes it. */
export type AslDefinition = ConstructorParameters<Interpreter['StateMachine']>[0];

/** What a Task state runs locally: the state's effective input (after InputPath/Parameters). */
export type LocalTaskHandler = (payload: unknown, context: LocalTaskContext) => Promise<unknown>;

/** What a local task learns about its invocation. */
export interface LocalTaskContext {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateName: string;
}

/** Execution status, as Step Functions names it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** One execution and its history. */
export interface LocalExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  /** Every event of every run (first run, then redrives), in order. */
  readonly events: EventLog[];
  /** The state a failed run stopped in and the input it had: where a redrive starts. */
  failedState?: { readonly name: string; readonly input: unknown };
}

/** Shortened waits and pauses: configuration of the local environment, never skipped logic. */
export interface LocalTiming {
  /** Wait states' durations in ms, by state name. */
  readonly waitMs?: Readonly<Record<string, number>>;
  /** Retry pauses in ms by state name: one number for every retrier, or one per retrier. */
  readonly retryMs?: Readonly<Record<string, number | number[]>>;
  /** How long a `.waitForTaskToken` state waits before `States.Timeout` (its TimeoutSecondsPath, scaled). */
  readonly taskTokenTimeoutMs?: number;
}

/** Options of {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  readonly definition: AslDefinition;
  readonly stateMachineArn: string;
  /** The code of every Task state, by state name. */
  readonly tasks: Readonly<Record<string, LocalTaskHandler>>;
  readonly timing?: LocalTiming;
  /** Called for every history event as it happens (progress views, probes). */
  readonly onEvent?: (execution: LocalExecution, event: EventLog) => void | Promise<void>;
}

/** Step Functions errors of the control-plane API; `name` is the SDK exception name. */
export class StepFunctionsApiError extends Error {
  constructor(
    override readonly name:
      | 'ExecutionAlreadyExists'
      | 'ExecutionDoesNotExist'
      | 'ExecutionNotRedrivable'
      | 'InvalidName',
    message: string,
  ) {
    super(message);
  }
}

/** An error the interpreter neither retries nor catches, like `States.Runtime`. */
class UncatchableError extends Error {
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * The definition as the interpreter runs it locally: {@link withoutRootResultPaths}, and the
 * `.waitForTaskToken` states' TimeoutSecondsPath replaced by a fixed bound, because the broker
 * enforces the (shortened) approval wait itself and the interpreter reads the path from the
 * effective input, where Step Functions reads the state input.
 */
export function localDefinition(definition: AslDefinition): AslDefinition {
  const cleaned = withoutRootResultPaths(definition);
  const states = Object.fromEntries(
    Object.entries(cleaned.States).map(([name, state]) => {
      const copy = { ...state } as Record<string, unknown>;
      if (String(copy.Resource ?? '').endsWith('.waitForTaskToken') && 'TimeoutSecondsPath' in copy) {
        delete copy.TimeoutSecondsPath;
        copy.TimeoutSeconds = 2_000_000; // below setTimeout's 2^31 ms limit
      }
      return [name, copy];
    }),
  );
  return { ...cleaned, States: states } as unknown as AslDefinition;
}

/**
 * `ResultPath: "$"` means "the result replaces the input", which is also what an absent ResultPath
 * means (ASL spec). aws-local-stepfunctions 3.0 writes the result under a key named "$" instead,
 * so the equivalent absent form is used: a semantic no-op that keeps the interpreter exact.
 */
export function withoutRootResultPaths(definition: AslDefinition): AslDefinition {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => {
      const copy = { ...state } as Record<string, unknown>;
      if (copy.ResultPath === '$') delete copy.ResultPath;
      if (Array.isArray(copy.Catch)) {
        copy.Catch = copy.Catch.map((catcher: Record<string, unknown>) => {
          const { ResultPath, ...rest } = catcher;
          return ResultPath === '$' ? rest : catcher;
        });
      }
      return [name, copy];
    }),
  );
  return { ...definition, States: states } as unknown as AslDefinition;
}

const ACCOUNT = '000000000000';
const REGION = 'local';

/**
 * Step Functions, locally: runs the synthesized definition with aws-local-stepfunctions, the Task
 * states mapped to in-process handlers by state name, with executions, names unique per state
 * machine, task tokens, history and redrive (a new run from the failed state with the input it
 * had, as Step Functions redrives).
 */
export class LocalStepFunctions {
  readonly tokens = new TaskTokenBroker();
  private readonly executions = new Map<string, LocalExecution>();
  private readonly done = new Map<string, Promise<LocalExecution>>();
  private readonly crashes = new Set<string>();
  private readonly aborts = new Map<string, () => void>();
  private readonly waitForTokenStates: Set<string>;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.options = { ...options, definition: localDefinition(options.definition) };
    this.waitForTokenStates = new Set(
      Object.entries(options.definition.States)
        .filter(
          ([, state]) =>
            state.Type === 'Task' &&
            String((state as { Resource?: string }).Resource).endsWith('.waitForTaskToken'),
        )
        .map(([name]) => name),
    );
    for (const [name, state] of Object.entries(options.definition.States)) {
      if (state.Type === 'Task' && options.tasks[name] === undefined) {
        throw new Error(`No local handler for the Task state ${name}`);
      }
    }
  }

  /**
   * Makes the next run of `stateName` fail after its work is done, with an error no Retry or Catch
   * handles (`States.Runtime`), as when the orchestration loses a task's response: the execution
   * FAILS at that state and a redrive runs it again.
   */
  crashAfter(stateName: string): void {
    this.crashes.add(stateName);
  }

  /** StartExecution. */
  start(name: string, input: string): LocalExecution {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${this.stateMachineName()}:${name}`;
    if (this.executions.has(executionArn)) {
      throw new StepFunctionsApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }
    const execution: LocalExecution = {
      executionArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      redriveCount: 0,
      events: [],
    };
    this.executions.set(executionArn, execution);
    this.done.set(executionArn, this.run(execution, this.options.definition, JSON.parse(input)));
    return execution;
  }

  /** RedriveExecution: re-runs a FAILED execution from the state it failed in. */
  redrive(executionArn: string): LocalExecution {
    const execution = this.describe(executionArn);
    if (execution.status !== 'FAILED' || execution.failedState === undefined) {
      throw new StepFunctionsApiError(
        'ExecutionNotRedrivable',
        `Execution ${executionArn} is ${execution.status}, not redrivable`,
      );
    }
    const { name, input } = execution.failedState;
    execution.status = 'RUNNING';
    execution.redriveCount += 1;
    execution.stopDate = undefined;
    execution.error = undefined;
    execution.cause = undefined;
    execution.failedState = undefined;
    const definition = { ...this.options.definition, StartAt: name } as AslDefinition;
    this.done.set(executionArn, this.run(execution, definition, input));
    return execution;
  }

  /** DescribeExecution. */
  describe(executionArn: string): LocalExecution {
    const execution = this.executions.get(executionArn);
    if (!execution)
      throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  /** GetExecutionHistory: every event, oldest first, in the service's shape (./history-events.ts). */
  history(executionArn: string, options: AwsHistoryOptions = {}): HistoryEvent[] {
    return awsHistory(this.describe(executionArn), this.options.definition, options);
  }

  /** ListExecutions, newest first. */
  list(status?: ExecutionStatus): LocalExecution[] {
    return [...this.executions.values()]
      .filter((execution) => status === undefined || execution.status === status)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** StopExecution for every running execution (the environment is shutting down). */
  abortAll(): void {
    for (const [executionArn, abort] of this.aborts) {
      abort();
      this.tokens.closeExecution(executionArn);
    }
  }

  /** Resolves when the execution's current run ends. */
  async whenDone(executionArn: string): Promise<LocalExecution> {
    const done = this.done.get(executionArn);
    if (!done)
      throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return done;
  }

  /** The state machine's name, from its ARN. */
  stateMachineName(): string {
    return this.options.stateMachineArn.split(':').pop() ?? 'local';
  }

  private async run(
    execution: LocalExecution,
    definition: AslDefinition,
    input: unknown,
  ): Promise<LocalExecution> {
    // A redrive starts inside the graph, which leaves earlier states unreachable: the definition
    // itself was validated on the first run.
    const redriving = definition.StartAt !== this.options.definition.StartAt;
    const machine = new StateMachine(definition, {
      validationOptions: redriving ? { noValidate: true } : { checkPaths: false, checkArn: false },
    });
    const taskResourceLocalHandlers = Object.fromEntries(
      Object.keys(this.options.tasks).map((stateName) => [
        stateName,
        (stateInput: unknown) => this.runTask(execution, stateName, stateInput),
      ]),
    );
    const timing = this.options.timing ?? {};
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: taskResourceLocalHandlers as never,
        waitTimeOverrides: timing.waitMs ? { ...timing.waitMs } : undefined,
        retryIntervalOverrides: timing.retryMs ? { ...timing.retryMs } : undefined,
      },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          Input: JSON.parse(execution.input),
          StartTime: execution.startDate.toISOString(),
          RedriveCount: execution.redriveCount,
        },
        StateMachine: { Id: this.options.stateMachineArn, Name: this.stateMachineName() },
        // The real token is minted per invocation by the broker; see runTask.
        Task: { Token: 'LOCAL-TOKEN-PLACEHOLDER' },
      },
      noThrowOnAbort: true,
    });
    this.aborts.set(execution.executionArn, run.abort);
    const entered = new Map<string, unknown>();
    const collect = (async () => {
      for await (const event of run.eventLogs) {
        execution.events.push(event);
        if (event.type === 'StateEntered') entered.set(event.state.name, event.state.input);
        if (event.type === 'StateFailed')
          execution.failedState = { name: event.state.name, input: entered.get(event.state.name) };
        await this.options.onEvent?.(execution, event);
      }
    })();
    try {
      const output = await run.result;
      execution.status = 'SUCCEEDED';
      execution.output = JSON.stringify(output);
      execution.failedState = undefined;
    } catch (error) {
      const cause = (error as { cause?: Error }).cause ?? (error as Error);
      execution.status = 'FAILED';
      execution.error = cause.name;
      execution.cause = cause.message;
    }
    await collect;
    this.aborts.delete(execution.executionArn);
    if (execution.status === 'FAILED' && execution.error === 'ExecutionAbortedError')
      execution.status = 'ABORTED';
    execution.stopDate = new Date();
    this.tokens.closeExecution(execution.executionArn);
    return execution;
  }

  private async runTask(execution: LocalExecution, stateName: string, stateInput: unknown): Promise<unknown> {
    const handler = this.options.tasks[stateName] as LocalTaskHandler;
    const context = { executionArn: execution.executionArn, executionName: execution.name, stateName };
    // Lambda service integrations wrap the payload ({FunctionName, Payload}); plain ARNs do not.
    const wrapped =
      typeof stateInput === 'object' &&
      stateInput !== null &&
      'FunctionName' in stateInput &&
      'Payload' in stateInput;
    let payload = wrapped ? (stateInput as { Payload: unknown }).Payload : stateInput;
    let result: unknown;
    if (this.waitForTokenStates.has(stateName)) {
      const { token, outcome } = this.tokens.mint(execution.executionArn, stateName);
      payload = JSON.parse(JSON.stringify(payload).replaceAll('LOCAL-TOKEN-PLACEHOLDER', token));
      await handler(payload, context);
      result = await this.awaitToken(token, outcome);
    } else {
      result = await handler(payload, context);
    }
    if (this.crashes.delete(stateName)) {
      throw new UncatchableError(
        'States.Runtime',
        `Simulated crash: ${stateName} did its work but its result was lost`,
      );
    }
    return result;
  }

  private async awaitToken(token: string, outcome: Promise<TokenOutcome>): Promise<unknown> {
    const timeoutMs = this.options.timing?.taskTokenTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut =
      timeoutMs === undefined
        ? new Promise<never>(() => {})
        : new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), timeoutMs);
          });
    try {
      const ended = await Promise.race([outcome, timedOut]);
      if (ended === 'timeout') {
        this.tokens.close(token);
        const error = new Error('The wait for the task token timed out');
        error.name = 'States.Timeout';
        throw error;
      }
      if (ended.kind === 'failure') {
        const error = new Error(ended.cause);
        error.name = ended.error;
        throw error;
      }
      return ended.output;
    } finally {
      clearTimeout(timer);
    }
  }
}
