import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { executionName, startRotation } from '../../shared/rotation/start-rotation';
import { FakeS3, fixedClock, sdkError, throttling } from './support/fakes';
import { DOMAIN, keyPairs, OLD_SELECTOR, seedKey } from './support/rotation';

const ARN = 'arn:aws:states:ap-northeast-1:111122223333:stateMachine:byodkim-rotation';

describe('startRotation', () => {
  const sfn = new SFNClient({ region: 'ap-northeast-1' });
  const sfnMock = mockClient(sfn);
  let s3: FakeS3;
  const deps = () => ({ ...s3.deps(), sfn, stateMachineArn: ARN, clock: fixedClock('2026-11-20T00:30:00Z') });
  const request = { domain: DOMAIN, selectorPrefix: 'gooid-21-pro', requestedBy: 'monitor' };

  beforeEach(async () => {
    s3 = new FakeS3();
    sfnMock.reset();
    const [old] = await keyPairs();
    if (old === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, old, 'ACTIVE');
    seedKey(s3, 'gooid-21-pro-20261120-1', old, 'ABANDONED');
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x` });
  });
  afterEach(() => s3.restore());

  it('starts `<domain-slug>-<selector>` with the next free selector of the Tokyo calendar day', async () => {
    // GIVEN no rotation runs and today's selector 1 is used
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    // WHEN a rotation starts
    const started = await startRotation(deps(), request);
    // THEN it uses selector 2 and the execution carries references only
    expect(started.selector).toBe('gooid-21-pro-20261120-2');
    const call = sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toBe('mail-example-jp-gooid-21-pro-20261120-2');
    expect(JSON.parse(call?.input ?? '{}')).toEqual({
      domain: DOMAIN,
      selector: 'gooid-21-pro-20261120-2',
      requestedBy: 'monitor',
    });
  });

  it('refuses with RotationInProgress and starts nothing while one runs for the domain', async () => {
    // GIVEN a running execution for the domain
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [{ executionArn: `${ARN}:run`, name: 'mail-example-jp-gooid-21-pro-20261119-1' } as never],
    });
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ input: JSON.stringify({ domain: DOMAIN, selector: 's' }) });
    // WHEN / THEN
    await expect(startRotation(deps(), request)).rejects.toMatchObject({
      name: 'RotationInProgress',
      message: expect.stringContaining('mail-example-jp-gooid-21-pro-20261119-1'),
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('does not mistake a running rotation of another domain with a similar slug for this one', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [{ executionArn: `${ARN}:other`, name: 'mail-example-jp-x-20261119-1' } as never],
    });
    sfnMock.on(DescribeExecutionCommand).resolves({ input: JSON.stringify({ domain: 'mail-example.jp' }) });
    await expect(startRotation(deps(), request)).resolves.toEqual(
      expect.objectContaining({ selector: 'gooid-21-pro-20261120-2' }),
    );
  });

  it('turns a lost race (ExecutionAlreadyExists) into RotationInProgress', async () => {
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    sfnMock.on(StartExecutionCommand).rejects(sdkError('ExecutionAlreadyExists', 400));
    await expect(startRotation(deps(), request)).rejects.toMatchObject({ name: 'RotationInProgress' });
  });

  it('reports throttling as transient', async () => {
    sfnMock.on(ListExecutionsCommand).rejects(throttling());
    await expect(startRotation(deps(), request)).rejects.toMatchObject({ name: 'TransientAwsError' });
  });

  it('refuses a second rotation of a 253-character domain whose running execution has a hashed name', async () => {
    // GIVEN the longest domain DNS allows, rotating with a 63-character selector: its execution name
    // keeps only 7 characters of the slug before the hash
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`;
    const running = executionName(long, `${'p'.repeat(50)}-20261119-1`.padEnd(63, '0'));
    expect(long).toHaveLength(253);
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [{ executionArn: `${ARN}:run`, name: running } as never],
    });
    sfnMock.on(DescribeExecutionCommand).resolves({ input: JSON.stringify({ domain: long }) });
    // WHEN another rotation of the domain is started / THEN it is refused and nothing starts
    await expect(startRotation(deps(), { ...request, domain: long })).rejects.toMatchObject({
      name: 'RotationInProgress',
      message: expect.stringContaining(running),
    });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
