/** XML writing for Route 53 responses (API version 2013-04-01): few fixed shapes, no library needed. */
import { xmlElement } from '../s3/xml';

/** The namespace of every Route 53 document, requests, responses and errors alike. */
export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** The API version in every Route 53 path (`/2013-04-01/…`). */
export const ROUTE53_API_VERSION = '2013-04-01';

export { xmlElement } from '../s3/xml';

/** A whole response document in the Route 53 namespace. */
export function route53Document(root: string, children: readonly string[]): string {
  return `<?xml version="1.0"?>\n<${root} xmlns="${ROUTE53_NAMESPACE}">${children.join('')}</${root}>`;
}

/** The element when `content` is defined, else nothing (optional response fields). */
export function optionalElement(name: string, content: string | undefined): string {
  return content === undefined ? '' : xmlElement(name, content);
}
