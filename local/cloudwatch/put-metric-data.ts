/**
 * CloudWatch's PutMetricData, as the state machine calls it through its AWS SDK integration
 * (`arn:aws:states:::aws-sdk:cloudwatch:putMetricData`, RecordLostNotice): authorized as the state
 * machine's role — PutMetricData has no resource-level permission, so the resource is `*` and
 * the namespace is the `cloudwatch:namespace` condition key (CloudWatch User Guide, "Using
 * condition keys to limit access to CloudWatch namespaces") — and checked as CloudWatch checks a
 * request (a namespace not beginning with `AWS/`, named metrics, finite values, at most 30
 * dimensions). Errors are named `CloudWatch.<Error>`, as Step Functions names the errors of an
 * AWS SDK integration (Step Functions Developer Guide, "AWS SDK service integrations").
 */
import type { AwsAuthorizer } from '../iam/local-iam';

/** One data point as it was put. */
export interface PutMetricDatum {
  readonly namespace: string;
  readonly name: string;
  readonly value: number;
  readonly unit?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly at: number;
}

interface DatumInput {
  readonly MetricName?: unknown;
  readonly Value?: unknown;
  readonly Unit?: unknown;
  readonly Dimensions?: ReadonlyArray<{ readonly Name?: unknown; readonly Value?: unknown }>;
}

/** An error as Step Functions reports a failed AWS SDK integration call. */
function cloudWatchError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name: `CloudWatch.${name}` });
}

const isName = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;

/** The metrics the rehearsal's state machine put, in order. */
export class LocalMetrics {
  readonly #data: PutMetricDatum[] = [];

  constructor(private readonly authorizer: AwsAuthorizer) {}

  /** Every data point so far. */
  data(): readonly PutMetricDatum[] {
    return [...this.#data];
  }

  /** PutMetricData signed with `accessKeyId`; `input` is the state's effective Parameters. */
  async putMetricData(accessKeyId: string, input: unknown): Promise<Record<string, never>> {
    const { Namespace: namespace, MetricData: data } = (input ?? {}) as {
      Namespace?: unknown;
      MetricData?: unknown;
    };
    if (!isName(namespace, 255) || namespace.startsWith('AWS/')) {
      throw cloudWatchError(
        'InvalidParameterValueException',
        'The value for parameter Namespace must be 1-255 characters and must not begin with "AWS/".',
      );
    }
    const decision = await this.authorizer.authorize({
      accessKeyId,
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': namespace },
    });
    if (!decision.allowed) throw cloudWatchError('AccessDeniedException', decision.message);
    if (!Array.isArray(data) || data.length === 0 || data.length > 1000) {
      throw cloudWatchError('InvalidParameterValueException', 'MetricData must hold 1 to 1000 data points.');
    }
    const at = Date.now();
    const points = (data as DatumInput[]).map((datum) => {
      const dimensions = datum.Dimensions ?? [];
      if (
        !isName(datum.MetricName, 255) ||
        typeof datum.Value !== 'number' ||
        !Number.isFinite(datum.Value)
      ) {
        throw cloudWatchError(
          'InvalidParameterValueException',
          'Each datum needs a MetricName and a finite Value.',
        );
      }
      if (dimensions.length > 30 || dimensions.some((d) => !isName(d.Name, 255) || !isName(d.Value, 1024))) {
        throw cloudWatchError(
          'InvalidParameterValueException',
          'Dimensions must be at most 30, each with a Name and a Value.',
        );
      }
      return {
        namespace,
        name: datum.MetricName,
        value: datum.Value,
        ...(typeof datum.Unit === 'string' ? { unit: datum.Unit } : {}),
        dimensions: Object.fromEntries(dimensions.map((d) => [String(d.Name), String(d.Value)])),
        at,
      };
    });
    this.#data.push(...points);
    return {};
  }
}
