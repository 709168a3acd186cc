/**
 * `npm run bench`: every benchmark in one run, printed as a table (`--json` for tracking).
 * Figures are measurements, never pass/fail thresholds: speed targets do not belong in unit tests.
 */
import { benchBundles } from './bundles';
import { benchDnsVerification } from './dns-verification';
import { benchFleetStatus } from './fleet-status';
import { benchKeyGeneration } from './key-generation';
import { benchLocalRotation } from './local-rotation';
import { benchMonitor } from './monitor';
import { benchPollingSchedule } from './polling-schedule';
import type { BenchRow } from './stats';
import { benchSynth } from './synth';

const BENCHMARKS: ReadonlyArray<readonly [string, () => Promise<BenchRow[]>]> = [
  ['key generation', benchKeyGeneration],
  ['dns verification', benchDnsVerification],
  ['local rotation', benchLocalRotation],
  ['polling schedule', benchPollingSchedule],
  ['monitor', benchMonitor],
  ['fleet status', benchFleetStatus],
  ['bundles', benchBundles],
  ['synth', benchSynth],
];

function formatValue(row: BenchRow): string {
  if (row.unit === 'ratio') return `${row.value.toFixed(2)}×`;
  if (row.unit === 'count') return String(Math.round(row.value));
  return `${row.value.toFixed(1)} ${row.unit}`;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const rows: BenchRow[] = [];
  for (const [name, run] of BENCHMARKS) {
    if (!json) process.stderr.write(`running ${name}...\n`);
    rows.push(...(await run()));
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
    return;
  }
  const width = Math.max(...rows.map((row) => row.metric.length));
  console.log(`Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`${'metric'.padEnd(width)}  value`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(12)}`);
  for (const row of rows)
    console.log(`${row.metric.padEnd(width)}  ${formatValue(row)}${row.note ? `  (${row.note})` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
