/** Authoritative DNS verification of DKIM records (TXT, and Easy DKIM's CNAMEs), and the DKIM end-to-end check. */

export { printable } from '../sanitise';
export { checkDkimEndToEnd, type DkimEndToEndInput, type DkimEndToEndResult } from './dkim-end-to-end';
export { DEFAULT_IPV6_POLICY, describeNotChecked, LAMBDA_NO_IPV6_REASON } from './ipv6-policy';
export type * from './types';
export { assertDnsVerified, decideVerdict } from './verdict';
export { parseEndpoint, verifyDkimRecord } from './verify';
export { type CnameRecordInput, verifyCnameRecord } from './verify-cname';
