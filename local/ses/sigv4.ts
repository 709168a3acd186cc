/**
 * The region of a request, read from the SigV4 credential scope
 * (`Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request`). The SES stand-in serves every
 * region from one port: the region a client is configured for is in every request it signs,
 * exactly as real endpoints see it. Signatures themselves are not checked.
 */
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

/** The region in an `Authorization` header, or undefined when the header is not SigV4. */
export function regionFromAuthorization(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return CREDENTIAL_SCOPE.exec(authorization)?.[1];
}
