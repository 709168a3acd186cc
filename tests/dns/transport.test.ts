/**
 * The DNS client against hostile or broken servers, with real packets on loopback: a datagram from
 * another port, a TCP server that hangs up, many servers at once, an oversized NS set.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { DiscoveryError, findZoneServers, type ResolverQuery } from '../../shared/dns/discovery';
import {
  DNS_QUERY_CONCURRENCY,
  MAX_NAME_SERVER_ADDRESSES,
  MAX_NAME_SERVER_HOSTS,
} from '../../shared/dns/limits';
import { type DnsResponse, DnsTransportError, queryDns } from '../../shared/dns/transport';

const NAME = 's1._domainkey.example.test';
const QUESTION = { type: 'TXT', name: NAME } as const;
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A UDP socket on 127.0.0.1 that hands each query to `onQuery`. */
async function udpServer(
  onQuery: (query: dnsPacket.DecodedPacket, from: RemoteInfo, socket: Socket) => void,
) {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => onQuery(dnsPacket.decode(message), from, socket));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return { socket, port: socket.address().port };
}

/** The answer to `query` holding one TXT string, flagged truncated when `truncated`. */
function answer(query: dnsPacket.DecodedPacket, text: string, truncated = false): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0),
    questions: query.questions,
    answers: truncated ? [] : [{ type: 'TXT', name: NAME, ttl: 60, data: text }],
  });
}

const textOf = (response: DnsResponse) =>
  (response.answers ?? []).flatMap((record) =>
    record.type === 'TXT' ? [Buffer.concat(record.data as Buffer[]).toString()] : [],
  );

describe('the DNS client', () => {
  it('ignores an answer from another port, even with our id and question, and takes the server’s own', async () => {
    // GIVEN a spoofer on another port that answers first with the right id and question, and the
    // server that answers a little later
    const spoofer = createSocket('udp4');
    await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => spoofer.close(() => resolve())));
    const server = await udpServer((query, from, socket) => {
      spoofer.send(answer(query, 'v=DKIM1; p=SPOOFED'), from.port, from.address);
      setTimeout(() => socket.send(answer(query, 'v=DKIM1; p=REAL'), from.port, from.address), 50);
    });

    // WHEN the client asks the server
    const response = await queryDns({ host: '127.0.0.1', port: server.port }, QUESTION, {
      recursionDesired: false,
      timeoutMs: 2000,
      retries: 0,
    });

    // THEN it believed only the server
    expect(textOf(response)).toEqual(['v=DKIM1; p=REAL']);
  });

  it('rejects, never crashes, when the UDP socket cannot connect (the name does not resolve)', async () => {
    // GIVEN a server name that cannot resolve (.invalid is reserved): connect calls back with the
    // error and leaves the socket unconnected, where a send would throw outside the promise
    const error = await queryDns({ host: 'no-such-host.invalid', port: 53 }, QUESTION, {
      recursionDesired: false,
      timeoutMs: 3000,
      retries: 0,
    }).catch((caught: unknown) => caught);

    // THEN the query fails as a transport error naming the cause
    expect(error).toBeInstanceOf(DnsTransportError);
    expect((error as Error).message).toMatch(/UDP connect failed: .*no-such-host\.invalid/);
  });

  it('fails as soon as a TCP server closes without a whole answer, not at the timeout', async () => {
    // GIVEN a server whose UDP answer is truncated and whose TCP side hangs up after two octets
    const connections = new Set<TcpSocket>();
    const tcp: Server = createServer((connection) => {
      connections.add(connection);
      connection.end(Buffer.from([0x00, 0x40]));
    });
    const udp = await udpServer((query, from, socket) =>
      socket.send(answer(query, '', true), from.port, from.address),
    );
    await new Promise<void>((resolve) => tcp.listen(udp.port, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise((resolve) => {
          for (const connection of connections) connection.destroy();
          tcp.close(() => resolve());
        }),
    );

    // WHEN the client asks, with a long timeout
    const started = Date.now();
    const error = await queryDns({ host: '127.0.0.1', port: udp.port }, QUESTION, {
      recursionDesired: false,
      timeoutMs: 3000,
      retries: 0,
    }).catch((caught: unknown) => caught);

    // THEN it reports the closed connection (not a timeout) without waiting for the timeout
    expect(error).toBeInstanceOf(DnsTransportError);
    expect((error as Error).message).toMatch(/closed by the server after 2 octet\(s\)/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it(`keeps at most ${DNS_QUERY_CONCURRENCY} queries in flight, however many servers are asked`, async () => {
    // GIVEN a server that holds every query 30 ms and counts how many it holds at once
    let held = 0;
    let most = 0;
    const server = await udpServer((query, from, socket) => {
      held += 1;
      most = Math.max(most, held);
      setTimeout(() => {
        held -= 1;
        socket.send(answer(query, 'v=DKIM1; p=X'), from.port, from.address);
      }, 30);
    });

    // WHEN three times the limit are asked at once
    const endpoint = { host: '127.0.0.1', port: server.port };
    const responses = await Promise.all(
      Array.from({ length: DNS_QUERY_CONCURRENCY * 3 }, () =>
        queryDns(endpoint, QUESTION, { recursionDesired: false, timeoutMs: 2000, retries: 0 }),
      ),
    );

    // THEN every one was answered, never more than the limit at a time
    expect(responses).toHaveLength(DNS_QUERY_CONCURRENCY * 3);
    expect(most).toBe(DNS_QUERY_CONCURRENCY);
  });
});

describe('name server discovery', () => {
  /** A resolver whose NS set has `hosts` hosts with `perHost` IPv4 addresses each. */
  const resolver =
    (hosts: number, perHost: number): ResolverQuery =>
    async (question) =>
      ({
        type: 'response',
        id: 1,
        flags: 0,
        rcode: 'NOERROR',
        questions: [question],
        answers:
          question.type === 'NS'
            ? Array.from({ length: hosts }, (_, i) => ({
                type: 'NS',
                name: 'example.test',
                ttl: 60,
                data: `ns${i}.example.test`,
              }))
            : question.type === 'A'
              ? Array.from({ length: perHost }, (_, i) => ({
                  type: 'A',
                  name: question.name,
                  ttl: 60,
                  data: `192.0.2.${i + 1}`,
                }))
              : [],
      }) as unknown as DnsResponse;

  it('refuses an NS set with more hosts than it checks, instead of querying them all', async () => {
    const found = findZoneServers('example.test', resolver(MAX_NAME_SERVER_HOSTS + 1, 1), 53);
    await expect(found).rejects.toThrow(DiscoveryError);
    await expect(found).rejects.toThrow(`${MAX_NAME_SERVER_HOSTS + 1} NS hosts`);
  });

  it('refuses NS hosts with more addresses in all than it checks', async () => {
    const perHost = Math.ceil((MAX_NAME_SERVER_ADDRESSES + 1) / 4);
    const found = findZoneServers('example.test', resolver(4, perHost), 53);
    await expect(found).rejects.toThrow(`${4 * perHost} addresses`);
  });

  it('accepts the largest set it checks', async () => {
    const servers = await findZoneServers('example.test', resolver(MAX_NAME_SERVER_HOSTS, 1), 53);
    expect(servers.addresses).toHaveLength(MAX_NAME_SERVER_HOSTS);
  });
});
