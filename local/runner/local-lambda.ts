/**
 * Lambda, locally, for the function code that invokes a function itself (the monitor's
 * continuation): `send(InvokeCommand)` is authorized as the caller's role and, for
 * InvocationType `Event`, answered 202 at once while the function runs in-process afterwards, as
 * Lambda queues an asynchronous invocation. Each invocation gets a context with its own request
 * id and the function's time limit counting down.
 *
 * Not modelled: Lambda's retries of a failed asynchronous invocation (twice, by default) and
 * RequestResponse invocations; a failure is recorded and reported by {@link LocalLambda.whenIdle}.
 */
import { randomUUID } from 'node:crypto';
import type { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsAuthorizer } from '../iam/local-iam';
import { LOCAL_ACCOUNT, type LocalAccount } from '../iam/template-resolver';

/** The context a local invocation gets (the parts of Lambda's the product's handlers read). */
export interface LocalLambdaContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  getRemainingTimeInMillis(): number;
}

/** A function the stand-in can run. */
export interface LocalFunction {
  /** The function name (its ARN is built in the stand-in's account and region). */
  readonly name: string;
  /** The function's time limit (its `Timeout`). */
  readonly timeoutMs: number;
  readonly handler: (event: unknown, context: LocalLambdaContext) => Promise<unknown>;
}

/** One invocation and how it ended. */
export interface LocalLambdaInvocation {
  readonly functionName: string;
  readonly requestId: string;
  readonly event: unknown;
  /** Who invoked it: the access key id of an SDK call, or `trigger` for {@link LocalLambda.trigger}. */
  readonly invokedBy: string;
  outcome?: { readonly result: unknown } | { readonly error: unknown };
}

function awsError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** The invocation's payload as text (the SDK takes a string or bytes). */
function payloadText(payload: InvokeCommand['input']['Payload']): string {
  if (payload === undefined) return '{}';
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  throw new Error('The local Lambda takes a string or bytes as Payload');
}

/** The Lambda stand-in of one rehearsal. */
export class LocalLambda {
  readonly invocations: LocalLambdaInvocation[] = [];
  readonly #functions = new Map<string, LocalFunction>();
  readonly #pending = new Set<Promise<void>>();

  /**
   * @param authorizer IAM for every `send(InvokeCommand)` (absent: allowed).
   */
  constructor(
    private readonly authorizer?: AwsAuthorizer,
    private readonly account: LocalAccount = LOCAL_ACCOUNT,
  ) {}

  /** The ARN of function `name`, as the template resolver gives AWS::Lambda::Function's `Arn`. */
  arnOf(name: string): string {
    const { partition, region, account } = this.account;
    return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
  }

  /** Deploys `fn` (a later one of the same name replaces it). */
  register(fn: LocalFunction): void {
    this.#functions.set(this.arnOf(fn.name), fn);
  }

  /**
   * Invokes a function as its trigger does (the monitor's schedule) and waits for its result. The
   * trigger's own permission (the schedule's role) is not evaluated: it is no principal of the
   * stack's code.
   */
  async trigger(name: string, event: unknown): Promise<unknown> {
    const fn = this.#function(this.arnOf(name));
    const invocation = this.#run(fn, event, 'trigger');
    await invocation.done;
    const outcome = invocation.record.outcome;
    if (outcome !== undefined && 'error' in outcome) throw outcome.error;
    return outcome?.result;
  }

  /** A LambdaClient look-alike signing as `accessKeyId`: each Invoke is authorized first. */
  clientFor(accessKeyId: string): LambdaClient {
    return {
      send: async (command: InvokeCommand) => {
        const input = command.input;
        const name = String(input.FunctionName ?? '');
        const arn = name.startsWith('arn:') ? name : this.arnOf(name);
        if (this.authorizer) {
          const decision = await this.authorizer.authorize({
            accessKeyId,
            action: 'lambda:InvokeFunction',
            resource: arn,
          });
          if (!decision.allowed) throw awsError('AccessDeniedException', decision.message, 403);
        }
        const fn = this.#function(arn);
        if (input.InvocationType !== 'Event') {
          throw new Error(
            `The local Lambda runs asynchronous invocations only (InvocationType Event), not ${String(input.InvocationType ?? 'RequestResponse')}`,
          );
        }
        const payload = payloadText(input.Payload);
        // Queued: the function starts after this call has returned, as Lambda's event queue does.
        const invocation = this.#run(fn, JSON.parse(payload) as unknown, accessKeyId, true);
        this.#pending.add(invocation.done);
        void invocation.done.finally(() => this.#pending.delete(invocation.done));
        return { StatusCode: 202, $metadata: { httpStatusCode: 202 } };
      },
    } as unknown as LambdaClient;
  }

  /**
   * Waits until no asynchronous invocation is queued or running (including those they start).
   * @throws the first failed asynchronous invocation's error.
   */
  async whenIdle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    const failed = this.invocations.find(
      (invocation) =>
        invocation.invokedBy !== 'trigger' && invocation.outcome && 'error' in invocation.outcome,
    );
    if (failed?.outcome && 'error' in failed.outcome) throw failed.outcome.error;
  }

  #function(arn: string): LocalFunction {
    const fn = this.#functions.get(arn);
    if (!fn) throw awsError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
    return fn;
  }

  #run(fn: LocalFunction, event: unknown, invokedBy: string, queued = false) {
    const record: LocalLambdaInvocation = {
      functionName: fn.name,
      requestId: randomUUID(),
      event,
      invokedBy,
    };
    this.invocations.push(record);
    const run = async () => {
      if (queued) await new Promise<void>((resolve) => setImmediate(resolve));
      const startedAt = Date.now();
      const context: LocalLambdaContext = {
        awsRequestId: record.requestId,
        functionName: fn.name,
        getRemainingTimeInMillis: () => Math.max(0, startedAt + fn.timeoutMs - Date.now()),
      };
      try {
        record.outcome = { result: await fn.handler(event, context) };
      } catch (error) {
        record.outcome = { error };
      }
    };
    return { record, done: run() };
  }
}
