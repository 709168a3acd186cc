/**
 * Fault injection shared by the S3 and SES stand-ins: scenarios make a named operation fail a
 * number of times with a named AWS error, to rehearse retries, rollbacks and redrives.
 */

/** One injected failure, as a scenario file writes it. */
export interface FaultSpec {
  /** The API operation name, e.g. `PutEmailIdentityDkimSigningAttributes` or `PutObject`. */
  readonly operation: string;
  /**
   * The AWS error code the SDK will see as the exception's `name`, e.g. `TooManyRequestsException`,
   * `InternalFailure`, `ServiceUnavailable` (SES) or `InternalError`, `SlowDown` (S3).
   */
  readonly error: string;
  /**
   * How many HTTP requests fail before the operation works again. Counts requests, not SDK calls:
   * the SDK retries throttling and 5xx errors itself (3 attempts by default).
   * @default 1
   */
  readonly times?: number;
  /** Only requests to this region fail (SES). @default - every region */
  readonly region?: string;
  /** Only requests for this resource fail: the identity (SES) or `bucket/key` prefix (S3). */
  readonly resource?: string;
  /** HTTP status to answer with. @default - the status AWS uses for `error` (see each server) */
  readonly httpStatus?: number;
  /** The error message. @default - a fixed text naming the injected fault */
  readonly message?: string;
}

/** A fault that fired: what the server must answer. */
export interface FiredFault {
  readonly error: string;
  readonly httpStatus: number;
  readonly message: string;
}

/** The request a fault may match. */
export interface FaultTarget {
  readonly operation: string;
  readonly region?: string;
  readonly resource?: string;
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/**
 * Holds the faults still to fire, in order. The first armed fault matching a request fires and
 * counts down; an exhausted fault is kept (with 0 left) so a test can assert it was used up.
 */
export class FaultInjector {
  readonly #armed: ArmedFault[] = [];
  readonly #statusOf: (error: string) => number;
  #fired = 0;

  /**
   * @param faults faults armed from the start
   * @param statusOf the HTTP status AWS answers with for an error code (per service)
   */
  constructor(faults: readonly FaultSpec[], statusOf: (error: string) => number) {
    this.#statusOf = statusOf;
    for (const fault of faults) this.add(fault);
  }

  /** Arms one more fault (scenarios may inject while a run is under way). */
  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 0) {
      throw new RangeError(`Fault ${spec.operation}/${spec.error}: times must be a whole number >= 0.`);
    }
    this.#armed.push({ spec, remaining: times });
  }

  /** Fires the first armed fault matching `target`, or returns undefined. */
  take(target: FaultTarget): FiredFault | undefined {
    const match = this.#armed.find(
      ({ spec, remaining }) =>
        remaining > 0 &&
        spec.operation === target.operation &&
        (spec.region === undefined || spec.region === target.region) &&
        (spec.resource === undefined || (target.resource ?? '').startsWith(spec.resource)),
    );
    if (!match) return undefined;
    match.remaining -= 1;
    this.#fired += 1;
    const { spec } = match;
    return {
      error: spec.error,
      httpStatus: spec.httpStatus ?? this.#statusOf(spec.error),
      message: spec.message ?? `Injected fault: ${spec.error} on ${spec.operation}.`,
    };
  }

  /** How many requests failed by injection so far. */
  get fired(): number {
    return this.#fired;
  }

  /** The armed faults and how many times each is still to fire. */
  pending(): readonly { readonly spec: FaultSpec; readonly remaining: number }[] {
    return this.#armed.map(({ spec, remaining }) => ({ spec, remaining }));
  }
}
