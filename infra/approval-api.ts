/**
 * The approval API: the public endpoint of the approval page, `/approvals/{id}` (GET shows, POST
 * decides), in front of the ApprovalEndpoint function.
 *
 * By default an HTTP API with one stage-wide throttle (5 requests/s, burst 10): cheap, but that
 * limit is shared by everyone, so whoever learns the host can keep the DNS team on 429s.
 * With `rateLimit`, AWS WAF counts requests per client IP and blocks (429) an address over the
 * limit before it reaches the API. AWS WAF cannot be associated with an HTTP API, only with a
 * REST API (API Gateway Developer Guide, "Choose between REST APIs and HTTP APIs"), so the API
 * is then a REST API (payload format 1.0; the function reads both).
 */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** The evaluation windows AWS WAF rate-based rules accept, in seconds. */
export const WAF_EVALUATION_WINDOWS = [60, 120, 300, 600] as const;

/**
 * A per-client limit on the approval API: an AWS WAF rate-based rule keyed on the client IP.
 *
 * Cost (AWS WAF pricing, all regions): $5.00/month for the web ACL, $1.00/month for the rule,
 * $0.60 per million requests inspected; and the REST API it needs costs $3.50 per million
 * requests where the HTTP API costs $1.00. About $6/month for an endpoint that serves a few
 * requests a day.
 */
export interface ApprovalRateLimit {
  /**
   * Requests one client IP may send in the evaluation window; over it, its requests get 429 until
   * its rate falls under the limit again. AWS WAF's lowest accepted value is 10.
   * @default 100
   */
  readonly limit?: number;
  /**
   * The window AWS WAF counts over, in seconds: 60, 120, 300 or 600.
   * @default 300
   */
  readonly evaluationWindowSeconds?: (typeof WAF_EVALUATION_WINDOWS)[number];
}

/** Problems of an {@link ApprovalRateLimit}, one line each naming the prop and the fix. */
export function checkApprovalRateLimit(rateLimit: ApprovalRateLimit | undefined, problems: string[]): void {
  if (rateLimit === undefined) return;
  const { limit, evaluationWindowSeconds } = rateLimit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000)) {
    problems.push(
      `props.approvalRateLimit.limit = ${limit}: must be a whole number from 10 (AWS WAF's lowest) to 2,000,000,000`,
    );
  }
  if (
    evaluationWindowSeconds !== undefined &&
    !(WAF_EVALUATION_WINDOWS as readonly number[]).includes(evaluationWindowSeconds)
  ) {
    problems.push(
      `props.approvalRateLimit.evaluationWindowSeconds = ${evaluationWindowSeconds}: must be one of ${WAF_EVALUATION_WINDOWS.join(', ')}`,
    );
  }
}

/** Properties of {@link ApprovalApi}. */
export interface ApprovalApiProps {
  /** The ApprovalEndpoint function. */
  readonly handler: lambda.IFunction;
  /** Encrypts the access log group. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * A per-client limit with AWS WAF (then a REST API).
   * @default - an HTTP API with the stage-wide throttle only
   */
  readonly rateLimit?: ApprovalRateLimit;
}

/** The stage-wide throttle of either API: a ceiling for the whole endpoint. */
const STAGE_RATE = 5;
const STAGE_BURST = 10;

/**
 * The access log: who, what route, what answer. Never the path or query string: the link's id
 * and signature never reach a log.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  status: '$context.status',
  latency: '$context.responseLatency',
  time: '$context.requestTime',
};

/** What {@link addApprovalApi} made. */
export interface ApprovalApi {
  /** The base URL of links (the approval page is `<baseUrl>/approvals/<id>`). */
  readonly baseUrl: string;
  /** An HTTP API, or a REST API when rate limited. */
  readonly api: apigw.HttpApi | apigateway.RestApi;
  /** The web ACL in front of the REST API, when rate limited. */
  readonly webAcl?: wafv2.CfnWebACL;
}

/**
 * Adds the approval API to `scope`. The HTTP API keeps the construct ids it always had
 * (`ApprovalApi`, `ApprovalApiAccessLogs`): a changed logical id would replace the API, change
 * its host, and break every link already sent.
 */
