/**
 * What the approval endpoint's handler accepts as a request: the page's form only
 * (application/x-www-form-urlencoded, at most 4 KiB), from an HTTP API (payload 2.0) or a REST
 * API (payload 1.0, used when AWS WAF is in front). Anything else gets its own typed refusal
 * before the link, the secret or S3 are touched — never "this link was altered".
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { silentLogger } from '../../shared/rotation/runtime';
import { makeHandler, toApprovalRequest } from '../../tasks/approval-endpoint/handler';
import type { ApprovalEndpointDeps } from '../../tasks/approval-endpoint/logic';
import { fixedClock } from './support/fakes';

const ID = '0123456789abcdef0123456789abcdef';
const FORM = 'exp=1800000000&kv=11111111-2222-4333-8444-555555555555&sig=abc&csrf=def&decision=approve';

const httpApiPost = (body: string, contentType: string | undefined): APIGatewayProxyEventV2 =>
  ({
    requestContext: { http: { method: 'POST' } },
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    pathParameters: { id: ID },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

describe('approval endpoint requests', () => {
  // Reaching the keys would mean the body was taken as a form: these requests must stop before.
  const untouched = makeHandler(
    {
      approvalKeys: () => Promise.reject(new Error('the keys must not be read')),
      clock: fixedClock(),
      logger: silentLogger,
    } as unknown as ApprovalEndpointDeps,
    () => ({ put: () => undefined }),
  );

  it('refuses a POST that is not the page form with 415, not as an altered link', async () => {
    const response = await untouched(
      httpApiPost(JSON.stringify({ decision: 'approve' }), 'application/json'),
    );
    expect(response.statusCode).toBe(415);
    expect(response.body).toContain('Not the approval page&#39;s form');
    expect(response.body).toContain('承認ページのフォームではありません');
    expect(response.body).not.toContain('This link is not valid');
  });

  it('refuses a form over 4 KiB with 413, not as an altered link', async () => {
    const response = await untouched(
      httpApiPost(`${FORM}&pad=${'x'.repeat(4096)}`, 'application/x-www-form-urlencoded'),
    );
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('Request too large');
    expect(response.body).not.toContain('This link is not valid');
  });

  it('measures the 4 KiB in bytes, not characters', () => {
    // 1,400 three-byte characters: 1,400 characters, 4,200 bytes
    const request = toApprovalRequest(
      httpApiPost(`${FORM}&note=${'あ'.repeat(1400)}`, 'application/x-www-form-urlencoded'),
    );
    expect(request.bodyRefusal).toBe('too-large');
  });

  it('reads the same form from an HTTP API (base64 body) and from a REST API event', () => {
    // GIVEN the page's form as HTTP API delivers it (base64) and as a REST API delivers it
    const fromHttpApi = toApprovalRequest({
      ...httpApiPost(
        Buffer.from(FORM).toString('base64'),
        'application/x-www-form-urlencoded; charset=UTF-8',
      ),
      isBase64Encoded: true,
    });
    const fromRestApi = toApprovalRequest({
      httpMethod: 'POST',
      resource: '/approvals/{id}',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      pathParameters: { id: ID },
      queryStringParameters: null,
      body: FORM,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEvent);
    // THEN both are the same request
    expect(fromHttpApi).toEqual(fromRestApi);
    expect(fromRestApi).toMatchObject({
      method: 'POST',
      approvalId: ID,
      form: { decision: 'approve', kv: expect.any(String) },
    });
    expect(fromRestApi.bodyRefusal).toBeUndefined();
  });
});
