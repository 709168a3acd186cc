/**
 * ApprovalEndpoint: API Gateway wiring; the logic is in ./logic.ts. The endpoint is an HTTP API
 * (payload format 2.0) by default and a REST API (payload format 1.0) when the construct puts AWS
 * WAF in front of it (`approvalRateLimit`): both events are read here.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { METRIC, type MetricsSink } from '../../shared/monitoring/metrics';
import { rotationMetrics } from '../../shared/monitoring/task-metrics';
import { approvalKeysOf, taskLogger } from '../../shared/rotation/lambda-kit';
import { type DepsSource, memoDeps, s3Client } from '../../shared/rotation/runtime';
import { taskEnvironment } from '../../shared/tasks/task-env';
import {
  type ApprovalEndpointDeps,
  type ApprovalRequest,
  handleApprovalRequest,
  MAX_FORM_BYTES,
} from './logic';
import { messagePage, SECURITY_HEADERS } from './page';
import type { BodyRefusal } from './responses';

const logger = taskLogger();
const env = taskEnvironment('ApprovalEndpoint');

/** Real clients and settings from the environment the stack sets. */
export function defaultDeps(): ApprovalEndpointDeps {
  const { AWS_ENDPOINT_URL: endpoint } = process.env;
  return {
    s3: s3Client(),
    bucket: env.bucketName(),
    sfn: new SFNClient(endpoint ? { endpoint } : {}),
    approvalKeys: approvalKeysOf(env.approvalSecretArn()),
    clock: () => new Date(),
    logger,
  };
}

/** An HTTP API (2.0) or REST API (1.0) proxy event. */
export type ApprovalEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

function headerOf(
  headers: Readonly<Record<string, string | undefined>> | null,
  name: string,
): string | undefined {
  // HTTP API lower-cases header names; a REST API passes them as the client sent them.
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

/** The form of a POST, or why it is not read as one. */
function formOf(event: ApprovalEvent): { form: Record<string, string>; refusal?: BodyRefusal } {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_FORM_BYTES) return { form: {}, refusal: 'too-large' };
  const mediaType = (headerOf(event.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return { form: {}, refusal: 'not-a-form' };
  // URLSearchParams never throws: a bad % escape stays as typed, and then fails the MAC checks.
  return { form: Object.fromEntries(new URLSearchParams(bytes.toString('utf8'))) };
}

/** Parses an API Gateway event into the logic's request (form bodies only, small, typed refusals otherwise). */
export function toApprovalRequest(event: ApprovalEvent): ApprovalRequest {
  const method = 'httpMethod' in event ? event.httpMethod : event.requestContext.http.method;
  const { form, refusal } = method === 'POST' ? formOf(event) : { form: {} };
  const query = Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
  return {
    method,
    approvalId: event.pathParameters?.id ?? '',
    query,
    form,
    ...(refusal ? { bodyRefusal: refusal } : {}),
  };
}

const UNAVAILABLE_PAGE = messagePage({
  tone: 'warn',
  badge: { ja: '一時的なエラー', en: 'Temporary error' },
  title: { ja: 'ただいま処理できません', en: 'Temporarily unavailable' },
  ja: [
    'しばらくしてから、もう一度ボタンを押してください。すでに記録された承認・却下が変わったり、二重に反映されたりすることはありません。',
  ],
  en: [
    'Please press the button again in a moment. A decision already recorded is never changed or applied twice.',
  ],
});

/**
 * The handler for any deps; deps are resolved on first call. `metrics` receives one
 * ApprovalPageUnavailable per 503 page (an error, or a decision Step Functions did not confirm):
 * the function itself succeeds then, so Lambda's Errors never sees these failures and the
 * approval endpoint's alarm reads this count instead.
 */
export function makeHandler(
  source: DepsSource<ApprovalEndpointDeps>,
  metrics: () => MetricsSink = rotationMetrics,
) {
  const deps = memoDeps(source);
  return async (event: ApprovalEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    let response: APIGatewayProxyStructuredResultV2;
    try {
      response = await handleApprovalRequest(toApprovalRequest(event), deps());
    } catch (error) {
      // Never echo the error (it may name internals); log its name and message only.
      logger.error('Approval request failed', {
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      response = {
        statusCode: 503,
        headers: { ...SECURITY_HEADERS, 'retry-after': '30' },
        body: UNAVAILABLE_PAGE,
      };
    }
    if (response.statusCode === 503) metrics().put(METRIC.ApprovalPageUnavailable, 1, 'Count', {});
    return response;
  };
}

export const handler = makeHandler(defaultDeps);