export function addApprovalApi(scope: Construct, props: ApprovalApiProps): ApprovalApi {
  const accessLogs = new logs.LogGroup(scope, 'ApprovalApiAccessLogs', {
    retention: props.logRetention,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.removalPolicy,
  });
  if (props.rateLimit === undefined) {
    const api = httpApi(scope, props.handler, accessLogs);
    return { api, baseUrl: api.apiEndpoint };
  }
  const api = restApi(scope, props.handler, accessLogs);
  // The stage URL ends with "/"; approvalUrl drops trailing slashes before "/approvals/<id>".
  return { api, baseUrl: api.url, webAcl: rateLimitedBy(scope, api, props.rateLimit) };
}

function httpApi(scope: Construct, handler: lambda.IFunction, accessLogs: logs.LogGroup): apigw.HttpApi {
  const api = new apigw.HttpApi(scope, 'ApprovalApi', {
    description: 'BYODKIM rotation approval links (GET shows, POST with CSRF token decides)',
    createDefaultStage: true,
  });
  const routes = api.addRoutes({
    path: '/approvals/{id}',
    methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST],
    integration: new HttpLambdaIntegration('ApprovalIntegration', handler),
  });
  for (const route of routes) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The DNS team has no AWS identity: each request is authorised by an HMAC-signed, expiring, single-use link plus a CSRF token checked in the function.',
    });
  }
  const stage = api.defaultStage?.node.defaultChild as apigw.CfnStage;
  stage.accessLogSettings = {
    destinationArn: accessLogs.logGroupArn,
    format: JSON.stringify({ ...ACCESS_LOG_FIELDS, route: '$context.routeKey' }),
  };
  stage.defaultRouteSettings = { throttlingBurstLimit: STAGE_BURST, throttlingRateLimit: STAGE_RATE };
  return api;
}

function restApi(scope: Construct, handler: lambda.IFunction, accessLogs: logs.LogGroup): apigateway.RestApi {
  const api = new apigateway.RestApi(scope, 'ApprovalRestApi', {
    description: 'BYODKIM rotation approval links (GET shows, POST with CSRF token decides), behind AWS WAF',
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    // An account-wide setting (AWS::ApiGateway::Account): not this construct's to change.
    cloudWatchRole: false,
    deployOptions: {
      stageName: 'v1',
      accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
      accessLogFormat: apigateway.AccessLogFormat.custom(
        JSON.stringify({
          ...ACCESS_LOG_FIELDS,
          resource: '$context.resourcePath',
          waf: '$context.wafResponseCode',
        }),
      ),
      throttlingRateLimit: STAGE_RATE,
      throttlingBurstLimit: STAGE_BURST,
    },
  });
  const integration = new apigateway.LambdaIntegration(handler, { timeout: Duration.seconds(29) });
  const approval = api.root.addResource('approvals').addResource('{id}');
  for (const method of ['GET', 'POST']) approval.addMethod(method, integration);
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'The function validates every request itself (signed link, CSRF token, form type and size) and answers each refusal with its own page.',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'The DNS team has no AWS identity: each request is authorised by an HMAC-signed, expiring, single-use link plus a CSRF token checked in the function.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason: 'The DNS team has no Cognito identity; the signed link and CSRF token authorise each request.',
    },
    {
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging needs the account-wide API Gateway CloudWatch role and would log request data; the access log (no path, no query string) and the function log cover each request.',
    },
  );
  return api;
}

function rateLimitedBy(
  scope: Construct,
  api: apigateway.RestApi,
  rateLimit: ApprovalRateLimit,
): wafv2.CfnWebACL {
  const metric = (name: string) => ({
    cloudWatchMetricsEnabled: true,
    metricName: name,
    // Sampled requests would show the link's query string (its signature) in the console.
    sampledRequestsEnabled: false,
  });
  const acl = new wafv2.CfnWebACL(scope, 'ApprovalWebAcl', {
    description: 'BYODKIM rotation approval API: requests per client IP',
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: metric('ByodkimApprovalApi'),
    rules: [
      {
        name: 'RequestsPerClientIp',
        priority: 0,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: rateLimit.limit ?? 100,
            evaluationWindowSec: rateLimit.evaluationWindowSeconds ?? 300,
          },
        },
        action: {
          block: {
            customResponse: { responseCode: 429, responseHeaders: [{ name: 'retry-after', value: '60' }] },
          },
        },
        visibilityConfig: metric('ByodkimApprovalApiPerClientIp'),
      },
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'ApprovalWebAclAssociation', {
    resourceArn: api.deploymentStage.stageArn,
    webAclArn: acl.attrArn,
  });
  return acl;
}
