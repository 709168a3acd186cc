/**
 * `RotationMetricFactory`: every CloudWatch metric the product reads, built in one place from the
 * names in shared/monitoring/metrics.ts (and SES's in shared/monitoring/sending-health.ts), as
 * cdk-monitoring-constructs' `MetricFactory` does for its segments: the alarms and the dashboard
 * ask for a metric by what it means, and the namespace, the `service` dimension of whoever emits
 * it, the statistic and the period are decided here once.
 *
 * The only place `new cloudwatch.Metric` appears for our own metrics: an alarm and the graph
 * next to it cannot drift apart (a different period, the wrong `service`) unnoticed.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  DIMENSION,
  METRIC,
  type MetricName,
  MONITOR_SERVICE_NAME,
  ROTATION_SERVICE_NAME,
} from '../../shared/monitoring/metrics';
import {
  CONFIGURATION_SET_DIMENSION,
  SENDING_HEALTH_PERIOD_SECONDS,
  SES_EVENT_METRIC,
  SES_NAMESPACE,
  SES_REPUTATION_METRIC,
} from '../../shared/monitoring/sending-health';

/**
 * Powertools' `service` of whoever emits each metric: the fleet view carries it as its only
 * dimension, so an alarm on the wrong service watches a metric nobody writes.
 */
export const EMITTED_BY: Readonly<Record<MetricName, string>> = {
  DkimVerificationStatus: MONITOR_SERVICE_NAME,
  DaysUntilExpiry: MONITOR_SERVICE_NAME,
  RotationStarted: MONITOR_SERVICE_NAME,
  RotationSucceeded: ROTATION_SERVICE_NAME,
  RotationFailed: ROTATION_SERVICE_NAME,
  RotationRolledBack: ROTATION_SERVICE_NAME,
  SigningSwitched: ROTATION_SERVICE_NAME,
  KeyGenerationStatus: ROTATION_SERVICE_NAME,
  DnsRecordConsistency: MONITOR_SERVICE_NAME,
  NotificationsSent: MONITOR_SERVICE_NAME,
  HealthCheckFindings: MONITOR_SERVICE_NAME,
  DomainsChecked: MONITOR_SERVICE_NAME,
  ApprovalPageUnavailable: ROTATION_SERVICE_NAME,
  SuccessNoticeLost: ROTATION_SERVICE_NAME,
};

/** What the fleet view of a metric is read with. */
export interface FleetMetricOptions {
  /** Dimensions besides `service` (HealthCheckFindings' `Check`). @default - none */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** @default Duration.hours(1): the monitor measures once a day, hourly points are plenty */
  readonly period?: Duration;
}

/** The product's metrics in namespace `namespace` (config `metricsNamespace`). */
export class RotationMetricFactory {
  constructor(
    /** Namespace of the rotation's own metrics. */
    public readonly namespace: string,
  ) {}

