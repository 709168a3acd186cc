import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { causeOf, executionStop } from '../../cli/execution-cause';

const sfnMock = mockClient(SFNClient);
afterEach(() => sfnMock.reset());

const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 0, 0, second));
const PAGE_1: HistoryEvent[] = [
  { id: 1, timestamp: at(0), type: 'ExecutionStarted' },
  { id: 2, timestamp: at(1), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'ApplyToSes' } },
];
const PAGE_2: HistoryEvent[] = [
  { id: 3, timestamp: at(2), type: 'LambdaFunctionScheduled' },
  {
    id: 4,
    timestamp: at(3),
    type: 'LambdaFunctionFailed',
    lambdaFunctionFailedEventDetails: {
      error: 'SesApplyFailed',
      cause: JSON.stringify({
        errorType: 'SesApplyFailed',
        errorMessage: 'refused by SES in ap-northeast-1 for arn:aws:iam::123456789012:role/ops',
      }),
    },
  },
  {
    id: 5,
    timestamp: at(4),
    type: 'ExecutionFailed',
    executionFailedEventDetails: { error: 'SesApplyFailed' },
  },
];

describe('the cause of a deployed execution', () => {
  it('reads every page of the history, oldest first, and names the failed state with the sanitised cause', async () => {
    // GIVEN a history of two pages
    sfnMock
      .on(GetExecutionHistoryCommand, { executionArn: 'arn:x', nextToken: undefined })
      .resolves({ events: PAGE_1, nextToken: 'page-2' })
      .on(GetExecutionHistoryCommand, { executionArn: 'arn:x', nextToken: 'page-2' })
      .resolves({ events: PAGE_2 });

    // WHEN the stop is read
    const stop = await executionStop(new SFNClient({ region: 'ap-northeast-1' }), 'arn:x');

    // THEN the cause spans both pages, without the account or the role
    expect(stop.lastState).toBe('ApplyToSes');
    expect(stop.cause?.text).toBe('ApplyToSes (SesApplyFailed): refused by SES in ap-northeast-1 for <arn>');
    expect(sfnMock).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(sfnMock).not.toHaveReceivedCommandWith(GetExecutionHistoryCommand, { reverseOrder: true });
  });

  it('does not read the history of a running or succeeded execution', async () => {
    const sfn = new SFNClient({ region: 'ap-northeast-1' });
    expect(await causeOf({ sfn }, { executionArn: 'arn:x', status: 'SUCCEEDED' })).toBeNull();
    expect(await causeOf({ sfn }, { executionArn: 'arn:x', status: 'RUNNING' })).toBeNull();
    expect(sfnMock).not.toHaveReceivedCommand(GetExecutionHistoryCommand);
  });
});
