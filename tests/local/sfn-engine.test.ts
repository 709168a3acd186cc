import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { DeployedIam } from '../../local/iam/deployed-iam';
import { LocalIam } from '../../local/iam/local-iam';
import { credentialsOf } from '../../local/iam/principals';
import { type AslDefinition, LocalStepFunctions } from '../../local/sfn/engine';
import { startLocalStepFunctionsServer } from '../../local/sfn/server';

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:local:000000000000:function:Prepare',
      ResultPath: '$.prepared',
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'arn:aws:lambda:local:000000000000:function:Approve',
        Payload: { 'state.$': '$', 'taskToken.$': '$$.Task.Token' },
      },
      ResultPath: '$.approval',
      Catch: [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'TimedOut' },
        { ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Refused' },
      ],
      Next: 'Poll',
    },
    Poll: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:local:000000000000:function:Poll',
      Retry: [
        {
          ErrorEquals: ['NotYet'],
          IntervalSeconds: 3600,
          MaxAttempts: 5,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ],
      ResultPath: '$.poll',
      Next: 'Rest',
    },
    Rest: { Type: 'Wait', Seconds: 86400, Next: 'Done' },
    Done: { Type: 'Succeed' },
    TimedOut: { Type: 'Fail', Error: 'ApprovalExpired' },
    Refused: { Type: 'Fail', Error: 'DnsChangeRejected' },
  },
} as unknown as AslDefinition;

/** Every machine a test made: executions still waiting on a token are aborted after each test. */
const machines: LocalStepFunctions[] = [];
afterEach(() => {
  for (const made of machines.splice(0)) made.abortAll();
});

/** `tokenTimeoutMs`: long by default, so a paused test machine never times a token out by accident. */
function machine(pollFailures = 0, tokenTimeoutMs = 30_000) {
  const seen: { tokens: string[]; polls: number; prepares: number } = { tokens: [], polls: 0, prepares: 0 };
  let failuresLeft = pollFailures;
  const sfn = new LocalStepFunctions({
    definition,
    stateMachineArn: 'arn:aws:states:local:000000000000:stateMachine:Test',
    tasks: {
      Prepare: async () => {
        seen.prepares += 1;
        return { ok: true };
      },
      Approve: async (payload) => {
        seen.tokens.push((payload as { taskToken: string }).taskToken);
        return {};
      },
      Poll: async () => {
        seen.polls += 1;
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw Object.assign(new Error('not yet'), { name: 'NotYet' });
        }
        return { polled: seen.polls };
      },
    },
    timing: { waitMs: { Rest: 1 }, retryMs: { Poll: 1 }, taskTokenTimeoutMs: tokenTimeoutMs },
  });
  machines.push(sfn);
  return { sfn, seen };
}

