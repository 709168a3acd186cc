/**
 * A hosted zone for task tests: the local Route 53 stand-in (real SDK client, real XML) over an
 * in-memory zone instead of name servers. Not a test file.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { LOCAL_CREDENTIALS } from '../../../local/aws-stand-ins';
import { LocalRoute53 } from '../../../local/route53';
import { MemoryZone } from '../../support/memory-zone';

export const HOSTED_ZONE_ID = 'Z0TESTZONE0001';

/** Starts a stand-in holding `domain`'s zone with `records`; `stop()` when done. */
export async function startHostedZone(
  domain: string,
  records: Record<string, string> = {},
  options: { requestsPerSecond?: number } = {},
) {
  const zone = new MemoryZone(domain, records);
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