  /**
   * The fleet view of `name` (no dimension but `service`, and the extra ones given): what the
   * alarms watch, so 1,000 domains need a handful of alarms.
   */
  public fleet(name: MetricName, statistic: string, options: FleetMetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: name,
      dimensionsMap: { service: EMITTED_BY[name], ...options.dimensions },
      statistic,
      period: options.period ?? Duration.hours(1),
    });
  }

  /** Findings of one health check across the fleet (Sum per hour). */
  public healthCheckFindings(check: string): cloudwatch.Metric {
    return this.fleet(METRIC.HealthCheckFindings, 'Sum', { dimensions: { [DIMENSION.Check]: check } });
  }

  /** Per-domain days until expiry: one line per domain (minimum per hour). */
  public daysUntilExpiryPerDomain(): cloudwatch.MathExpression {
    return this.search([DIMENSION.Domain], METRIC.DaysUntilExpiry, 'Minimum', 'per domain');
  }

  /** DKIM verification per domain and region, 1 / 0 / -1 (minimum per hour). */
  public dkimVerificationPerDomain(label: string): cloudwatch.MathExpression {
    return this.search([DIMENSION.Domain, DIMENSION.Region], METRIC.DkimVerificationStatus, 'Minimum', label);
  }

  /** Findings per check, one line each (Sum per hour). */
  public healthCheckFindingsByCheck(): cloudwatch.MathExpression {
    return this.search([DIMENSION.Check], METRIC.HealthCheckFindings, 'Sum', 'findings');
  }

  /**
   * Rotation switches per domain (ApplyToSes counts SigningSwitched), per 5 minutes like the SES
   * rates they are drawn beside.
   */
  public signingSwitchesPerDomain(): cloudwatch.MathExpression {
    return this.search([DIMENSION.Domain], METRIC.SigningSwitched, 'Sum', 'SigningSwitched', {
      period: Duration.seconds(SENDING_HEALTH_PERIOD_SECONDS),
      service: EMITTED_BY.SigningSwitched,
    });
  }

  /** A rotation that succeeded but whose success notice could not be sent (Sum per 5 minutes). */
  public successNoticeLost(): cloudwatch.Metric {
    return this.fleet(METRIC.SuccessNoticeLost, 'Sum', { period: Duration.minutes(5) });
  }

  /**
   * Failed approval requests per 5 minutes: pages answered 503 plus invocations that ended in an
   * error. The handler turns every error into a 503 "temporarily unavailable" page, so Lambda's
   * `Errors` alone never counts them; it counts them itself (`ApprovalPageUnavailable`). `Errors`
   * still counts what the handler cannot answer for: a timeout or a crash before the page, which
   * API Gateway answers with a 5xx of its own. The sum is the number of failed approval requests.
   */
  public approvalEndpointFailures(endpoint: lambda.IFunction): cloudwatch.MathExpression {
    const period = Duration.minutes(5);
    return new cloudwatch.MathExpression({
      // FILL: a period with 503 pages and no function error (or the reverse) still sums.
      expression: 'FILL(unavailable, 0) + FILL(errors, 0)',
      label: 'Failed approval requests',
      period,
      usingMetrics: {
        unavailable: this.fleet(METRIC.ApprovalPageUnavailable, 'Sum', { period }),
        errors: endpoint.metricErrors({ period, statistic: 'Sum' }),
      },
    });
  }

  /**
   * An account-level SES reputation rate: no dimension. Average over the period: SES publishes a
   * rolling rate computed over a representative volume of mail, not a count, so a sum would be
   * meaningless and the average of a period is its level.
   */
  public sesReputation(metric: keyof typeof SES_REPUTATION_METRIC): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: SES_NAMESPACE,
      metricName: SES_REPUTATION_METRIC[metric],
      statistic: 'Average',
      period: Duration.seconds(SENDING_HEALTH_PERIOD_SECONDS),
    });
  }

  /** One event metric of a configuration set (Sum per 5 minutes). */
  public sesEvent(configurationSetName: string, name: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: SES_NAMESPACE,
      metricName: name,
      dimensionsMap: { [CONFIGURATION_SET_DIMENSION]: configurationSetName },
      statistic: 'Sum',
      period: Duration.seconds(SENDING_HEALTH_PERIOD_SECONDS),
      label: name,
    });
  }

  /**
   * Delivery / Send of a configuration set. A period without Delivery counts 0 deliveries; a
   * period without Send has no value at all (no division by zero), which its alarm treats as
   * breaching.
   */
  public sendSuccessRate(configurationSetName: string): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'FILL(delivery, 0) / send',
      label: 'send success rate',
      period: Duration.seconds(SENDING_HEALTH_PERIOD_SECONDS),
      usingMetrics: {
        send: this.sesEvent(configurationSetName, SES_EVENT_METRIC.Send),
        delivery: this.sesEvent(configurationSetName, SES_EVENT_METRIC.Delivery),
      },
    });
  }

  /**
   * A SEARCH over the per-domain (or per-check) points of `name`: one line per dimension value,
   * however many domains the configuration holds. `service` narrows it to one emitter.
   */
  private search(
    dimensions: readonly string[],
    name: MetricName,
    statistic: string,
    label: string,
    options: { readonly period?: Duration; readonly service?: string } = {},
  ): cloudwatch.MathExpression {
    const period = options.period ?? Duration.hours(1);
    const service = options.service === undefined ? '' : ` service="${options.service}"`;
    const schema = [this.namespace, ...dimensions, 'service'].join(',');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${schema}} MetricName="${name}"${service}', '${statistic}', ${period.toSeconds()})`,
      label,
      period,
      usingMetrics: {},
    });
  }
}
