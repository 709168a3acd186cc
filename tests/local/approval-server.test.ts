/**
 * The local approval server stands in for API Gateway in front of the endpoint: it refuses what
 * API Gateway refuses before any function runs, with a bound on what it buffers, and never
 * answers 500 to a malformed request.
 */
import { connect } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type LocalApprovalServer,
  MAX_BODY_BYTES,
  startLocalApprovalServer,
} from '../../local/approval-server';

describe('local approval server', () => {
  let server: LocalApprovalServer;
  const seen: APIGatewayProxyEventV2[] = [];

  beforeAll(async () => {
    server = await startLocalApprovalServer(async (event) => {
      seen.push(event);
      return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
    });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    seen.length = 0;
  });

  it('answers 400 to a malformed % escape in the approval id, without calling the function', async () => {
    const response = await fetch(`${server.baseUrl}/approvals/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(seen).toHaveLength(0);
  });

  it('refuses a body over its bound with 413 before reading it all, and passes smaller ones on', async () => {
    // GIVEN a client that declares and starts sending a body far over the bound
    const { origin } = new URL(server.baseUrl);
    const port = Number(new URL(origin).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /approvals/0123456789abcdef HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${100 * MAX_BODY_BYTES}\r\n\r\n`,
        );
        socket.write('x'.repeat(1024));
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += String(chunk);
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    // THEN it answered 413 and closed the connection without waiting for the rest
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(seen).toHaveLength(0);
    // AND a body within the bound reaches the function as API Gateway passes it
    const small = await fetch(`${server.baseUrl}/approvals/0123456789abcdef`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(small.status).toBe(200);
    expect(seen[0]?.body).toBe('decision=approve');
  });
});
