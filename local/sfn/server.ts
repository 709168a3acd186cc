import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, header, listenOnLoopback, readBody } from '../http';
import type { AwsAuthorizer } from '../iam/local-iam';
import { accessKeyOfAuthorization } from '../iam/principals';
import type { LocalExecution, LocalStepFunctions } from './engine';

/** A Step Functions API stand-in the real SFNClient reaches through an endpoint override. */
export interface LocalStepFunctionsServer {
  /** `http://127.0.0.1:<port>` for `new SFNClient({ endpoint })`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Options of {@link startLocalStepFunctionsServer}. */
export interface LocalStepFunctionsServerOptions {
  /** The customer managed key of the state machine (its EncryptionConfiguration). @default none */
  readonly keyArn?: string;
}

/**
 * Operations whose caller needs kms:Decrypt on a customer managed key of the state machine (Step
 * Functions Developer Guide, "Data at rest encryption", "Required permissions for API callers"):
 * they return execution data. StartExecution, SendTask*, Redrive and ListExecutions need none.
 */
const DECRYPTING_OPERATIONS: ReadonlySet<string> = new Set(['DescribeExecution', 'GetExecutionHistory']);

/**
 * The KMS call Step Functions makes on the caller's behalf for an operation that returns execution
 * data: kms:Decrypt on the state machine's key, with `kms:ViaService` = `states.<region>.amazonaws.com`
 * and the encryption context Step Functions uses, `aws:states:stateMachineArn`. Undefined when the
 * operation needs no key.
 */
async function authorizeDataKey(
  authorizer: AwsAuthorizer,
  accessKeyId: string | undefined,
  operation: string,
  stateMachineArn: string,
  options: LocalStepFunctionsServerOptions,
) {
  if (options.keyArn === undefined || !DECRYPTING_OPERATIONS.has(operation)) return undefined;
  const [, , , region = '', account = ''] = stateMachineArn.split(':');
  return authorizer.authorize({
    accessKeyId,
    action: 'kms:Decrypt',
    resource: options.keyArn,
    context: {
      'kms:ViaService': `states.${region}.amazonaws.com`,
      'kms:CallerAccount': account,
      'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArn,
      'kms:EncryptionContextKeys': ['aws:states:stateMachineArn'],
    },
  });
}

type Body = Record<string, unknown>;
const epochSeconds = (date: Date | undefined) => (date === undefined ? undefined : date.getTime() / 1000);

function describe(execution: LocalExecution, stateMachineArn: string): Body {
  return {
    executionArn: execution.executionArn,
    stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epochSeconds(execution.startDate),
    stopDate: epochSeconds(execution.stopDate),
    input: execution.input,
    output: execution.output,
    error: execution.error,
    cause: execution.cause,
    redriveCount: execution.redriveCount,
    redriveStatus: execution.status === 'FAILED' && execution.failedState ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
  };
}

/** GetExecutionHistory's page size when maxResults is absent or 0, and its maximum (API Reference). */
const HISTORY_PAGE_DEFAULT = 100;
const HISTORY_PAGE_MAX = 1000;

/**
 * One page of GetExecutionHistory: `maxResults` events (default 100, at most 1000), oldest first
 * unless `reverseOrder`, and a `nextToken` while more remain (an opaque offset; the other
 * arguments must stay unchanged, as the API requires). Timestamps in epoch seconds, as the JSON
 * protocol carries them.
 */
function historyPage(engine: LocalStepFunctions, body: Body): Body {
  const executionArn = String(body.executionArn);
  const events = engine.history(executionArn, { includeExecutionData: body.includeExecutionData !== false });
  const ordered = body.reverseOrder === true ? events.reverse() : events;
  const asked = typeof body.maxResults === 'number' ? body.maxResults : 0;
  if (asked < 0 || asked > HISTORY_PAGE_MAX)
    throw Object.assign(new Error(`maxResults must be between 0 and ${HISTORY_PAGE_MAX}`), {
      name: 'ValidationException',
    });
  const size = asked === 0 ? HISTORY_PAGE_DEFAULT : asked;
  let offset = 0;
  if (typeof body.nextToken === 'string') {
    const token = /^page:(\d+):(.*)$/.exec(Buffer.from(body.nextToken, 'base64url').toString('utf8'));
    if (!token || token[2] !== executionArn)
      throw Object.assign(new Error('Invalid Token'), { name: 'InvalidToken' });
    offset = Number(token[1]);
  }
  const page = ordered.slice(offset, offset + size).map((event) => ({
    ...event,
    timestamp: epochSeconds(event.timestamp),
  }));
  const next = offset + size;
  return {
    events: page,
    ...(next < ordered.length
      ? { nextToken: Buffer.from(`page:${next}:${executionArn}`, 'utf8').toString('base64url') }
      : {}),
  };
}

/**
 * Serves the Step Functions JSON 1.0 API (`X-Amz-Target: AWSStepFunctions.<Operation>`) over the
 * local engine: StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory,
 * RedriveExecution, StopExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat. Errors
 * carry `__type` so the SDK raises the same exception names as the service.
 */
export async function startLocalStepFunctionsServer(
  engine: LocalStepFunctions,
  stateMachineArn: string,
  authorizer?: AwsAuthorizer,
  options: LocalStepFunctionsServerOptions = {},
): Promise<LocalStepFunctionsServer> {
  /**
   * The resource each operation is authorized on (Service Authorization Reference, AWS Step
   * Functions): the state machine, or the execution. SendTask* list no resource type there, yet
   * AWS evaluates them on the state machine the token belongs to (its AccessDenied names
   * `...:stateMachine:<name>`), which is what CDK grants; the engine has one state machine.
   */
  const resourceOf = (operation: string, body: Body): string =>
    ['StartExecution', 'ListExecutions', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(
      operation,
    )
      ? stateMachineArn
      : String(body.executionArn ?? stateMachineArn);
  const operations: Record<string, (body: Body) => Body> = {
    StartExecution: (body) => {
      if (body.stateMachineArn !== stateMachineArn)
        throw Object.assign(new Error(`State Machine Does Not Exist: '${body.stateMachineArn}'`), {
          name: 'StateMachineDoesNotExist',
        });
      const execution = engine.start(String(body.name ?? `exec-${Date.now()}`), String(body.input ?? '{}'));
      return { executionArn: execution.executionArn, startDate: epochSeconds(execution.startDate) };
    },
    DescribeExecution: (body) => describe(engine.describe(String(body.executionArn)), stateMachineArn),
    ListExecutions: (body) => ({
      executions: engine.list(body.statusFilter as LocalExecution['status'] | undefined).map((execution) => {
        const { input: _input, output: _output, ...summary } = describe(execution, stateMachineArn);
        return summary;
      }),
    }),
    GetExecutionHistory: (body) => historyPage(engine, body),
    RedriveExecution: (body) => ({
      redriveDate: epochSeconds(engine.redrive(String(body.executionArn)) && new Date()),
    }),
    SendTaskSuccess: (body) => {
      engine.tokens.succeed(String(body.taskToken), JSON.parse(String(body.output ?? '{}')));
      return {};
    },
    SendTaskFailure: (body) => {
      engine.tokens.fail(
        String(body.taskToken),
        String(body.error ?? 'States.TaskFailed'),
        String(body.cause ?? ''),
      );
      return {};
    },
    SendTaskHeartbeat: (body) => {
      engine.tokens.heartbeat(String(body.taskToken));
      return {};
    },
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const operation = (header(request, 'x-amz-target') ?? '').replace(/^AWSStepFunctions\./, '');
      const send = (status: number, body: Body) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      };
      try {
        const handler = operations[operation];
        if (!handler)
          return send(400, {
            __type: 'UnknownOperationException',
            message: `Unsupported operation ${operation}`,
          });
        const body = JSON.parse((await readBody(request)).toString('utf8') || '{}') as Body;
        if (authorizer) {
          const accessKeyId = accessKeyOfAuthorization(header(request, 'authorization'));
          const decision = await authorizer.authorize({
            accessKeyId,
            action: `states:${operation}`,
            resource: resourceOf(operation, body),
          });
          if (!decision.allowed)
            return send(400, { __type: 'AccessDeniedException', message: decision.message });
          const keyDecision = await authorizeDataKey(
            authorizer,
            accessKeyId,
            operation,
            stateMachineArn,
            options,
          );
          if (keyDecision !== undefined && !keyDecision.allowed)
            return send(400, { __type: 'KmsAccessDeniedException', message: keyDecision.message });
        }
        return send(200, handler(body));
      } catch (error) {
        const failure = error as Error;
        return send(400, { __type: failure.name, message: failure.message });
      }
    })();
  });
  const endpoint = await listenOnLoopback(server);
  return { endpoint, stop: () => closeServer(server) };
}
