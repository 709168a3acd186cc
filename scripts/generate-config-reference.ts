#!/usr/bin/env node
/**
 * Generates docs/configuration.md from the one configuration schema (shared/config/):
 * `npx tsx scripts/generate-config-reference.ts` (writes the file) or `--check` (exit 1 when stale).
 *
 * Types, allowed values and defaults come from `z.toJSONSchema(RotationConfigSchema)`; descriptions
 * and the `allowed` text of fields JSON Schema cannot express (refinements, transforms) from each
 * field's `.describe()` / `.meta()`. The worked example is infra/config/prod.json with its defaults
 * applied by `parseConfig`, and the error example is what `parseConfig` really prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseConfig, RotationConfigSchema } from '../shared/config';

/** The file this script writes. */
export const CONFIG_REFERENCE_PATH = path.join(__dirname, '..', 'docs', 'configuration.md');
/** How to refresh it. */
export const REFRESH_COMMAND = 'npx tsx scripts/generate-config-reference.ts';

const EXAMPLE_PATH = 'infra/config/prod.json';

/** The part of a JSON Schema node this generator reads. */
interface JsonSchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly allowed?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly items?: JsonSchemaNode;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
}

/** One row of a settings table. */
interface Row {
  readonly field: string;
  readonly allowed: string;
  readonly defaultValue: string;
  readonly description: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function allowedOf(node: JsonSchemaNode): string {
  if (node.allowed !== undefined) return node.allowed;
  if (node.enum !== undefined) return node.enum.map((value) => code(JSON.stringify(value))).join(', ');
  const options = node.anyOf ?? [];
  if (options.length > 0 && options.every((option) => option.const !== undefined)) {
    return `one of ${options.map((option) => String(option.const)).join(', ')}`;
  }
  const range =
    node.minimum !== undefined && node.maximum !== undefined
      ? ` from ${node.minimum} to ${node.maximum}`
      : '';
  switch (node.type) {
    case 'integer':
      return `whole number${range}`;
    case 'number':
      return `number${range}`;
    case 'string':
      return node.pattern === undefined ? 'string' : `string matching ${code(node.pattern)}`;
    case 'array': {
      const items = node.items;
      const what =
        items?.format === 'email'
          ? 'e-mail addresses'
          : items?.type === 'object'
            ? 'settings objects (table below)'
            : items
              ? allowedOf(items)
              : 'values';
      const atLeast = node.minItems === undefined ? '' : `, at least ${node.minItems}`;
      return `list of ${what}${atLeast}`;
    }
    case 'object':
      return 'object (table below)';
    default:
      return 'see description';
  }
}

function defaultOf(node: JsonSchemaNode, required: boolean): string {
  if (node.default !== undefined) {
    if (node.type === 'object') return 'every field at its default';
    return code(JSON.stringify(node.default));
  }
  return required ? '**required**' : 'none (optional)';
}

function rowsOf(node: JsonSchemaNode, prefix: string, expand: (name: string) => boolean): Row[] {
  const rows: Row[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const field = `${prefix}${name}`;
    if (child.type === 'object' && expand(name)) continue;
    rows.push({
      field,
      allowed: allowedOf(child),
      defaultValue: defaultOf(child, node.required?.includes(name) ?? false),
      description: child.description ?? '',
    });
  }
  return rows;
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| Field | Type / allowed values | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${code(row.field)} | ${cell(row.allowed)} | ${cell(row.defaultValue)} | ${cell(row.description)} |`,
    ),
  ];
  return lines.join('\n');
}

function exampleError(): string {
  const bad = JSON.parse(readFileSync(path.join(__dirname, '..', EXAMPLE_PATH), 'utf8')) as {
    schedule: { expression: string };
    domains: Record<string, unknown>[];
  };
  bad.schedule.expression = '0 0 * * *';
  const domain = bad.domains[0] ?? {};
  domain.keyLength = 4096;
  domain.rotatonMode = 'MANUAL';
  try {
    parseConfig(bad, EXAMPLE_PATH);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the deliberately broken example was accepted: update exampleError()');
}

/** The whole of docs/configuration.md. */
export function renderConfigReference(): string {
  const schema = z.toJSONSchema(RotationConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchemaNode;
  const props = schema.properties ?? {};
  const nested = ['schedule', 'dnsVerification', 'sesConfirmation', 'healthChecks', 'sendingHealth'];
  const domainNode = props.domains?.items ?? {};
  const section = (name: string, title: string, intro: string) => {
    const node = props[name] ?? {};
    return [
      `### ${title}`,
      '',
      `${node.description ?? ''} ${intro}`.trim(),
      '',
      table(rowsOf(node, `${name}.`, () => false)),
    ];
  };
  // A section whose objects are expanded in place (`sendingHealth.bounceRate.critical`).
  const deepRows = (node: JsonSchemaNode, prefix: string): Row[] => [
    ...rowsOf(node, prefix, (child) => node.properties?.[child]?.properties !== undefined),
    ...Object.entries(node.properties ?? {})
      .filter(([, child]) => child.properties !== undefined)
      .flatMap(([child, childNode]) => deepRows(childNode, `${prefix}${child}.`)),
  ];
  const exampleText = readFileSync(path.join(__dirname, '..', EXAMPLE_PATH), 'utf8').trimEnd();
  const effective = parseConfig(JSON.parse(exampleText), EXAMPLE_PATH);

  const parts = [
    '# Configuration reference',
    '',
    `<!-- Generated from shared/config/ by \`${REFRESH_COMMAND}\`. Do not edit by hand: change the`,
    "     schema's .describe()/.meta() text and regenerate; tests/unit/config-reference.test.ts fails when stale. -->",
    '',
    'One JSON file per stage, `infra/config/<stage>.json`, validated by one schema',
    '(`RotationConfigSchema` in `shared/config/`). `infra/app.ts` loads the file of the stage named by',
    '`-c stage=<stage>` (default `prod`) with `loadConfig`, so a bad value fails `cdk synth` before',
    'anything is deployed; the `ByodkimRotation` construct validates the same schema again',
    '(`validateByodkimRotationProps` in `infra/byodkim-rotation-props.ts`). Unknown keys are errors (every',
    'object is strict), so a misspelt setting cannot be silently ignored. Every timing the product',
    'uses is here and nowhere else.',
    '',
    'The whole configuration, defaults written out, is deployed as one S3 object in the key-store',
    'bucket, `config/rotation-config-<hash>.json` (`infra/deployed-config.ts`): a custom resource',
    '(`Custom::RotationConfig`, function `<namePrefix>-ConfigWriter`, allowed only s3:PutObject on',
    '`config/*`) writes it at deployment, and PrepareRotation and the monitor read it once per',
    'container (the key is in their `CONFIG_OBJECT_KEY`; the hash changes with the content, so a',
    'deployment that changes the configuration reaches every new container). No Lambda environment',
    'holds the domains any more: 1,000 domains synthesize (`npm run bench` times it). What bounds a',
    'stack now is SNS routing (an address receives every domain, at most 150, or all but 150:',
    '`infra/notification-routing.ts`) and the IAM policy size of the roles that name each SES',
    'identity ([deployment.md](deployment.md#how-many-domains-a-stack-holds)).',
    '',
    '## Global settings',
    '',
    table(rowsOf(schema, '', (name) => nested.includes(name))),
    '',
    ...section('schedule', '`schedule`', 'Created in `infra/rotation-monitor.ts`.'),
    '',
    ...section(
      'dnsVerification',
      '`dnsVerification`',
      'The Retry rule on `DnsRecordNotFound`, `DnsRecordMismatch` and `DnsLookupFailed`, full jitter.',
    ),
    '',
    ...section(
      'sesConfirmation',
      '`sesConfirmation`',
      "The Wait loops WaitForSesStatus and WaitForRollbackStatus: each poll's task returns the next pause, drawn between half and all of its cap (`shared/rotation/poll-schedule.ts`); travels in the execution's `$.plan`.",
    ),
    '',
    ...section('healthChecks', '`healthChecks`', ''),
    '',
    '### `sendingHealth`',
    '',
    `${props.sendingHealth?.description ?? ''} Rates are fractions (0.05 is 5 %), as SES publishes them; each rate's thresholds must fall from critical to warning to info. Created in \`infra/monitoring/sending-health-alarms.ts\`.`,
    '',
    table(deepRows(props.sendingHealth ?? {}, 'sendingHealth.')),
    '',
    '## Per domain (`domains[]`)',
    '',
    table(rowsOf(domainNode, '', () => false)),
    '',
    '## Rules across fields',
    '',
    'Checked once every field of the domain is valid on its own (a file with other problems reports those first):',
    '',
    '- `renewalAlertDays` must be less than `certificateValidityDays` (or every day would be an alert).',
    '- `hostedZoneId` is required when `rotationMode` is `AUTO`.',
    '- A domain may be listed once (compared after normalisation: `Mail.Example.JP.` is `mail.example.jp`).',
    "- Per-domain timings (`reminderAfterHours`, `retentionDays`) travel in the execution's state",
    '  (`$.plan`); the polling schedules are global: `dnsVerification` is a Step Functions Retry, which',
    '  cannot read state, and `sesConfirmation` is copied into every plan from the one global setting.',
    '',
    `## Worked example: \`${EXAMPLE_PATH}\``,
    '',
    "Our users' production values: 456-day certificates, a rotation 16 days before expiry, MANUAL",
    '(the DNS team approves), the monitor at 09:00 Tokyo time.',
    '',
    '```json',
    exampleText,
    '```',
    '',
    'With the defaults applied (what the stack and the tasks see, `parseConfig`):',
    '',
    '```json',
    JSON.stringify(effective, null, 2),
    '```',
    '',
    '## How errors read',
    '',
    'Every problem is reported at once, one line each: the path of the field, the value found and',
    'what is allowed. For example, the file above with a UTC-style cron, a 4096-bit key and a',
    'misspelt key fails `npx cdk synth -c stage=prod` (and `npm run synth`) with:',
    '',
    '```',
    exampleError(),
    '```',
    '',
    'The message is an `InvalidInput` error (`shared/errors.ts`); the construct reports the same',
    'problems under `props.config` when it is given an object that was not parsed.',
    '',
  ];
  return parts.join('\n');
}

if (require.main === module) {
  const rendered = renderConfigReference();
  if (process.argv.includes('--check')) {
    const current = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    if (current !== rendered) {
      console.error(`docs/configuration.md is stale: run ${REFRESH_COMMAND}`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(CONFIG_REFERENCE_PATH, rendered);
    console.log(`wrote ${path.relative(process.cwd(), CONFIG_REFERENCE_PATH)}`);
  }
}
