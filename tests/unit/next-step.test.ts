import { type NextStepAction, type NextStepFacts, nextStep } from '../../cli/next-step';

const NOW = new Date('2026-12-04T00:00:00Z');
const DAY = 86_400_000;
const rotation = (changes: Partial<NonNullable<NextStepFacts['rotation']>>) => ({
  name: 'example-com-s1',
  status: 'FAILED',
  state: 'VerifyDnsRecord',
  stopDate: new Date(NOW.getTime() - DAY),
  ...changes,
});

describe('nextStep', () => {
  const cases: Array<[string, Partial<NextStepFacts>, NextStepAction, RegExp]> = [
    ['no rotation ever ran', {}, 'none', /no rotation of example\.com has run/],
    [
      'the rotation waits for the DNS team',
      { rotation: rotation({ status: 'RUNNING', state: 'NotifyDnsTeam' }), pendingApprovalId: 'ap-1' },
      'approve',
      /byodkim approve ap-1/,
    ],
    [
      'the rotation polls DNS',
      { rotation: rotation({ status: 'RUNNING', state: 'VerifyDnsRecord' }) },
      'wait-for-dns',
      /byodkim dns check example\.com/,
    ],
    [
      'the rotation waits for SES',
      { rotation: rotation({ status: 'RUNNING', state: 'WaitForSesStatus' }) },
      'wait',
      /at WaitForSesStatus/,
    ],
    ['the last rotation succeeded', { rotation: rotation({ status: 'SUCCEEDED' }) }, 'none', /succeeded/],
    [
      'a task failed with nothing catching it, yesterday',
      { rotation: rotation({}) },
      'fix-and-redrive',
      /byodkim redrive example\.com: it runs VerifyDnsRecord again/,
    ],
    [
      'it ended in a Fail state reached through a Catch',
      { rotation: rotation({ state: 'RotationRolledBack', failState: 'RotationRolledBack' }) },
      'start-anew',
      /ended in RotationRolledBack: .*byodkim start example\.com/,
    ],
    [
      'it stopped more than 14 days ago',
      { rotation: rotation({ stopDate: new Date(NOW.getTime() - 15 * DAY) }) },
      'start-anew',
      /more than 14 days ago.*byodkim start example\.com/,
    ],
    [
      'Step Functions reports it not redrivable',
      { rotation: rotation({ redriveStatus: 'NOT_REDRIVABLE' }) },
      'start-anew',
      /not redrivable/,
    ],
    [
      'the rollback was not confirmed',
      { rotation: rotation({ state: 'RollbackFailed', failState: 'RollbackFailed' }) },
      'restore-signing',
      /Restore SES signing by hand/,
    ],
    [
      'the old record was not confirmed gone',
      { rotation: rotation({ state: 'OldKeyNotRetired', failState: 'OldKeyNotRetired' }) },
      'remove-old-record',
      /byodkim dns check/,
    ],
    [
      'SES signing is disabled, nothing running',
      { rotation: rotation({ status: 'SUCCEEDED' }), signingDisabledIn: ['ap-northeast-1'] },
      'restore-signing',
      /in ap-northeast-1: enable DKIM signing/,
    ],
  ];

  it.each(cases)('when %s', (_situation, facts, action, text) => {
    // WHEN the next step is decided
    const step = nextStep({ domain: 'example.com', now: NOW, ...facts });

    // THEN it has the expected kind and says what to do
    expect(step.action).toBe(action);
    expect(step.text).toMatch(text);
  });
});
