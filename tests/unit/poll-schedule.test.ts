/**
 * The SES polling loops' pauses (shared/rotation/poll-schedule.ts): exponential backoff with
 * equal jitter, and the bound on polls the execution history budget relies on.
 */
import {
  DEFAULT_SES_CONFIRMATION,
  maxPolls,
  nextPollSeconds,
  pollingExhausted,
} from '../../shared/rotation/poll-schedule';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 20) + seconds * 1000);

describe('SES polling schedule', () => {
  it('waits between half and all of a cap that starts at 5 s, doubles each poll and stops at maxDelaySeconds', () => {
    const shortest = [1, 2, 3, 4, 12, 20].map((poll) =>
      nextPollSeconds(DEFAULT_SES_CONFIRMATION, poll, () => 0),
    );
    const longest = [1, 2, 3, 4, 12, 20].map((poll) =>
      nextPollSeconds(DEFAULT_SES_CONFIRMATION, poll, () => 0.9999),
    );
    expect(shortest).toEqual([3, 5, 10, 20, 1800, 1800]);
    expect(longest).toEqual([5, 10, 20, 40, 3600, 3600]);
  });

  it('keeps polling until maxWaitHours passed since the switch, and never past maxPolls polls', () => {
    const settings = DEFAULT_SES_CONFIRMATION;
    expect(pollingExhausted(settings, 10, at(0), at(72 * 3600 - 1))).toBeUndefined();
    expect(pollingExhausted(settings, 10, at(0), at(72 * 3600))).toBe('still PENDING after 72 h');
    expect(pollingExhausted(settings, maxPolls(settings), at(0), at(60))).toBe(
      `still PENDING after ${maxPolls(settings)} polls`,
    );
  });

  it('cannot reach maxPolls before maxWaitHours with the shortest pauses the jitter allows', () => {
    // The floor of every pause is half its cap: after maxPolls - 1 of the shortest pauses,
    // maxWaitHours have passed, so the time limit always comes first in Step Functions.
    const settings = DEFAULT_SES_CONFIRMATION;
    let elapsed = 0;
    for (let poll = 1; poll < maxPolls(settings); poll += 1) {
      elapsed += nextPollSeconds(settings, poll, () => 0);
    }
    expect(elapsed).toBeGreaterThanOrEqual(settings.maxWaitHours * 3600);
  });
});
