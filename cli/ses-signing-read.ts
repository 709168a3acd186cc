import { TransientAwsError } from '../shared/rotation/aws-errors';
import { readSesSigning, type SesSigning } from '../shared/rotation/ses-signing';
import type { Target } from './target';

const ATTEMPTS = 5;
const PAUSE_MS = 1100;

/**
 * Reads a domain's DKIM signing in a region the way an operator's tool must: SES allows one
 * identity request per second per account and region, so a throttled read waits a little over a
 * second and tries again (the workflow's tasks get the same from Step Functions' Retry).
 */
export async function readSigningPatiently(
  target: Target,
  region: string,
  domain: string,
): Promise<SesSigning> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readSesSigning(target.ses, region, domain);
    } catch (error) {
      if (!(error instanceof TransientAwsError) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}
