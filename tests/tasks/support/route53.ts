/**
 * A hosted zone for task tests: the local Route 53 stand-in (real SDK client, real XML) over an
 * in-memory zone instead of name servers. Not a test file.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { LOCAL_CREDENTIALS } from '../../../local/aws-stand-ins';
import { LocalRoute53, type Route53ZoneTarget } from '../../../local/route53';

export const HOSTED_ZONE_ID = 'Z0TESTZONE0001';

/** The zone as the name servers would serve it once Route 53 propagated: name → joined value. */
export class MemoryZone implements Route53ZoneTarget {
  readonly records = new Map<string, string>();
  constructor(private readonly domain: string) {}
  publishTxt(domain: string, name: string, value: string): void {
    if (domain === this.domain) this.records.set(name, value);
  }
  removeTxt(domain: string, name: string): void {
    if (domain === this.domain) this.records.delete(name);
  }
  txtRecords(domain: string) {
    return domain === this.domain ? [...this.records].map(([name, value]) => ({ name, value })) : [];
  }
}

/** Starts a stand-in holding `domain`'s zone with `records`; `stop()` when done. */
export async function startHostedZone(
  domain: string,
  records: Record<string, string> = {},
  options: { requestsPerSecond?: number } = {},
) {
  const zone = new MemoryZone(domain);
  for (const [name, value] of Object.entries(records)) zone.records.set(name, value);
  const route53 = new LocalRoute53({
    zones: [{ hostedZoneId: HOSTED_ZONE_ID, domain }],
    dns: zone,
    requestsPerSecond: options.requestsPerSecond ?? Number.POSITIVE_INFINITY,
  });
  await route53.start();
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: route53.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    zone,
    route53,
    client,
    async stop() {
      client.destroy();
      await route53.stop();
    },
  };
}
