import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthoritativeDnsServer } from '../../local/dns/authoritative-server';
import { renderZoneFile } from '../../local/dns/zone-writer';
import { queryDns } from '../../shared/dns/transport';

describe('AuthoritativeDnsServer start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byodkim-ns-start-'));
  const zoneFile = join(dir, 'example.test.zone');
  writeFileSync(
    zoneFile,
    renderZoneFile({
      origin: 'example.test',
      nameServers: [{ host: 'ns1.example.test', addresses: ['127.0.0.1'] }],
      records: [],
    }),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a fixed port whose UDP half is taken, and lets go of the TCP half it had bound', async () => {
    // GIVEN a UDP socket holding a port (a client's ephemeral port, say)
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as { port: number }).port;
    try {
      // WHEN a server is asked to listen there
      const server = new AuthoritativeDnsServer({ origin: 'example.test', zoneFile, port });
      await expect(server.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // THEN the TCP port is free again (nothing half-started is left behind)
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      holder.close();
    }
  });

  it('with port 0, serves TCP and UDP on one port', async () => {
    const server = new AuthoritativeDnsServer({ origin: 'example.test', zoneFile });
    const endpoint = await server.start();
    try {
      expect(endpoint.port).toBeGreaterThan(0);
      const udp = createSocket('udp4');
      await expect(
        new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(endpoint.port, '127.0.0.1', () => resolve());
        }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      udp.close();
    } finally {
      await server.stop();
    }
  });

  it('by default answers on IPv4 and IPv6 loopback, on one port', async () => {
    const server = new AuthoritativeDnsServer({ origin: 'example.test', zoneFile });
    await server.start();
    try {
      expect(server.endpoints.map((endpoint) => endpoint.host)).toEqual(['127.0.0.1', '::1']);
      for (const endpoint of server.endpoints) {
        const response = await queryDns(
          endpoint,
          { type: 'SOA', name: 'example.test' },
          { recursionDesired: false, timeoutMs: 1000, retries: 1 },
        );
        expect(response).toMatchObject({ flag_aa: true, rcode: 'NOERROR' });
      }
      expect(server.queries.udp).toBe(2);
    } finally {
      await server.stop();
    }
  });
});
