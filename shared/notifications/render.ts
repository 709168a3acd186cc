/**
 * Lays a {@link Notification} out as an SNS subject and message in the configured language(s),
 * Japanese first, with the severity (CRITICAL / WARNING / INFO) at the head of the subject as our
 * users' operators expect. Pure.
 */
import type { Bilingual, Language, Notification } from './model';

/** SNS e-mail subjects must be shorter than 100 characters. */
const MAX_SUBJECT_CHARS = 99;
const RULE = '----------------------------------------';

/** Joins the given lines, skipping `false` and `undefined` (optional parts of a template). */
export const lines = (...parts: (string | false | undefined)[]) =>
  parts.filter((part): part is string => typeof part === 'string').join('\n');

function pick(text: Bilingual, language: Language): string[] {
  return language === 'ja' ? [text.ja] : language === 'en' ? [text.en] : [text.ja, text.en];
}

function label(text: Bilingual, language: Language): string {
  return [...new Set(pick(text, language))].join(' / ');
}

/**
 * Renders subject and body in the configured language(s): Japanese first. The subject always
 * starts with `[SEVERITY]` and is cut to SNS's limit (the Japanese part comes first, so it stays).
 */
export function render(notification: Notification, language: Language): { subject: string; message: string } {
  const head = `[${notification.severity}] `;
  let subject = head + label(notification.subject, language);
  if (subject.length > MAX_SUBJECT_CHARS) subject = `${subject.slice(0, MAX_SUBJECT_CHARS - 3)}...`;
  const parts = pick(notification.body, language);
  if (language === 'both')
    parts[0] = `(日本語の後に英語が続きます / English follows Japanese.)\n\n${parts[0]}`;
  const details = notification.details ?? [];
  if (details.length > 0) {
    parts.push(
      details
        .map((detail) =>
          lines(
            `■ ${label(detail.label, language)}`,
            ...(detail.rows ?? []).map((row) => `${label(row.label, language)}: ${row.value}`),
            detail.text,
          ),
        )
        .join('\n\n'),
    );
  }
  return { subject: subject.replace(/[\r\n]+/g, ' '), message: parts.join(`\n\n${RULE}\n\n`) };
}
