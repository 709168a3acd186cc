/**
 * The stack at fleet sizes: `ByodkimRotation` synthesized (bundling skipped, as `cdk synth` timing
 * without esbuild) for 1, 100 and 1,000 domains written like infra/config/prod.json (one region,
 * one DNS team and one operators address for all). Prints synth time, template size against
 * CloudFormation's 1 MB limit for a template in S3 ("CloudFormation quotas"), resources against
 * its 500, the gzipped configuration object the custom resource carries, and the largest role's
 * IAM policies (an upper bound: unresolved `Fn::Join` text is longer than the policy IAM stores;
 * a role holds 10,240 characters inline plus 10 managed policies of 6,144 by default).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ByodkimRotation } from '../infra/byodkim-rotation';
import { parseConfig, type RotationConfig } from '../shared/config';
import { CONFIG_RESOURCE_TYPE } from '../tasks/write-config/logic';
import type { BenchRow } from './stats';

const SIZES = [1, 100, 1000] as const;
const prod = JSON.parse(readFileSync(join(__dirname, '../infra/config/prod.json'), 'utf8'));

function fleetConfig(count: number): RotationConfig {
  return parseConfig({
    ...prod,
    domains: Array.from({ length: count }, (_, i) => ({ ...prod.domains[0], domain: `mail${i}.example.jp` })),
  });
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Characters of the policies attached to each role (inline and overflow managed), by role id. */
function policyCharsByRole(
  resources: Record<string, Resource>,
): Map<string, { chars: number; managed: number }> {
  const byRole = new Map<string, { chars: number; managed: number }>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.Roles ?? []) as Array<{ Ref?: string }>;
    const chars = JSON.stringify(resource.Properties?.PolicyDocument ?? {}).length;
    for (const role of roles) {
      const id = role.Ref ?? '?';
      const entry = byRole.get(id) ?? { chars: 0, managed: 0 };
      entry.chars += chars;
      if (resource.Type === 'AWS::IAM::ManagedPolicy') entry.managed += 1;
      byRole.set(id, entry);
    }
  }
  return byRole;
}

/** Synth figures for each fleet size. */
export async function benchSynth(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (metric: string, value: number, unit: string, note?: string) =>
    rows.push({ benchmark: 'synth', metric, value, unit, ...(note ? { note } : {}) });
  for (const count of SIZES) {
    const config = fleetConfig(count);
    const started = performance.now();
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), `Fleet${count}`);
    // Past 50 identities a stack must grant identity/* per region (infra/ses-identity-scope.ts).
    new ByodkimRotation(stack, 'Rotation', {
      config,
      sesIdentityScope: count > 50 ? 'regions' : 'identities',
    });
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
    const synthMs = performance.now() - started;
    const text = JSON.stringify(template);
    const written = Object.values(template.Resources).find(
      (resource) => resource.Type === CONFIG_RESOURCE_TYPE,
    );
    const roles = [...policyCharsByRole(template.Resources).values()];
    const largest = roles.reduce((max, role) => (role.chars > max.chars ? role : max), {
      chars: 0,
      managed: 0,
    });
    row(`synth ${count} domains`, synthMs, 'ms', 'construct + Template.fromStack, bundling skipped');
    row(
      `template ${count} domains`,
      Buffer.byteLength(text) / 1024,
      'KiB',
      'compact JSON; CloudFormation allows 1 MB from S3',
    );
    row(
      `resources ${count} domains`,
      Object.keys(template.Resources).length,
      'count',
      'CloudFormation allows 500',
    );
    row(
      `config object ${count} domains`,
      Buffer.byteLength(String(written?.Properties?.BodyGzipBase64 ?? '')) / 1024,
      'KiB',
      'gzip + base64 in the template',
    );
    row(
      `largest role policies ${count} domains`,
      largest.chars,
      'count',
      `characters, upper bound; ${largest.managed} overflow managed policies`,
    );
  }
  return rows;
}
