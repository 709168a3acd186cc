/** Authoritative DNS verification of DKIM records, and the DKIM end-to-end check. */
export { checkDkimEndToEnd, type DkimEndToEndInput, type DkimEndToEndResult } from './dkim-end-to-end';
export type * from './types';
export { assertDnsVerified, decideVerdict } from './verdict';
export { parseEndpoint, verifyDkimRecord } from './verify';
