import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthoritativeDnsServer } from '../local/dns/authoritative-server';
import { renderZoneFile, txtRecord } from '../local/dns/zone-writer';
import { generateDkimKeyPair } from '../shared/dkim/keys';
import { dkimTxtValue } from '../shared/dkim/txt-record';
import { verifyDkimRecord } from '../shared/dns';
import { type BenchRow, median, timeRuns } from './stats';

const LATENCY_MS = 50;
const RUNS = 10;

/**
 * Verification time against 1, 2, 4 and 8 authoritative servers that each add 50 ms of latency
 * (the in-process server's delay option). Queries go out in parallel, so the time should stay
 * near one round trip however many servers the zone has.
 */
export async function benchDnsVerification(): Promise<BenchRow[]> {
  const { publicKey } = await generateDkimKeyPair(2048);
  const dir = mkdtempSync(join(tmpdir(), 'byodkim-bench-dns-'));
  const zoneFile = join(dir, 'bench.zone');
  writeFileSync(
    zoneFile,
    renderZoneFile({
      origin: 'bench.test',
      nameServers: [{ host: 'ns1.bench.test', addresses: ['127.0.0.1'] }],
      records: [txtRecord('bench-1._domainkey.bench.test', dkimTxtValue(publicKey))],
    }),
  );
  const rows: BenchRow[] = [];
  try {
    for (const count of [1, 2, 4, 8]) {
      const servers = Array.from(
        { length: count },
        () => new AuthoritativeDnsServer({ zoneFile, origin: 'bench.test', delayMs: LATENCY_MS }),
      );
      const nameServers = await Promise.all(servers.map((server) => server.start()));
      try {
        const durations = await timeRuns(RUNS, async () => {
          const verdict = await verifyDkimRecord(
            { domain: 'bench.test', selector: 'bench-1', publicKey },
            { nameServers },
          );
          if (!verdict.verified) throw new Error(`bench setup broken: ${verdict.message}`);
        });
        rows.push({
          benchmark: 'dns verification',
          metric: `verify on ${count} server(s), ${LATENCY_MS} ms latency each (median of ${RUNS})`,
          value: median(durations),
          unit: 'ms',
          note: `sequential would be ≥ ${count * LATENCY_MS} ms`,
        });
      } finally {
        await Promise.all(servers.map((server) => server.stop()));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
