import { randomBytes } from 'node:crypto';

/** A task token's wait ended: how. */
export type TokenOutcome =
  | { readonly kind: 'success'; readonly output: unknown }
  | { readonly kind: 'failure'; readonly error: string; readonly cause: string };

/** Errors Step Functions returns for SendTask* calls; `name` is the SDK exception name. */
export class TaskTokenError extends Error {
  constructor(
    override readonly name: 'TaskTimedOut' | 'InvalidToken' | 'TaskDoesNotExist',
    message: string,
  ) {
    super(message);
  }
}

interface PendingToken {
  readonly executionArn: string;
  readonly stateName: string;
  resolve(outcome: TokenOutcome): void;
}

/**
 * The local task-token broker: mints opaque tokens for `.waitForTaskToken` states, pauses until
 * SendTaskSuccess / SendTaskFailure, and answers like Step Functions afterwards: a token whose task
 * already closed (decided, timed out, execution ended) gives `TaskTimedOut`, an unknown one
 * `InvalidToken`.
 */
export class TaskTokenBroker {
  private readonly pending = new Map<string, PendingToken>();
  private readonly closed = new Set<string>();
  /** Every token minted, so the leak scan can look for them. */
  readonly minted: string[] = [];

  /** Mints a token and returns it with the promise of its outcome. */
  mint(executionArn: string, stateName: string): { token: string; outcome: Promise<TokenOutcome> } {
    // Real tokens are long opaque base64 strings; ours look alike so size-related bugs show up.
    const token = `AQ${randomBytes(192).toString('base64')}`;
    this.minted.push(token);
    const outcome = new Promise<TokenOutcome>((resolve) => {
      this.pending.set(token, { executionArn, stateName, resolve });
    });
    return { token, outcome };
  }

  /** Ends a wait from the workflow's side (timeout, abort): the token stops working. */
  close(token: string): void {
    const pending = this.pending.get(token);
    this.pending.delete(token);
    this.closed.add(token);
    // Whoever still waits on it is released (an aborted execution must not hold timers open).
    pending?.resolve({ kind: 'failure', error: 'States.Aborted', cause: 'The wait was closed' });
  }

  /** Closes every open token of an execution (it ended or crashed). */
  closeExecution(executionArn: string): void {
    for (const [token, pending] of this.pending) if (pending.executionArn === executionArn) this.close(token);
  }

  /** SendTaskSuccess. */
  succeed(token: string, output: unknown): void {
    this.take(token).resolve({ kind: 'success', output });
  }

  /** SendTaskFailure. */
  fail(token: string, error: string, cause: string): void {
    this.take(token).resolve({ kind: 'failure', error, cause });
  }

  /** SendTaskHeartbeat: only checks the token is open. */
  heartbeat(token: string): void {
    if (!this.pending.has(token)) this.take(token);
  }

  private take(token: string): PendingToken {
    const pending = this.pending.get(token);
    if (pending) {
      this.pending.delete(token);
      this.closed.add(token);
      return pending;
    }
    if (this.closed.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out');
    throw new TaskTokenError('InvalidToken', 'Invalid Token');
  }
}
