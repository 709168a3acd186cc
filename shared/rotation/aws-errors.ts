/**
 * Transient AWS failures (throttling, 5xx, network) as one error name the state machine retries.
 *
 * SDK v3 exceptions carry many names (`TooManyRequestsException` in SES, `SlowDown` in S3,
 * `ThrottlingException` elsewhere, and any 5xx). Tasks wrap every AWS call with {@link callAws}, so a
 * transient failure reaches Step Functions as {@link TRANSIENT_AWS_ERROR} and is retried there with
 * backoff and full jitter (never by sleeping inside a Lambda), while a permanent one keeps its meaning.
 */
import { stableReason, TRANSIENT_AWS_ERROR } from '../errors';

/** A throttling, 5xx or network failure of an AWS call: safe to retry later. */
export class TransientAwsError extends Error {
  override readonly name = TRANSIENT_AWS_ERROR;
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'SlowDown',
  'RequestLimitExceeded',
  // Route 53: a change to the same zone is still being processed.
  'PriorRequestNotComplete',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceededException',
  'ConditionalRequestConflict',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

interface SdkLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** HTTP status of an SDK error, when it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as SdkLikeError | undefined)?.$metadata?.httpStatusCode;
}

/** True for throttling, 5xx and network failures. */
export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof TransientAwsError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const sdk = error as SdkLikeError;
  if (sdk.name !== undefined && THROTTLING_NAMES.has(sdk.name)) return true;
  if (sdk.code !== undefined && NETWORK_CODES.has(sdk.code)) return true;
  const status = sdk.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return sdk.$retryable !== undefined && sdk.$retryable !== false;
}

/**
 * Runs one AWS call; a transient failure becomes a {@link TransientAwsError} naming the operation
 * (volatile detail such as request ids stripped), anything else is rethrown unchanged.
 */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransientAwsError(error) && !(error instanceof TransientAwsError)) {
      throw new TransientAwsError(`${operation} failed transiently (${stableReason(error)}); retrying.`, {
        cause: error,
      });
    }
    throw error;
  }
}
