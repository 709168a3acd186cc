/**
 * Instants as the notices and the approval page show them: Japan time and UTC, built by hand so
 * the text is the same on every runtime (no locale data needed).
 */
import type { Bilingual } from './model';

/** The time zone deadlines are shown in besides UTC (our users work in Japan; no DST). */
export const DISPLAY_TIME_ZONE = 'Asia/Tokyo';
const JST_OFFSET_MS = 9 * 3600_000;
const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-23 03:00 UTC`. */
export function formatUtc(at: Date): string {
  return `${at.getUTCFullYear()}-${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())} UTC`;
}

/**
 * An instant in Japan time and UTC: `2026年11月23日(月) 12:00 (日本時間) / 2026-11-23 03:00 UTC` and
 * `Mon 23 Nov 2026, 12:00 JST (2026-11-23 03:00 UTC)`. Deterministic (no locale data needed).
 */
export function formatInstant(at: Date): Bilingual {
  const jst = new Date(at.getTime() + JST_OFFSET_MS);
  const y = jst.getUTCFullYear();
  const m = jst.getUTCMonth();
  const d = jst.getUTCDate();
  const day = jst.getUTCDay();
  const time = `${two(jst.getUTCHours())}:${two(jst.getUTCMinutes())}`;
  return {
    ja: `${y}年${m + 1}月${d}日(${WEEKDAYS_JA[day]}) ${time} (日本時間) / ${formatUtc(at)}`,
    en: `${WEEKDAYS_EN[day]} ${d} ${MONTHS_EN[m]} ${y}, ${time} JST (${formatUtc(at)})`,
  };
}
