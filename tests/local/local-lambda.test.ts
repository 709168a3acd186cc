import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { DeployedIam } from '../../local/iam/deployed-iam';
import { LocalIam } from '../../local/iam/local-iam';
import { accessKeyOf } from '../../local/iam/principals';
import { LocalLambda } from '../../local/runner/local-lambda';

const FUNCTION = 'byodkim-rotation-local-Monitor';
const FUNCTION_ARN = `arn:aws:lambda:local:000000000000:function:${FUNCTION}`;

/** The monitor's role with its ContinueRun statement only, and a role without it. */
function deployment(): DeployedIam {
  const principal = (name: string, statements: Record<string, unknown>[]) => ({
    name,
    arn: `arn:aws:sts::000000000000:assumed-role/${name}Role/${name}`,
    policies: [{ name: `${name}Policy`, document: { Version: '2012-10-17', Statement: statements } }],
  });
  return {
    account: { account: '000000000000', region: 'local', partition: 'aws' },
    principals: new Map([
      [
        'Monitor',
        principal('Monitor', [
          { Sid: 'ContinueRun', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION_ARN },
        ]),
      ],
      ['GenerateKey', principal('GenerateKey', [])],
    ]),
    resourcePolicies: new Map(),
    bucketKeys: new Map(),
    encryptionKeys: new Map(),
  };
}

const invokeEvent = (payload: object, functionName = FUNCTION) =>
  new InvokeCommand({
    FunctionName: functionName,
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify(payload)),
  });

describe('the local Lambda (asynchronous self-invocation under the local IAM)', () => {
  it('answers 202 before the function runs, then runs it with the payload and its own request id and time limit', async () => {
    // GIVEN the monitor function deployed with a 900 s time limit
    const iam = new LocalIam(deployment());
    const lambda = new LocalLambda(iam);
    const seen: Array<{ event: unknown; requestId: string; remainingMs: number }> = [];
    lambda.register({
      name: FUNCTION,
      timeoutMs: 900_000,
      handler: async (event, context) => {
        seen.push({
          event,
          requestId: context.awsRequestId,
          remainingMs: context.getRemainingTimeInMillis(),
        });
      },
    });

    // WHEN the monitor's role invokes it asynchronously
    const answer = await lambda.clientFor(accessKeyOf('Monitor')).send(invokeEvent({ fromIndex: 3 }));
    const ranBeforeAnswer = seen.length;
    await lambda.whenIdle();

    // THEN Lambda accepted the event, and the function ran afterwards with it
    expect(answer).toMatchObject({ StatusCode: 202 });
    expect(ranBeforeAnswer).toBe(0);
    expect(seen).toEqual([
      {
        event: { fromIndex: 3 },
        requestId: lambda.invocations[0]?.requestId,
        remainingMs: expect.any(Number),
      },
    ]);
    expect(seen[0]?.remainingMs).toBeGreaterThan(899_000);
    expect(iam.summary()).toMatchObject({ evaluated: 1, denied: 0 });
  });

  it('refuses a role without lambda:InvokeFunction on the function with AccessDeniedException, and runs nothing', async () => {
    // GIVEN the function, and a role whose policies do not allow invoking it
    const iam = new LocalIam(deployment());
    const lambda = new LocalLambda(iam);
    let runs = 0;
    lambda.register({
      name: FUNCTION,
      timeoutMs: 900_000,
      handler: async () => {
        runs += 1;
      },
    });

    // WHEN that role invokes it
    const refused = await lambda
      .clientFor(accessKeyOf('GenerateKey'))
      .send(invokeEvent({}))
      .catch((error: unknown) => error as Error & { $metadata: { httpStatusCode: number } });
    await lambda.whenIdle();

    // THEN Lambda's own error names the role, the action and the function's ARN
    expect(refused).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect((refused as Error).message).toContain(`lambda:InvokeFunction on resource: "${FUNCTION_ARN}"`);
    expect(runs).toBe(0);
    expect(iam.summary().deniedRequests).toEqual([
      { state: 'GenerateKey', action: 'lambda:InvokeFunction', resource: FUNCTION_ARN },
    ]);
  });

  it('reports a failed asynchronous invocation when the caller waits for the chain to end', async () => {
    // GIVEN a function that fails
    const lambda = new LocalLambda(new LocalIam(deployment()));
    lambda.register({
      name: FUNCTION,
      timeoutMs: 900_000,
      handler: async () => {
        throw new Error('continuation failed');
      },
    });

    // WHEN it is invoked asynchronously (the invoke itself succeeds) and the chain is awaited
    await lambda.clientFor(accessKeyOf('Monitor')).send(invokeEvent({}));

    // THEN the failure surfaces there
    await expect(lambda.whenIdle()).rejects.toThrow('continuation failed');
  });
});
