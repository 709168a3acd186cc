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
