import type { SigningSwitch } from '../../local/ses/identities';
import { unsignedWindowMs } from '../../local/ses/unsigned-window';

const DOMAIN = 'example.jp';

function change(region: string, at: number, settled?: SigningSwitch['settled']): SigningSwitch {
  return {
    region,
    identity: DOMAIN,
    origin: 'EXTERNAL',
    selector: `s${at}`,
    at,
    ...(settled ? { settled } : {}),
  };
}

describe('unsignedWindowMs: how long SES went without a verified key after signing changes', () => {
  it('is 0 when SES was never changed, and ignores other identities', () => {
    const elsewhere = {
      ...change('ap-northeast-1', 0, { status: 'SUCCESS', at: 9_000 }),
      identity: 'other.jp',
    };
    expect(unsignedWindowMs([], DOMAIN, 10_000)).toBe(0);
    expect(unsignedWindowMs([elsewhere], DOMAIN, 10_000)).toBe(0);
  });

  it('takes the longest region, from its change to SUCCESS', () => {
    const switches = [
      change('ap-northeast-1', 1_000, { status: 'SUCCESS', at: 1_400 }),
      change('ap-northeast-3', 2_000, { status: 'SUCCESS', at: 3_500 }),
    ];
    expect(unsignedWindowMs(switches, DOMAIN, 10_000)).toBe(1_500);
  });

  it('keeps one window open through a FAILED key and its rollback until the rollback reaches SUCCESS', () => {
    const switches = [
      change('ap-northeast-1', 1_000, { status: 'FAILED', at: 1_300 }),
      change('ap-northeast-1', 2_000, { status: 'SUCCESS', at: 2_200 }),
    ];
    expect(unsignedWindowMs(switches, DOMAIN, 10_000)).toBe(1_200);
  });

  it('counts a change that never reached SUCCESS until the end of the run', () => {
    const switches = [
      change('ap-northeast-1', 1_000, { status: 'SUCCESS', at: 1_100 }),
      change('ap-northeast-1', 5_000, { status: 'FAILED', at: 6_000 }),
      change('ap-northeast-1', 7_000),
    ];
    expect(unsignedWindowMs(switches, DOMAIN, 10_000)).toBe(5_000);
  });
});
