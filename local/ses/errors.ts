/**
 * SES v2 errors as the real service sends them (REST JSON): the code in the `x-amzn-ErrorType`
 * header, `{"message": …}` in the body, and the HTTP status from the service model, so the SDK
 * raises the same exception class (`TooManyRequestsException`, `NotFoundException`, …) with the
 * same `$metadata.httpStatusCode` and retry classification as in production.
 */

/** HTTP status of each SES v2 error code (from the SDK's model; AWS common errors for the rest). */
const SES_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 403,
  AccountSuspendedException: 400,
  AlreadyExistsException: 400,
  BadRequestException: 400,
  ConcurrentModificationException: 500,
  ConflictException: 409,
  InternalFailure: 500,
  InternalServiceErrorException: 500,
  InvalidNextTokenException: 400,
  LimitExceededException: 400,
  MailFromDomainNotVerifiedException: 400,
  MessageRejected: 400,
  MissingAuthenticationTokenException: 403,
  NotFoundException: 404,
  SendingPausedException: 400,
  ServiceUnavailable: 503,
  ThrottlingException: 400,
  TooManyRequestsException: 429,
  UnknownOperationException: 404,
};

/** The HTTP status SES answers with for `code`; unknown codes are server faults (500). */
export function sesErrorStatus(code: string): number {
  return SES_ERROR_STATUS[code] ?? 500;
}

/** An error the SES stand-in answers with. */
export class SesError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = sesErrorStatus(code),
  ) {
    super(message);
  }
}

/** `BadRequestException` worded like SES's request validation. */
export function validationError(field: string, constraint: string): SesError {
  return new SesError(
    'BadRequestException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
