/**
 * What a notification is, before it is laid out: a severity, a bilingual subject and body, and
 * language-neutral details (record data, files, links) printed once after the texts, so the two
 * languages can never disagree about what to publish.
 */

/** Heads the subject (`[CRITICAL]`) and is published as the `severity` message attribute. */
export type Severity = 'CRITICAL' | 'WARNING' | 'INFO';
/** The configured `language`: one of the two, or both (Japanese first). */
export type Language = 'ja' | 'en' | 'both';

/** One text in both languages. */
export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

/** A language-neutral block printed once after the texts, under a bilingual label. */
export interface Detail {
  readonly label: Bilingual;
  /** Verbatim text (a record name, a zone-file line, JSON, a URL). */
  readonly text?: string;
  /** Labelled values, one a line (`ドメイン / Domain: example.jp`). */
  readonly rows?: readonly { readonly label: Bilingual; readonly value: string }[];
}

/** A message ready to publish. */
export interface Notification {
  readonly severity: Severity;
  readonly subject: Bilingual;
  readonly body: Bilingual;
  /** Record data, files and links, shown once whatever the language. */
  readonly details?: readonly Detail[];
}
