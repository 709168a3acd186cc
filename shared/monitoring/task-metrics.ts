/**
 * Metrics of the workflow's task functions (KeyGenerationStatus, RotationSucceeded, RotationFailed,
 * RotationRolledBack), written through Powertools (EMF) under the `byodkim-rotation` service, the
 * namespace from POWERTOOLS_METRICS_NAMESPACE (the stack sets config `metricsNamespace`). The
 * RotationMonitor's alarms and dashboard read exactly these names (shared/monitoring/metrics.ts).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  DIMENSION,
  type MetricName,
  type MetricsSink,
  powertoolsMetricsSink,
  ROTATION_SERVICE_NAME,
} from './metrics';

let sink: MetricsSink | undefined;

/** The task functions' metrics sink, created on first use (importing a handler emits nothing). */
export function rotationMetrics(): MetricsSink {
  sink ??= powertoolsMetricsSink(new Metrics({ serviceName: ROTATION_SERVICE_NAME }));
  return sink;
}

/** Records one count for a rotation of `domain` (and the fleet view the alarms watch). */
export function countForDomain(
  metrics: MetricsSink,
  name: MetricName,
  domain: string | undefined,
  value = 1,
): void {
  metrics.put(name, value, 'Count', domain ? { [DIMENSION.Domain]: domain } : {});
}

/**
 * Wraps a task handler so that, once it succeeded, the metric `metricOf(event)` names (if any) is
 * counted for the event's domain. A failed handler counts nothing (Step Functions retries it).
 */
export function countingAfterSuccess<E extends { plan?: { domain?: string } }, R, C>(
  handler: (event: E, context?: C) => Promise<R>,
  metricOf: (event: E) => MetricName | undefined,
  metrics: () => MetricsSink = rotationMetrics,
): (event: E, context?: C) => Promise<R> {
  return async (event, context) => {
    const result = await handler(event, context);
    const name = metricOf(event);
    if (name !== undefined) countForDomain(metrics(), name, event?.plan?.domain);
    return result;
  };
}
