import { execFileSync } from 'node:child_process';
import { createDkimCertificate } from '../shared/dkim/certificate';
import { generateDkimKeyPair } from '../shared/dkim/keys';
import { type BenchRow, median, timeRuns } from './stats';

const RUNS = 20;

/**
 * RSA-2048 key + self-signed certificate generation (what GenerateKey does), median of 20, beside
 * `openssl genrsa 2048` timed in the same run. RSA generation time varies a lot from key to key
 * (prime search), hence medians of many runs.
 */
export async function benchKeyGeneration(): Promise<BenchRow[]> {
  const ours = await timeRuns(RUNS, async () => {
    const keyPair = await generateDkimKeyPair(2048);
    await createDkimCertificate({
      keyPair,
      domain: 'bench.example.jp',
      selector: 'bench-20261123-1',
      now: new Date(),
    });
  });
  const keyOnly = await timeRuns(RUNS, () => generateDkimKeyPair(2048));
  const openssl = await timeRuns(RUNS, () =>
    execFileSync('openssl', ['genrsa', '2048'], { stdio: ['ignore', 'ignore', 'ignore'] }),
  );
  const oursMedian = median(ours);
  const opensslMedian = median(openssl);
  return [
    {
      benchmark: 'key generation',
      metric: 'RSA-2048 key + certificate (median of 20)',
      value: oursMedian,
      unit: 'ms',
    },
    {
      benchmark: 'key generation',
      metric: 'RSA-2048 key only (median of 20)',
      value: median(keyOnly),
      unit: 'ms',
    },
    {
      benchmark: 'key generation',
      metric: 'openssl genrsa 2048 (median of 20, incl. process start)',
      value: opensslMedian,
      unit: 'ms',
    },
    {
      benchmark: 'key generation',
      metric: 'ours / openssl',
      value: oursMedian / opensslMedian,
      unit: 'ratio',
    },
  ];
}