async function tokenOf(seen: { tokens: string[] }, index = 0): Promise<string> {
  for (let attempt = 0; attempt < 200 && seen.tokens[index] === undefined; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return seen.tokens[index] as string;
}

describe('local Step Functions', () => {
  it('pauses at a task token until SendTaskSuccess, with shortened retries and waits, and records the history', async () => {
    const { sfn, seen } = machine(2);
    const execution = sfn.start('rotation-1', JSON.stringify({ domain: 'example.jp' }));
    const token = await tokenOf(seen);
    expect(token).toMatch(/^AQ[A-Za-z0-9+/=]{200,}$/);
    expect(execution.status).toBe('RUNNING');
    sfn.tokens.succeed(token, { decision: 'APPROVED' });
    const done = await sfn.whenDone(execution.executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      approval: { decision: 'APPROVED' },
      poll: { polled: 3 },
    });
    expect(done.events.filter((event) => event.type === 'StateRetried')).toHaveLength(2);
    expect(() => sfn.tokens.succeed(token, {})).toThrow(expect.objectContaining({ name: 'TaskTimedOut' }));
    expect(() => sfn.tokens.succeed('forged', {})).toThrow(expect.objectContaining({ name: 'InvalidToken' }));
  });

  it('routes SendTaskFailure to the Catch for its error name', async () => {
    const { sfn, seen } = machine();
    const execution = sfn.start('rotation-2', '{}');
    sfn.tokens.fail(await tokenOf(seen), 'Rejected', 'the DNS team said no');
    const done = await sfn.whenDone(execution.executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'DnsChangeRejected' });
  });

  it('times the token wait out as States.Timeout, and the late token is refused', async () => {
    const { sfn, seen } = machine(0, 200);
    const execution = sfn.start('rotation-3', '{}');
    const done = await sfn.whenDone(execution.executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ApprovalExpired' });
    expect(() => sfn.tokens.succeed(seen.tokens[0] as string, {})).toThrow(
      expect.objectContaining({ name: 'TaskTimedOut' }),
    );
  });

  it('refuses a second execution with the same name', () => {
    const { sfn } = machine();
    sfn.start('same-name', '{}');
    expect(() => sfn.start('same-name', '{}')).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    expect(sfn.list('RUNNING')).toHaveLength(1);
  });

  it('fails at a crashed state without running its Catch, and a redrive re-runs that state with its input', async () => {
    const { sfn, seen } = machine();
    sfn.crashAfter('Poll');
    const execution = sfn.start('rotation-4', JSON.stringify({ domain: 'example.jp' }));
    sfn.tokens.succeed(await tokenOf(seen), { decision: 'APPROVED' });
    const crashed = await sfn.whenDone(execution.executionArn);
    expect(crashed).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      failedState: { name: 'Poll' },
    });
    expect(seen.polls).toBe(1);
    sfn.redrive(execution.executionArn);
    const redriven = await sfn.whenDone(execution.executionArn);
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(seen.polls).toBe(2);
    expect(seen.prepares).toBe(1);
    expect(JSON.parse(redriven.output ?? '{}')).toMatchObject({
      domain: 'example.jp',
      approval: { decision: 'APPROVED' },
    });
    expect(() => sfn.redrive(execution.executionArn)).toThrow(
      expect.objectContaining({ name: 'ExecutionNotRedrivable' }),
    );
  });
});

describe('local Step Functions API', () => {
  it('serves the real SFNClient: start, list, describe, send task success, duplicate names', async () => {
    const { sfn, seen } = machine();
    const arn = 'arn:aws:states:local:000000000000:stateMachine:Test';
    const server = await startLocalStepFunctionsServer(sfn, arn);
    const client = new SFNClient({
      endpoint: server.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'api-1', input: '{"domain":"example.jp"}' }),
      );
      await expect(
        client.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'api-1', input: '{}' })),
      ).rejects.toMatchObject({
        name: 'ExecutionAlreadyExists',
      });
      const running = await client.send(
        new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
      );
      expect(running.executions?.map((execution) => execution.name)).toEqual(['api-1']);
      await client.send(
        new SendTaskSuccessCommand({ taskToken: await tokenOf(seen), output: '{"decision":"APPROVED"}' }),
      );
      await sfn.whenDone(started.executionArn ?? '');
      const described = await client.send(
        new DescribeExecutionCommand({ executionArn: started.executionArn }),
      );
      expect(described.status).toBe('SUCCEEDED');
      expect(described.startDate).toBeInstanceOf(Date);
      await expect(
        client.send(new SendTaskSuccessCommand({ taskToken: seen.tokens[0], output: '{}' })),
      ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  it("asks KMS on the caller's behalf for DescribeExecution of an encrypted state machine, through states.<region>", async () => {
    // GIVEN a state machine under a customer managed key, a watcher whose key grant holds through
    // Step Functions only, and a caller with DescribeExecution but no key grant
    const { sfn } = machine();
    const arn = 'arn:aws:states:local:000000000000:stateMachine:Test';
    const keyArn = 'arn:aws:kms:local:000000000000:key/11111111-2222-3333-4444-555555555555';
    const principal = (name: string, statements: Record<string, unknown>[]) => ({
      name,
      arn: `arn:aws:sts::000000000000:assumed-role/${name}Role/${name}`,
      policies: [{ name, document: { Version: '2012-10-17', Statement: statements } }],
    });
    const follow = {
      Effect: 'Allow',
      Action: ['states:StartExecution', 'states:DescribeExecution'],
      Resource: '*',
    };
    const deployed: DeployedIam = {
      account: { account: '000000000000', region: 'local', partition: 'aws' },
      principals: new Map([
        [
          'Watcher',
          principal('Watcher', [
            follow,
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: keyArn,
              Condition: { StringEquals: { 'kms:ViaService': 'states.local.amazonaws.com' } },
            },
          ]),
        ],
        ['NoKey', principal('NoKey', [follow])],
      ]),
      resourcePolicies: new Map([
        [
          keyArn,
          {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::000000000000:root' },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          },
        ],
      ]),
      bucketKeys: new Map(),
      encryptionKeys: new Map([[arn, keyArn]]),
    };
    const server = await startLocalStepFunctionsServer(sfn, arn, new LocalIam(deployed), { keyArn });
    const as = (name: string) =>
      new SFNClient({
        endpoint: server.endpoint,
        region: 'local',
        credentials: credentialsOf(name),
        maxAttempts: 1,
      });
    const watcher = as('Watcher');
    const noKey = as('NoKey');
    try {
      // WHEN both describe an execution (starting one needs no key: Step Functions encrypts it)
      const started = await watcher.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'kms-1' }));
      const described = await watcher.send(
        new DescribeExecutionCommand({ executionArn: started.executionArn }),
      );
      // THEN the watcher reads it and the other caller gets Step Functions' KMS error
      expect(described.name).toBe('kms-1');
      await expect(
        noKey.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
      ).rejects.toMatchObject({ name: 'KmsAccessDeniedException' });
    } finally {
      watcher.destroy();
      noKey.destroy();
      await server.stop();
    }
  });
});

