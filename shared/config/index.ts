/**
 * The one configuration schema: global settings and one entry per domain, with their defaults.
 *
 * Every timing the product uses (alert lead time, certificate validity, reminders, retention,
 * retry schedules, health-check thresholds) is defined here and nowhere else. The CDK app
 * validates the config at synth time, so a bad value fails the build with a message that names the
 * field, the value and what is allowed.
 *
 * Each field's `.describe()` / `.meta({ description, allowed })` is its documentation:
 * docs/configuration.md is generated from this schema (`npx tsx scripts/generate-config-reference.ts`)
 * and tests/unit/config-reference.test.ts fails when it is stale. Metadata never changes validation.
 *
 * This file is the public API; the parts are in files of their own: ./fields.ts (reusable field
 * schemas), ./domain-schema.ts (one domain), ./rotation-schema.ts (the whole file and its history
 * budget), ./issues.ts (error lines), ./load.ts (parse, load, find a domain).
 */
export { type DomainConfig, DomainConfigSchema } from './domain-schema';
export { ApplyWindowSchema, AwsRegionSchema } from './fields';
export { describeIssues } from './issues';
export { findDomainConfig, loadConfig, parseConfig } from './load';
export {
  LOG_RETENTION_DAYS,
  type RotationConfig,
  type RotationConfigInput,
  RotationConfigSchema,
} from './rotation-schema';
