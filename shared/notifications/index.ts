/**
 * Notification texts (日本語 / English) and their delivery through SNS.
 *
 * One template family serves every message of a rotation: the DNS request and its reminders, the
 * success notice, the retirement request ("please revoke/remove the old record"), the abandonment
 * notice, the failure/rollback messages and, in AUTO mode, the Route 53 change notices. Each
 * template (`templates/`, one file each) is a pure function from typed input to a
 * {@link Notification} (`model.ts`); {@link render} (`render.ts`) lays it out in the configured
 * language(s), Japanese first, with a severity (CRITICAL / WARNING / INFO) at the head of the
 * subject as our users' operators expect; {@link publish} (`publish.ts`) sends it to SNS. Record
 * data (names, values, JSON) is language-neutral and is printed once, after the texts, so the two
 * languages can never disagree about what to publish. Instants are shown by `time-format.ts`;
 * lines several templates share are in `common-lines.ts` and `confirmation-text.ts`.
 *
 * No text ever contains a private key or a task token: the templates take public record data and
 * the approval link, which carries only an opaque id, an expiry and an HMAC.
 *
 * Code in this repository imports the module it needs (so a reader sees which job it uses); this
 * index is the folder's public API, as its tests use it.
 */
export * from './common-lines';
export * from './confirmation-text';
export * from './model';
export * from './publish';
export * from './render';
export * from './templates/abandoned';
export * from './templates/dns-request';
export * from './templates/failure';
export * from './templates/retirement';
export * from './templates/route53-change';
export * from './templates/success';
export * from './time-format';
