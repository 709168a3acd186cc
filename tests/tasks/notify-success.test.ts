import { silentLogger } from '../../shared/rotation/runtime';
import { notifySuccess } from '../../tasks/notify-success/logic';
import { DNS_TOPIC, FakeSns, fixedClock, OPS_TOPIC } from './support/fakes';
import { state } from './support/rotation';

describe('NotifySuccess', () => {
  let sns: FakeSns;
  const deps = () => ({
    operators: sns.topic(OPS_TOPIC),
    dnsTeam: sns.topic(DNS_TOPIC),
    clock: fixedClock(),
    logger: silentLogger,
  });
  beforeEach(() => {
    sns = new FakeSns();
  });
  afterEach(() => sns.restore());

  it('tells both teams, in Japanese and English, how long SES took in each region', async () => {
    // GIVEN ConfirmSesStatus saw ap-northeast-1 at SUCCESS on its first poll (4 s after the
    // switch) and ap-northeast-3 PENDING at 1 min 5 s, SUCCESS at 1 min 40 s
    const confirmed = state(
      {
        confirmation: {
          pending: false,
          polls: 5,
          firstPollAt: '2026-11-20T00:30:04.000Z',
          confirmedAt: '2026-11-20T00:31:40.000Z',
          regions: [
            { region: 'ap-northeast-1', status: 'SUCCESS', confirmedAt: 'x', secondsAfterApply: 4 },
            {
              region: 'ap-northeast-3',
              status: 'SUCCESS',
              confirmedAt: 'y',
              pendingSecondsAfterApply: 65,
              secondsAfterApply: 100,
            },
          ],
        },
      },
      { regions: ['ap-northeast-1', 'ap-northeast-3'] },
    );

    // WHEN NotifySuccess runs
    await notifySuccess(confirmed, deps());

    // THEN both notices carry the per-region figures in both languages
    for (const topic of [OPS_TOPIC, DNS_TOPIC]) {
      const message = sns.to(topic)[0]?.Message ?? '';
      expect(message).toContain('- ap-northeast-1: 4 秒以内 (最初の確認で SUCCESS)');
      expect(message).toContain('- ap-northeast-3: 1 分 5 秒〜1 分 40 秒');
      expect(message).toContain('- ap-northeast-1: at most 4 s (SUCCESS at the first check)');
      expect(message).toContain('- ap-northeast-3: between 1 min 5 s and 1 min 40 s');
      expect(message).toContain('mail may have gone out without a DKIM signature');
    }
  });

  it('says nothing about timing for an execution that measured none', async () => {
    await notifySuccess(state(), deps());
    expect(sns.to(OPS_TOPIC)[0]?.Message).not.toContain('How long SES took');
  });
});
