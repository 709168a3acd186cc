import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { closeServer, listenOnLoopback, readBody } from './http';

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

const MAX_BODY_BYTES = 16 * 1024;

/**
 * Serves the approval endpoint on 127.0.0.1 exactly as API Gateway (HTTP API, payload 2.0) would
 * call it: `/approvals/{id}` with query string and form body, so the same handler code decides.
 */
export async function startLocalApprovalServer(handler: ApprovalLambda): Promise<LocalApprovalServer> {
  const requests: LocalApprovalServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const method = request.method ?? 'GET';
      const match = /^\/approvals\/([^/]+)$/.exec(url.pathname);
      if (!match) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        requests.push({ method, path: url.pathname, status: 404 });
        return;
      }
      const body = await readBody(request);
      const event = {
        version: '2.0',
        routeKey: `${method} /approvals/{id}`,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([key, value]) => [key, String(value)]),
        ),
        queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
        pathParameters: { id: decodeURIComponent(match[1] ?? '') },
        requestContext: { http: { method, path: url.pathname } },
        body: body.length > 0 && body.length <= MAX_BODY_BYTES ? body.toString('utf8') : undefined,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const result = await handler(event);
      const status = result.statusCode ?? 200;
      requests.push({ method, path: url.pathname, status });
      response.writeHead(status, result.headers as Record<string, string>);
      response.end(method === 'HEAD' ? undefined : (result.body ?? ''));
    })().catch(() => {
      response.writeHead(500).end();
    });
  });
  const baseUrl = await listenOnLoopback(server);
  return { baseUrl, requests, stop: () => closeServer(server) };
}
