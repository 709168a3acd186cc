/**
 * What the approval endpoint's alarm watches: every request the DNS team could not complete.
 *
 * The handler turns every error into a 503 "temporarily unavailable" page, so Lambda's `Errors`
 * alone never counts them; it counts them itself instead (`ApprovalPageUnavailable`, Powertools
 * EMF, fleet view under the rotation's `service`). `Errors` still counts what the handler cannot
 * answer for: a timeout or a crash before the page (Lambda counts those as function errors), which
 * API Gateway answers with a 5xx of its own. The sum is the number of failed approval requests.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { METRIC, ROTATION_SERVICE_NAME } from '../shared/monitoring/metrics';

/** Failed approval requests per 5 minutes: pages answered 503 plus invocations that ended in an error. */
export function approvalEndpointFailures(endpoint: lambda.IFunction, namespace: string): cloudwatch.IMetric {
  const period = Duration.minutes(5);
  return new cloudwatch.MathExpression({
    // FILL: a period with 503 pages and no function error (or the reverse) still sums.
    expression: 'FILL(unavailable, 0) + FILL(errors, 0)',
    label: 'Failed approval requests',
    period,
    usingMetrics: {
      unavailable: new cloudwatch.Metric({
        namespace,
        metricName: METRIC.ApprovalPageUnavailable,
        dimensionsMap: { service: ROTATION_SERVICE_NAME },
        statistic: 'Sum',
        period,
      }),
      errors: endpoint.metricErrors({ period, statistic: 'Sum' }),
    },
  });
}
