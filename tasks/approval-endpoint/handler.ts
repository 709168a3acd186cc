/** ApprovalEndpoint: API Gateway (HTTP API, payload 2.0) wiring; the logic is in ./logic.ts. */
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { rotationMetrics } from '../../shared/monitoring/task-metrics';
import { approvalSecretFrom, taskLogger } from '../../shared/rotation/lambda-kit';
import { type DepsSource, memoDeps, requiredEnv, s3Client } from '../../shared/rotation/runtime';
import {
  type ApprovalEndpointDeps,
  type ApprovalRequest,
  handleApprovalRequest,
  SECURITY_HEADERS,
} from './logic';
import { messagePage } from './page';

const logger = taskLogger();

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): ApprovalEndpointDeps {
  const { AWS_ENDPOINT_URL: endpoint } = process.env;
  return {
    s3: s3Client(),
    bucket: requiredEnv('BUCKET_NAME'),
    sfn: new SFNClient(endpoint ? { endpoint } : {}),
    approvalSecret: approvalSecretFrom(requiredEnv('APPROVAL_SECRET_ARN')),
    clock: () => new Date(),
    logger,
  };
}

const MAX_FORM_BYTES = 4096;

/** Parses an API Gateway v2 event into the logic's request (form bodies only, small). */
export function toApprovalRequest(event: APIGatewayProxyEventV2): ApprovalRequest {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const form =
    text.length > 0 && text.length <= MAX_FORM_BYTES ? Object.fromEntries(new URLSearchParams(text)) : {};
  return {
    method: event.requestContext.http.method,
    approvalId: event.pathParameters?.id ?? '',
    query: event.queryStringParameters ?? {},
    form,
  };
}

/**
 * The handler for any deps; deps are resolved on first call. `metrics` receives one
 * ApprovalPageUnavailable per 503 page: the function itself succeeds then, so Lambda's Errors
 * never sees these failures and the approval endpoint's alarm reads this count instead.
 */
export function makeHandler(
  source: DepsSource<ApprovalEndpointDeps>,
  metrics: () => MetricsSink = rotationMetrics,
) {
  const deps = memoDeps(source);
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      return await handleApprovalRequest(toApprovalRequest(event), deps());
    } catch (error) {
      // Never echo the error (it may name internals); log its name and message only.
      logger.error('Approval request failed', {
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      metrics().put(METRIC.ApprovalPageUnavailable, 1, 'Count', {});
      return {
        statusCode: 503,
        headers: { ...SECURITY_HEADERS, 'retry-after': '30' },
        body: messagePage({
          tone: 'warn',
          badge: { ja: '一時的なエラー', en: 'Temporary error' },
          title: { ja: 'ただいま処理できません', en: 'Temporarily unavailable' },
          ja: ['しばらくしてから、もう一度ボタンを押してください。承認はまだ反映されていません。'],
          en: ['Please press the button again in a moment. Your decision has not been recorded yet.'],
        }),
      };
    }
  };
}

export const handler = makeHandler(defaultDeps);
