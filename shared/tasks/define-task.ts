/**
 * One Lambda handler module of the rotation, declared by what differs between tasks: its state,
 * the dependencies it builds from its environment, and its logic. What every handler had to
 * repeat (the Powertools logger, the typed environment of its manifest entry, the clock, the
 * shape check of the rotation state, memoised deps, log keys, sanitised failures) is here once.
 *
 * ```ts
 * export const { defaultDeps, makeHandler, handler } = defineTask({
 *   state: 'StoreDnsRequest',
 *   deps: ({ env, base }) => ({ ...base, ...keyStoreOf(env) }),
 *   run: storeDnsRequest,
 * });
 * ```
 * Only handler.ts files import this; logic never does.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { rotationStateTask, taskHandler, taskLogger } from '../rotation/lambda-kit';
import { type DepsSource, s3Client, snsClient } from '../rotation/runtime';
import type { RotationState } from '../rotation/state';
import type { TaskName } from './manifest';
import { taskEnvironment } from './task-env';

/** The environment readers of `S` (only the variables its manifest entry gives). */
export type TaskEnvironmentOf<S extends TaskName> = ReturnType<typeof taskEnvironment<S>>;

/** What every task's deps start from. */
export interface BaseTaskDeps {
  readonly clock: () => Date;
  readonly logger: Logger;
}

/** A task handler module's exports. */
export interface TaskModule<D, E, R> {
  /** Real clients and settings from the environment the stack sets. */
  readonly defaultDeps: () => D;
  /** The handler for any deps (the local runner passes its own); deps are resolved on first call. */
  readonly makeHandler: (deps: DepsSource<D>) => (event: E, context?: Context) => Promise<R>;
  /** The Lambda entry point. */
  readonly handler: (event: E, context?: Context) => Promise<R>;
}

/** What differs between two task handlers. */
export interface TaskDefinition<S extends TaskName, D extends object, E, R> {
  /** The state (or function) name: its manifest entry gives the environment. */
  readonly state: S;
  /** The task's dependencies, from its environment and the common ones. */
  readonly deps: (from: { env: TaskEnvironmentOf<S>; base: BaseTaskDeps }) => NoInfer<D>;
  /** The logic. */
  readonly run: (event: E, deps: D) => Promise<R>;
  /**
   * The log keys of an event, for a task whose input is not the rotation state.
   * @default - the input is the rotation state: its shape is checked, its domain and selector logged
   */
  readonly keysOf?: (event: E) => Record<string, string | undefined>;
}

/** The handler module of one task. */
export function defineTask<S extends TaskName, D extends object, R, E = RotationState>(
  definition: TaskDefinition<S, D, E, R>,
): TaskModule<D, E, R> {
  const logger = taskLogger();
  const env = taskEnvironment(definition.state);
  const defaultDeps = () => definition.deps({ env, base: { clock: () => new Date(), logger } });
  const makeHandler = (deps: DepsSource<D>) =>
    definition.keysOf === undefined
      ? (rotationStateTask<D, R>(
          definition.state,
          logger,
          deps,
          definition.run as unknown as (state: RotationState, deps: D) => Promise<R>,
        ) as unknown as (event: E, context?: Context) => Promise<R>)
      : taskHandler<E, D, R>(logger, deps, definition.run, definition.keysOf);
  return { defaultDeps, makeHandler, handler: makeHandler(defaultDeps) };
}

/** The key store client and bucket, for a task whose entry reads or writes it. */
export function keyStoreOf(env: { readonly bucketName: () => string }) {
  return { s3: s3Client(), bucket: env.bucketName() };
}

/** The notification topics of a task that publishes to both. */
export function bothTopicsOf(env: {
  readonly operatorsTopicArn: () => string;
  readonly dnsTeamTopicArn: () => string;
}) {
  const sns = snsClient();
  return {
    operators: { sns, topicArn: env.operatorsTopicArn() },
    dnsTeam: { sns, topicArn: env.dnsTeamTopicArn() },
  };
}
