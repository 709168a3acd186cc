import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { closeServer, listenOnLoopback } from './http';

/** The approval endpoint's Lambda handler (tasks/approval-endpoint/handler.ts `makeHandler(deps)`). */
export type ApprovalLambda = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The local approval web page. */
export interface LocalApprovalServer {
  /** `http://127.0.0.1:<port>`: the base URL approval links point to. */
  readonly baseUrl: string;
  /** Every request seen, method and path only (the leak scan and the scanner scenario read it). */
  readonly requests: Array<{ method: string; path: string; status: number }>;
  stop(): Promise<void>;
}

/**
 * Bodies the server reads at most. API Gateway takes up to 10 MB and the function refuses
 * anything over 4 KiB (413); this bound keeps the server from buffering more than it must while
 * leaving every size the function refuses itself to the function.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a body, giving up (undefined) once it passes `limit` bytes: nothing more is buffered. */
async function readBoundedBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `decodeURIComponent`, or undefined for a malformed `%` escape. */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Serves the approval endpoint on 127.0.0.1 exactly as API Gateway (HTTP API, payload 2.0) would
 * call it: `/approvals/{id}` with query string and form body, so the same handler code decides.
 * What API Gateway refuses before any function runs is refused here too, as a small JSON answer:
 * a body over {@link MAX_BODY_BYTES} (413, connection closed without reading the rest) and a
 * path with a malformed `%` escape (400).
 */
export async function startLocalApprovalServer(handler: ApprovalLambda): Promise<LocalApprovalServer> {
  const requests: LocalApprovalServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const method = request.method ?? 'GET';
      const refuse = (status: number, message: string) => {
        requests.push({ method, path: url.pathname, status });
        response
          .writeHead(status, { 'content-type': 'application/json', connection: 'close' })
          .end(JSON.stringify({ message }));
      };
      const match = /^\/approvals\/([^/]+)$/.exec(url.pathname);
      if (!match) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        requests.push({ method, path: url.pathname, status: 404 });
        return;
      }
      const id = decodePathSegment(match[1] ?? '');
      if (id === undefined) return refuse(400, 'Bad Request');
      const body = await readBoundedBody(request, MAX_BODY_BYTES);
      if (body === undefined) {
        refuse(413, 'Request Entity Too Large');
        request.destroy();
        return;
      }
      const event = {
        version: '2.0',
        routeKey: `${method} /approvals/{id}`,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
        ),
        queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
        pathParameters: { id },
        requestContext: { http: { method, path: url.pathname, sourceIp: request.socket.remoteAddress } },
        body: body.length > 0 ? body.toString('utf8') : undefined,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const result = await handler(event);
      const status = result.statusCode ?? 200;
      requests.push({ method, path: url.pathname, status });
      response.writeHead(status, result.headers as Record<string, string>);
      response.end(method === 'HEAD' ? undefined : (result.body ?? ''));
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  const baseUrl = await listenOnLoopback(server);
  return { baseUrl, requests, stop: () => closeServer(server) };
}
