import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The only interface the stand-ins listen on: they are never reachable from another machine. */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * Starts `server` on 127.0.0.1 and resolves with its base URL (`http://127.0.0.1:<port>`).
 * Port 0 (the default) lets the kernel pick a free port, so parallel jest workers never collide.
 */
export function listenOnLoopback(server: Server, port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      resolve(`http://${LOOPBACK_HOST}:${address.port}`);
    });
  });
}

/**
 * Stops `server` and drops every connection, idle or not. The SDK keeps sockets alive between
 * calls; `close()` alone would wait for them to time out and jest would report open handles.
 */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Reads a request body to the end. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The first value of a request header, or undefined. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A clock in epoch milliseconds; injected so tests can move time without waiting. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();
