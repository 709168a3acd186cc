/** The S3 stand-in holding the key store, every call evaluated by the synthesized stack's IAM. */
import { type LocalAws, startLocalAws } from '../../local/aws-stand-ins';
import type { DeployedIam } from '../../local/iam/deployed-iam';
import { LocalIam } from '../../local/iam/local-iam';

/** Starts the stand-in for `bucket` under `deployed`'s policies, with `denials` added. */
export async function keyStoreUnderIam(
  deployed: DeployedIam,
  bucket: string,
  denials: Record<string, string[]> = {},
): Promise<{ aws: LocalAws; iam: LocalIam }> {
  const iam = new LocalIam(deployed, denials);
  const aws = await startLocalAws({
    isKeyPublished: async () => false,
    buckets: [bucket],
    ses: { throttle: false },
    authorizer: iam,
    bucketKeys: deployed.bucketKeys,
    bucketRegion: deployed.account.region,
  });
  return { aws, iam };
}