describe('local Step Functions history (GetExecutionHistory)', () => {
  it("records AWS's event types: Lambda attempts, callback task events, FailStateEntered, and no interpreter-only events", async () => {
    // GIVEN an execution whose approval the DNS team rejects: Approve's Catch leads to Refused
    const { sfn, seen } = machine();
    const execution = sfn.start('history-1', '{}');
    sfn.tokens.fail(await tokenOf(seen), 'Rejected', 'the DNS team said no');
    await sfn.whenDone(execution.executionArn);

    // WHEN the history is read as the service returns it
    const types = sfn.history(execution.executionArn).map((event) => event.type);

    // THEN it is the service's sequence, event for event
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    const failed = sfn.history(execution.executionArn).find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'Rejected',
      cause: 'the DNS team said no',
    });
  });

  it('records a retry as another LambdaFunctionScheduled of the same entry, and pages with maxResults and nextToken', async () => {
    const { sfn, seen } = machine(2);
    const arn = 'arn:aws:states:local:000000000000:stateMachine:Test';
    const server = await startLocalStepFunctionsServer(sfn, arn);
    const client = new SFNClient({
      endpoint: server.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const execution = sfn.start('history-2', '{}');
      sfn.tokens.succeed(await tokenOf(seen), { decision: 'APPROVED' });
      await sfn.whenDone(execution.executionArn);
      const all = sfn.history(execution.executionArn);
      const poll = all.slice(all.findIndex((event) => event.stateEnteredEventDetails?.name === 'Poll'));
      expect(poll.slice(0, 10).map((event) => event.type)).toEqual([
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionSucceeded',
      ]);

      // Pages of 5, newest first, until no nextToken: the same events, ids descending
      const paged: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new GetExecutionHistoryCommand({
            executionArn: execution.executionArn,
            reverseOrder: true,
            maxResults: 5,
            nextToken,
          }),
        );
        expect(page.events?.length).toBeLessThanOrEqual(5);
        paged.push(...(page.events ?? []).map((event) => event.id ?? 0));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(paged).toEqual(all.map((event) => event.id).reverse());
      const first = await client.send(
        new GetExecutionHistoryCommand({ executionArn: execution.executionArn, includeExecutionData: false }),
      );
      expect(first.events?.[0]).toMatchObject({ type: 'ExecutionStarted', timestamp: expect.any(Date) });
      expect(JSON.stringify(first.events)).not.toMatch(/"(input|output)"/);
    } finally {
      await server.stop();
    }
  });
});
