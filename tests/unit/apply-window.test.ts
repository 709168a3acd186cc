import {
  applySchedule,
  isInApplyWindow,
  nextApplyWindowOpening,
  waitTimestamp,
} from '../../shared/rotation/apply-window';

const TOKYO_NIGHT = { start: '02:00', end: '04:00', timeZone: 'Asia/Tokyo' };
const ACROSS_MIDNIGHT = { start: '23:00', end: '01:30', timeZone: 'Asia/Tokyo' };

describe('apply window', () => {
  it('is open from the start minute up to, not including, the end minute, on the zone wall clock', () => {
    // 02:00 JST is 17:00 UTC the day before.
    expect(isInApplyWindow(new Date('2026-12-03T16:59:59Z'), TOKYO_NIGHT)).toBe(false);
    expect(isInApplyWindow(new Date('2026-12-03T17:00:00Z'), TOKYO_NIGHT)).toBe(true);
    expect(isInApplyWindow(new Date('2026-12-03T18:59:59Z'), TOKYO_NIGHT)).toBe(true);
    expect(isInApplyWindow(new Date('2026-12-03T19:00:00Z'), TOKYO_NIGHT)).toBe(false);
  });

  it('crosses midnight when the end comes before the start', () => {
    expect(isInApplyWindow(new Date('2026-12-03T14:30:00Z'), ACROSS_MIDNIGHT)).toBe(true); // 23:30 JST
    expect(isInApplyWindow(new Date('2026-12-03T16:00:00Z'), ACROSS_MIDNIGHT)).toBe(true); // 01:00 JST
    expect(isInApplyWindow(new Date('2026-12-03T16:30:00Z'), ACROSS_MIDNIGHT)).toBe(false); // 01:30 JST
    expect(isInApplyWindow(new Date('2026-12-03T13:59:00Z'), ACROSS_MIDNIGHT)).toBe(false); // 22:59 JST
  });

  it("opens next today when today's opening is still ahead, else tomorrow", () => {
    // 12:00 JST on 3 Dec: the next 02:00 JST is on 4 Dec.
    expect(nextApplyWindowOpening(new Date('2026-12-03T03:00:00Z'), TOKYO_NIGHT).toISOString()).toBe(
      '2026-12-03T17:00:00.000Z',
    );
    // 01:00 JST on 4 Dec: the opening the same night, an hour later.
    expect(nextApplyWindowOpening(new Date('2026-12-03T16:00:00Z'), TOKYO_NIGHT).toISOString()).toBe(
      '2026-12-03T17:00:00.000Z',
    );
  });

  it('opens right after the gap when the start time does not exist that day (daylight saving time)', () => {
    const newYork = { start: '02:30', end: '04:00', timeZone: 'America/New_York' };
    // 8 Mar 2026: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist, the window opens
    // at 03:30 EDT (07:30 UTC), an hour after 02:30 EST would have been.
    const opening = nextApplyWindowOpening(new Date('2026-03-08T05:00:00Z'), newYork);
    expect(opening.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(isInApplyWindow(opening, newYork)).toBe(true);
    // The day after, 02:30 EDT is 06:30 UTC.
    expect(nextApplyWindowOpening(new Date('2026-03-08T09:00:00Z'), newYork).toISOString()).toBe(
      '2026-03-09T06:30:00.000Z',
    );
  });

  it('applies now without a window or inside it, and waits for the opening outside it', () => {
    const inside = new Date('2026-12-03T17:30:00Z');
    const outside = new Date('2026-12-03T05:00:00Z');
    expect(applySchedule(outside, undefined)).toEqual({ kind: 'now', applyAt: outside });
    expect(applySchedule(inside, TOKYO_NIGHT)).toEqual({ kind: 'now', applyAt: inside });
    expect(applySchedule(outside, TOKYO_NIGHT)).toEqual({
      kind: 'wait',
      applyAt: new Date('2026-12-03T17:00:00Z'),
    });
  });

  it("writes the Wait state's timestamp as Step Functions requires: UTC, upper-case T and Z, whole seconds", () => {
    expect(waitTimestamp(new Date('2026-12-03T17:00:00.987Z'))).toBe('2026-12-03T17:00:00Z');
  });
});
