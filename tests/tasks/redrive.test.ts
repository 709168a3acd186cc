/**
 * `byodkim redrive` decides from the execution's history whether a redrive can help, and finds a
 * domain's executions (hashed names of long domains included) the way `history` and `status` do.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { redriveRotation } from '../../cli/redrive';
import { executionName } from '../../shared/rotation/execution-name';
import { REDRIVE_CANNOT_HELP } from '../../shared/rotation/redrive-policy';
import { rotationExecutions } from '../../shared/rotation/rotation-executions';
import { sdkError } from './support/fakes';

const SM = 'arn:aws:states:ap-northeast-1:111122223333:stateMachine:byodkim-rotation-prod';
const arnOf = (name: string) => `${SM.replace(':stateMachine:', ':execution:')}:${name}`;
const DOMAIN = 'mail.example.jp';
const LONG = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`;
const OLDER = executionName(DOMAIN, 'gooid-21-pro-20261119-1');
const NEWER = executionName(DOMAIN, 'gooid-21-pro-20261120-1');

describe('byodkim redrive', () => {
  const sfn = new SFNClient({ region: 'ap-northeast-1' });
  const sfnMock = mockClient(sfn);
  const deps = { sfn, stateMachineArn: SM };

  /** Executions of the state machine: name, status, start day, and the domain of their input. */
  function executions(...list: Array<{ name: string; status: string; day: number; domain: string }>) {
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: list.map((entry) => ({
        executionArn: arnOf(entry.name),
        stateMachineArn: SM,
        name: entry.name,
        status: entry.status as never,
        startDate: new Date(Date.UTC(2026, 10, entry.day)),
      })),
    });
    for (const entry of list) {
      sfnMock.on(DescribeExecutionCommand, { executionArn: arnOf(entry.name) }).resolves({
        executionArn: arnOf(entry.name),
        name: entry.name,
        status: entry.status as never,
        input: JSON.stringify({ domain: entry.domain, selector: 'x' }),
        startDate: new Date(Date.UTC(2026, 10, entry.day)),
        redriveStatus: entry.status === 'FAILED' ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
      });
    }
  }
  /** The newest events of the history (reverse order), as Step Functions records an ending. */
  function endedWith(...events: HistoryEvent[]) {
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events });
  }
  const failState = (name: string): HistoryEvent[] => [
    { id: 40, timestamp: new Date(), type: 'ExecutionFailed' },
    { id: 39, timestamp: new Date(), type: 'FailStateEntered', stateEnteredEventDetails: { name } },
  ];

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
  });

  it.each([...REDRIVE_CANNOT_HELP])(
    'refuses a rotation that ended in the Fail state %s, with what to do instead, and redrives nothing',
    async (state) => {
      // GIVEN the domain's latest rotation ended in the Fail state (DescribeExecution: REDRIVABLE)
      executions({ name: NEWER, status: 'FAILED', day: 20, domain: DOMAIN });
      endedWith(...failState(state));
      // WHEN the operator redrives the domain
      const redriving = redriveRotation(deps, DOMAIN, [DOMAIN]);
      // THEN it is refused, naming the ending and the next step (a runbook section, a command)
      await expect(redriving).rejects.toMatchObject({
        name: 'RedriveRefused',
        message: expect.stringMatching(new RegExp(`${state}.*(byodkim start ${DOMAIN}|byodkim dns check)`)),
      });
      await expect(redriving).rejects.toThrow(/runbook: /);
      expect(sfnMock).not.toHaveReceivedCommand(RedriveExecutionCommand);
      // and the history was read without execution data (no inputs, outputs or task tokens)
      expect(sfnMock).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
        reverseOrder: true,
        includeExecutionData: false,
      });
    },
  );

  it('redrives a rotation that failed in a task nothing caught, from that task', async () => {
    executions({ name: NEWER, status: 'FAILED', day: 20, domain: DOMAIN });
    endedWith(
      { id: 30, timestamp: new Date(), type: 'ExecutionFailed' },
      { id: 29, timestamp: new Date(), type: 'LambdaFunctionFailed' },
      {
        id: 27,
        timestamp: new Date(),
        type: 'TaskStateEntered',
        stateEnteredEventDetails: { name: 'VerifyDnsRecord' },
      },
    );
    await expect(redriveRotation(deps, DOMAIN, [DOMAIN])).resolves.toMatchObject({ name: NEWER });
    expect(sfnMock).toHaveReceivedCommandWith(RedriveExecutionCommand, { executionArn: arnOf(NEWER) });
  });

  it('finds the latest rotation of a 253-character domain by its hashed name, not another domain with the same start', async () => {
    // GIVEN a failed rotation of the longest domain (its name keeps only the start of the slug) and
    // one of a domain whose name starts the same
    const other = `${LONG.slice(0, -3)}.co`;
    const mine = executionName(LONG, 'gooid-21-pro-20261120-1');
    const theirs = executionName(other, 'gooid-21-pro-20261121-1');
    executions(
      { name: theirs, status: 'FAILED', day: 21, domain: other },
      { name: mine, status: 'FAILED', day: 20, domain: LONG },
    );
    endedWith({
      id: 9,
      timestamp: new Date(),
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'GenerateKey' },
    });
    // WHEN / THEN history finds exactly its execution, and redrive redrives it
    const found = [];
    for await (const execution of rotationExecutions(deps, LONG)) found.push(execution.name);
    expect(found).toEqual([mine]);
    await redriveRotation(deps, LONG.toUpperCase(), [LONG]);
    expect(sfnMock).toHaveReceivedCommandWith(RedriveExecutionCommand, { executionArn: arnOf(mine) });
  });

  it('refuses an older failed rotation once a newer one of the domain exists', async () => {
    // GIVEN an older rotation that failed before SES, and a newer one (the monitor started it)
    executions(
      { name: NEWER, status: 'RUNNING', day: 20, domain: DOMAIN },
      { name: OLDER, status: 'FAILED', day: 19, domain: DOMAIN },
    );
    endedWith({
      id: 9,
      timestamp: new Date(),
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'VerifyDnsRecord' },
    });
    // WHEN the older one is redriven by name / THEN it is refused: it could apply an older key
    await expect(redriveRotation(deps, OLDER, [DOMAIN])).rejects.toMatchObject({
      name: 'RedriveRefused',
      message: expect.stringContaining(`a newer rotation of ${DOMAIN} exists (${NEWER}, RUNNING)`),
    });
    // and by domain only the latest counts: it runs, so there is nothing to redrive
    await expect(redriveRotation(deps, DOMAIN, [DOMAIN])).rejects.toMatchObject({
      name: 'InvalidInput',
      message: `No failed rotation of ${DOMAIN} to redrive: its latest rotation ${NEWER} is RUNNING.`,
    });
    expect(sfnMock).not.toHaveReceivedCommand(RedriveExecutionCommand);
  });

  it('refuses what Step Functions reports NOT_REDRIVABLE, its reason sanitised onto one line', async () => {
    executions({ name: NEWER, status: 'FAILED', day: 20, domain: DOMAIN });
    sfnMock.on(DescribeExecutionCommand).resolves({
      executionArn: arnOf(NEWER),
      name: NEWER,
      status: 'FAILED',
      input: JSON.stringify({ domain: DOMAIN }),
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution redrivable period exceeded.\nFORGED LINE',
    });
    const refused = await redriveRotation(deps, arnOf(NEWER), [DOMAIN]).catch((error: Error) => error);
    expect(refused).toMatchObject({
      name: 'RedriveRefused',
      message: expect.stringContaining(
        `not redrivable: Execution redrivable period exceeded. FORGED LINE. Start a new rotation instead: byodkim start ${DOMAIN}.`,
      ),
    });
    expect((refused as Error).message).not.toContain('\n');
  });

  it('turns an unknown execution into bad input, and a race lost to Step Functions into a refusal', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(sdkError('ExecutionDoesNotExist', 400));
    await expect(redriveRotation(deps, 'no-such-execution', [DOMAIN])).rejects.toMatchObject({
      name: 'InvalidInput',
    });
    executions({ name: NEWER, status: 'FAILED', day: 20, domain: DOMAIN });
    endedWith({
      id: 9,
      timestamp: new Date(),
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'GenerateKey' },
    });
    sfnMock.on(RedriveExecutionCommand).rejects(sdkError('ExecutionNotRedrivable', 400));
    await expect(redriveRotation(deps, DOMAIN, [DOMAIN])).rejects.toMatchObject({ name: 'RedriveRefused' });
  });
});
