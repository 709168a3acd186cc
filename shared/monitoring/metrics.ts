/**
 * The rotation's CloudWatch metrics: names, dimensions and the sink the monitor writes them to.
 *
 * Every metric is emitted twice: once with its per-domain dimensions (Domain, and Region where it
 * applies) for the dashboard and investigations, once with no dimension but Powertools' `service`
 * (the fleet view) which the alarms watch, so 1,000 domains need a handful of alarms, not
 * thousands. The infra construct imports these constants, so a rename breaks the build rather
 * than silently orphaning an alarm.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Metric names (namespace: config `metricsNamespace`). */
export const METRIC = {
  /** 1 SUCCESS / 0 FAILED or TEMPORARY_FAILURE / -1 PENDING or NOT_STARTED; Domain, Region. */
  DkimVerificationStatus: 'DkimVerificationStatus',
  /** Calendar days to the ACTIVE certificate's expiry in the configured time zone; Domain. */
  DaysUntilExpiry: 'DaysUntilExpiry',
  /** 1 per rotation the monitor started; Domain. */
  RotationStarted: 'RotationStarted',
  /** 1 per rotation that completed (NotifySuccess); Domain. Emitted by the workflow's tasks. */
  RotationSucceeded: 'RotationSucceeded',
  /**
   * 1 per rotation NotifyFailure reported ending in one of {@link ROTATION_FAILED_ENDINGS}; Domain.
   * Not every failure: a rejection, an expiry or a task error nothing caught never reaches
   * NotifyFailure. Step Functions' ExecutionsFailed counts every failed execution.
   */
  RotationFailed: 'RotationFailed',
  /** 1 per rotation rolled back after ApplyToSes, the previous signing restored (NotifyFailure); Domain. */
  RotationRolledBack: 'RotationRolledBack',
  /**
   * 1 per ApplyToSes run that switched SES to a new key in at least one region; Domain. The
   * dashboard draws it on the time axis of the SES bounce and complaint rates (sending health).
   */
  SigningSwitched: 'SigningSwitched',
  /** 1 key stored / 0 generation failed (GenerateKey); Domain. */
  KeyGenerationStatus: 'KeyGenerationStatus',
  /** 1 when every record checked agrees with the key store, 0 when one does not; Domain. */
  DnsRecordConsistency: 'DnsRecordConsistency',
  /** Notifications published; Domain. */
  NotificationsSent: 'NotificationsSent',
  /** 1 per finding; Check (fleet) and Domain + Check. */
  HealthCheckFindings: 'HealthCheckFindings',
  /** Domains checked by one run (fleet only). */
  DomainsChecked: 'DomainsChecked',
  /** 1 per approval request answered with the 503 "temporarily unavailable" page (fleet only). */
  ApprovalPageUnavailable: 'ApprovalPageUnavailable',
  /**
   * 1 per success notice NotifySuccess could not send after its retries; Domain. Put by the state
   * machine itself (RecordLostNotice), not by a task: it counts the Catch, whatever failed.
   */
  SuccessNoticeLost: 'SuccessNoticeLost',
} as const;

/**
 * The Fail states whose path counts RotationFailed: NotifyFailure runs before them (after a failed
 * rollback, or a failed retirement) and counts RotationFailed unless the rollback succeeded
 * (RotationRolledBack). The alarm description is built from this list, and
 * tests/tasks/outcome-metrics.test.ts checks NotifyFailure against it.
 */
export const ROTATION_FAILED_ENDINGS = ['RollbackFailed', 'OldKeyNotRetired'] as const;

/** One metric name. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Dimension names. */
export const DIMENSION = { Domain: 'Domain', Region: 'Region', Check: 'Check' } as const;

/** Powertools' service name of the monitor (the `service` dimension every metric carries). */
export const MONITOR_SERVICE_NAME = 'byodkim-monitor';

/** Where the monitor's logic writes metrics (Powertools in Lambda, an array in tests). */
export interface MetricsSink {
  /**
   * Records `value` under `name` with `dimensions`, and again under the fleet view (no dimension)
   * unless `fleet` is false.
   */
  put(
    name: MetricName,
    value: number,
    unit: 'Count' | 'None',
    dimensions: Readonly<Record<string, string>>,
    fleet?: boolean,
  ): void;
}

/** A sink that drops everything. */
export const noMetrics: MetricsSink = { put() {} };

/**
 * A sink writing CloudWatch Embedded Metric Format through Powertools: each data point is a
 * single metric (flushed at once), so per-domain dimensions never leak into another point.
 */
export function powertoolsMetricsSink(metrics: Metrics): MetricsSink {
  const unitOf = (unit: 'Count' | 'None') => (unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit);
  return {
    put(name, value, unit, dimensions, fleet = true) {
      if (Object.keys(dimensions).length > 0) {
        const single = metrics.singleMetric();
        for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
          single.addDimension(dimension, dimensionValue);
        }
        single.addMetric(name, unitOf(unit), value);
      }
      if (fleet || Object.keys(dimensions).length === 0) {
        metrics.singleMetric().addMetric(name, unitOf(unit), value);
      }
    },
  };
}

/**
 * Powertools' service name of the workflow's task functions (POWERTOOLS_SERVICE_NAME in
 * ByodkimRotation): the `service` dimension of RotationSucceeded/Failed/RolledBack and
 * KeyGenerationStatus (emitted by NotifySuccess, NotifyFailure and GenerateKey).
 */
export const ROTATION_SERVICE_NAME = 'byodkim-rotation';
