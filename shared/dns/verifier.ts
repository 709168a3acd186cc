/** The DNS verifier's functions, injected into the tasks that check records (tests and the local runner swap them). */
import type { assertDnsVerified, checkDkimEndToEnd, verifyDkimRecord } from './index';

export interface DnsVerifier {
  readonly verifyDkimRecord: typeof verifyDkimRecord;
  readonly assertDnsVerified: typeof assertDnsVerified;
  readonly checkDkimEndToEnd: typeof checkDkimEndToEnd;
}
