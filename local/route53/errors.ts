/**
 * Route 53 errors as the real service sends them (REST-XML): the HTTP status from the service
 * model, and `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`,
 * so the SDK raises the exception class named by the code (`InvalidChangeBatch`,
 * `NoSuchHostedZone`, `Throttling`, …) with the same `$metadata.httpStatusCode`.
 */
import { route53Document, xmlElement } from './xml';

/** HTTP status of the Route 53 error codes the stand-in answers with (others: 500). */
const ROUTE53_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDenied: 403,
  InvalidChangeBatch: 400,
  InvalidInput: 400,
  MalformedInput: 400,
  NoSuchChange: 404,
  NoSuchHostedZone: 404,
  NotImplemented: 501,
  PriorRequestNotComplete: 400,
  Throttling: 400,
  InternalFailure: 500,
};

/** The HTTP status Route 53 answers with for `code`; unknown codes are server faults (500). */
export function route53ErrorStatus(code: string): number {
  return ROUTE53_ERROR_STATUS[code] ?? 500;
}

/** An error the Route 53 stand-in answers with. */
export class Route53Error extends Error {
  override readonly name = 'Route53Error';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number = route53ErrorStatus(code),
  ) {
    super(message);
  }

  /** `Sender` for the caller's mistakes (4xx), `Receiver` for the service's (5xx). */
  get type(): 'Sender' | 'Receiver' {
    return this.status < 500 ? 'Sender' : 'Receiver';
  }
}

/**
 * `InvalidChangeBatch` as Route 53 sends it today: the standard error document, every problem of
 * the batch in one `<Message>`, bracketed and comma-separated (`[first, second]`), even when there
 * is only one. (Route 53 once sent a `<InvalidChangeBatch><Messages>` document; the SDK's model
 * still has a `messages` list, which stays empty with the current form.)
 */
export function invalidChangeBatch(messages: readonly string[]): Route53Error {
  return new Route53Error('InvalidChangeBatch', `[${messages.join(', ')}]`);
}

/** `InvalidInput` (400): the request is malformed or asks for something the stand-in refuses. */
export function invalidInput(message: string): Route53Error {
  return new Route53Error('InvalidInput', message);
}

/** The error document for `error`. */
export function errorDocument(error: Route53Error, requestId: string): string {
  return route53Document('ErrorResponse', [
    xmlElement('Error', [
      xmlElement('Type', error.type),
      xmlElement('Code', error.code),
      xmlElement('Message', error.message),
    ]),
    xmlElement('RequestId', requestId),
  ]);
}
