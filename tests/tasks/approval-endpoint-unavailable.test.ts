/**
 * The approval endpoint counts every 503 "temporarily unavailable" page it serves: the function
 * succeeds then, so Lambda's Errors never sees the failure, and the endpoint's alarm
 * (RotationMetricFactory.approvalEndpointFailures, infra/monitoring/metric-factory.ts) reads this count instead.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { MetricsSink } from '../../shared/monitoring/metrics';
import { silentLogger } from '../../shared/rotation/runtime';
import { makeHandler } from '../../tasks/approval-endpoint/handler';
import type { ApprovalEndpointDeps } from '../../tasks/approval-endpoint/logic';
import { fixedClock } from './support/fakes';

const request = (method: string) =>
  ({
    requestContext: { http: { method } },
    pathParameters: { id: '0123456789abcdef0123456789abcdef' },
    queryStringParameters: { exp: '1', sig: 'x' },
  }) as unknown as APIGatewayProxyEventV2;

describe('approval endpoint failure count', () => {
  let points: Array<{ name: string; value: number; dimensions: Readonly<Record<string, string>> }>;
  const sink: MetricsSink = {
    put: (name, value, _unit, dimensions) => void points.push({ name, value, dimensions }),
  };
  const deps = (approvalKeys: ApprovalEndpointDeps['approvalKeys']) =>
    ({ approvalKeys, clock: fixedClock(), logger: silentLogger }) as unknown as ApprovalEndpointDeps;
  beforeEach(() => {
    points = [];
  });

  it('counts one ApprovalPageUnavailable (fleet view) for each 503 page it serves', async () => {
    // GIVEN Secrets Manager throttles the signing secret's read
    const handler = makeHandler(
      deps(() => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))),
      () => sink,
    );
    // WHEN the DNS team opens the link twice
    const first = await handler(request('GET'));
    const second = await handler(request('GET'));
    // THEN both got the 503 page and each was counted once, without a per-domain dimension
    expect([first.statusCode, second.statusCode]).toEqual([503, 503]);
    expect(points).toEqual([
      { name: 'ApprovalPageUnavailable', value: 1, dimensions: {} },
      { name: 'ApprovalPageUnavailable', value: 1, dimensions: {} },
    ]);
  });

  it('counts nothing for an answer that is not a failure of the endpoint', async () => {
    // GIVEN a working endpoint — WHEN a scanner sends PUT
    const response = await makeHandler(
      deps(() => Promise.reject(new Error('not reached'))),
      () => sink,
    )(request('PUT'));
    // THEN it answers 405 and counts nothing
    expect(response.statusCode).toBe(405);
    expect(points).toEqual([]);
  });
});
