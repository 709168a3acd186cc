/**
 * The notices' words for what the SES polling loops measured and found: how long SES took per
 * region (NotifySuccess), and the records a rollback that SES cannot verify needs (NotifyFailure).
 * Pure; every value that came from SES or DNS is made printable again here.
 */
import { zoneFileLine } from '../dkim/txt-record';
import type { RecordToPublish, RegionConfirmation } from '../rotation/state';
import { printable } from '../sanitise';
import type { Bilingual } from './model';

/** `42 s` / `42 秒`, `3 min 5 s` / `3 分 5 秒`, `2 h 10 min` / `2 時間 10 分`. */
export function formatDuration(seconds: number): Bilingual {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return { ja: `${h} 時間 ${m} 分`, en: `${h} h ${m} min` };
  if (m > 0) return { ja: `${m} 分 ${s} 秒`, en: `${m} min ${s} s` };
  return { ja: `${s} 秒`, en: `${s} s` };
}

/**
 * One line per region: how long after the switch SES reported SUCCESS. The polls bracket it: SES
 * took more than the last poll that still saw PENDING and at most the first that saw SUCCESS.
 * Undefined when nothing was measured (an execution that predates the measurement).
 */
export function sesTimingLines(regions: readonly RegionConfirmation[] | undefined): Bilingual | undefined {
  const measured = (regions ?? []).filter((region) => region.secondsAfterApply !== undefined);
  if (measured.length === 0) return undefined;
  const ja: string[] = [];
  const en: string[] = [];
  for (const region of measured) {
    const name = printable(region.region, 40);
    const upper = formatDuration(region.secondsAfterApply ?? 0);
    if (region.pendingSecondsAfterApply === undefined) {
      ja.push(`- ${name}: ${upper.ja}以内 (最初の確認で SUCCESS)`);
      en.push(`- ${name}: at most ${upper.en} (SUCCESS at the first check)`);
    } else {
      const lower = formatDuration(region.pendingSecondsAfterApply);
      ja.push(`- ${name}: ${lower.ja}〜${upper.ja}`);
      en.push(`- ${name}: between ${lower.en} and ${upper.en}`);
    }
  }
  return {
    ja: [
      'SES が新しい鍵の検証を終えるまでの時間 (切り替えから SUCCESS まで。この間 (PENDING 中) のメールは DKIM 署名なしで送られた可能性があります):',
      ...ja,
    ].join('\n'),
    en: [
      'How long SES took to verify the new key (from the switch to SUCCESS; while it was PENDING, mail may have gone out without a DKIM signature):',
      ...en,
    ].join('\n'),
  };
}

/** The records as zone-file lines, one a line, each with the regions that need it. */
export function recordsAsZoneFile(records: readonly RecordToPublish[]): string {
  return records
    .map((record) => {
      const regions = `; SES ${record.regions.map((region) => printable(region, 40)).join(', ')}`;
      const line =
        record.type === 'TXT'
          ? zoneFileLine(printable(record.name, 255), printable(record.value, 2000))
          : `${printable(record.name, 255).replace(/\.?$/, '.')} 3600 IN CNAME ${printable(record.value, 255).replace(/\.?$/, '.')}`;
      return `${regions}\n${line}`;
    })
    .join('\n');
}
