import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../infra/app';
import { type BenchRow, median } from './stats';

const LOADS = 5;

/**
 * Each Lambda bundle as `cdk synth` builds it (esbuild, minified): size of index.js, and the cold
 * module load time (a fresh Node process requiring the bundle, median of 5) — the part of a cold
 * start that is ours. The handlers build their clients lazily, so loading touches no network.
 */
export async function benchBundles(): Promise<BenchRow[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'byodkim-bench-synth-'));
  try {
    const started = Date.now();
    const { app, stack } = createApp({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const assembly = app.synth();
    const synthMs = Date.now() - started;
    const template = assembly.getStackByName(stack.stackName).template as {
      Resources: Record<
        string,
        { Type: string; Properties?: { FunctionName?: string }; Metadata?: Record<string, string> }
      >;
    };
    const rows: BenchRow[] = [
      {
        benchmark: 'bundles',
        metric: 'synth with bundling (prod config, 15 functions)',
        value: synthMs,
        unit: 'ms',
      },
    ];
    const functions = Object.values(template.Resources)
      .filter(
        (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'],
      )
      .map((resource) => ({
        name:
          String(resource.Properties?.FunctionName ?? '?')
            .split('-')
            .pop() ?? '?',
        bundle: join(outdir, resource.Metadata?.['aws:asset:path'] ?? '', 'index.js'),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const fn of functions) {
      const loads: number[] = [];
      for (let run = 0; run < LOADS; run += 1) {
        const output = execFileSync(
          process.execPath,
          [
            '-e',
            `const t=process.hrtime.bigint();require(${JSON.stringify(fn.bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`,
          ],
          { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_REGION: 'ap-northeast-1' } },
        );
        loads.push(Number(output.toString()));
      }
      rows.push({
        benchmark: 'bundles',
        metric: `${fn.name}: bundle size / cold module load (median of ${LOADS})`,
        value: statSync(fn.bundle).size / 1024,
        unit: 'KiB',
        note: `load ${median(loads).toFixed(0)} ms`,
      });
    }
    return rows;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
