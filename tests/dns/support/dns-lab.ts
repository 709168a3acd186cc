import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthoritativeDnsServer,
  type AuthoritativeDnsServerOptions,
} from '../../../local/dns/authoritative-server';
import { renderZoneFile, type ZoneSpec } from '../../../local/dns/zone-writer';
import { queryDns } from '../../../shared/dns/transport';
import type { DnsEndpoint } from '../../../shared/dns/types';

export const KNOTD = '/usr/sbin/knotd';

/**
 * A port free for both TCP and UDP on 127.0.0.1 (Knot listens on both; a port only checked for TCP
 * can be held by some process's UDP client socket).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const udp = createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise((resolve) => server.close(resolve));
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP on 127.0.0.1');
}

/** A scratch directory with zone files, removed by {@link DnsLab.stop}. */
export class DnsLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'byodkim-dns-'));
  private readonly stops: Array<() => Promise<void>> = [];

  /** Writes (or rewrites) a zone file and returns its path. */
  writeZone(file: string, spec: ZoneSpec): string {
    const path = join(this.dir, file);
    writeFileSync(path, renderZoneFile(spec));
    return path;
  }

  /** Starts an in-process authoritative server. */
  async startInProcess(options: AuthoritativeDnsServerOptions): Promise<AuthoritativeDnsServer> {
    const server = new AuthoritativeDnsServer(options);
    await server.start();
    this.stops.push(() => server.stop());
    return server;
  }

  /**
   * Starts Knot DNS on a free port of 127.0.0.1 (retrying when another process takes the port
   * between the check and the bind) and returns where it listens.
   */
  async startKnotOnFreePort(
    name: string,
    zoneFile: string,
    origin: string,
  ): Promise<{ endpoint: DnsEndpoint; stop(): Promise<void> }> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const endpoint = { host: '127.0.0.1', port: await freePort() };
      try {
        return { endpoint, ...(await this.startKnot(`${name}-${attempt}`, zoneFile, origin, endpoint)) };
      } catch (error) {
        lastError = error;
        if (!String((error as Error).message).includes('address already in use')) throw error;
      }
    }
    throw lastError;
  }

  /** Starts Knot DNS serving one zone on host@port and waits until it answers. */
  async startKnot(
    name: string,
    zoneFile: string,
    origin: string,
    listen: DnsEndpoint,
  ): Promise<{ stop(): Promise<void> }> {
    const dir = join(this.dir, `knot-${name}`);
    mkdirSync(join(dir, 'db'), { recursive: true });
    const config = join(dir, 'knot.conf');
    writeFileSync(
      config,
      [
        'server:',
        `    rundir: "${dir}"`,
        `    pidfile: "${dir}/knot.pid"`,
        `    listen: ${listen.host}@${listen.port}`,
        'database:',
        `    storage: "${dir}/db"`,
        'zone:',
        `  - domain: ${origin}`,
        `    file: "${zoneFile}"`,
        '    zonefile-sync: -1',
        '    zonefile-load: whole',
        '    journal-content: none',
        'log:',
        '  - target: stderr',
        '    any: error',
        '',
      ].join('\n'),
    );
    const child: ChildProcess = spawn(KNOTD, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    };
    this.stops.push(stop);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        await queryDns(
          listen,
          { type: 'SOA', name: origin },
          { recursionDesired: false, timeoutMs: 100, retries: 0 },
        );
        return { stop };
      } catch {
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await stop();
    throw new Error(`knotd did not start on ${listen.host}@${listen.port}: ${stderr}`);
  }

  /** Stops every server started here and removes the scratch directory. */
  async stop(): Promise<void> {
    await Promise.all(this.stops.splice(0).map((stop) => stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
