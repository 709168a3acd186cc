/**
 * Which objects of a stored key exist, found by listing the key's folder (`s3:ListBucket`) and
 * never by reading an object. A role that only needs to know that a private key is there (so a
 * rollback can restore it) is not given `s3:GetObject` on `private-key.pem`: HeadObject would not
 * do either, since S3 authorizes HEAD with `s3:GetObject` too (S3 API Reference, HeadObject,
 * "Permissions"). Listing reveals key names only, never key material, and needs no KMS key.
 */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { callAws } from './aws-errors';
import { type KeyPaths, type KeyStoreDeps, keyPaths } from './key-store';

/** The objects of one selector that are in the store. */
export type KeyPresence = { readonly [name in keyof KeyPaths]: boolean };

/**
 * Lists `dkim/<domain>/<selector>/` and says which of its objects exist.
 * @throws TransientAwsError on throttling or 5xx (retried by the workflow), S3's own error otherwise
 */
export async function keyPresence(
  deps: KeyStoreDeps,
  domain: string,
  selector: string,
): Promise<KeyPresence> {
  const paths = keyPaths(domain, selector);
  const folder = paths.metadata.slice(0, paths.metadata.lastIndexOf('/') + 1);
  const found = new Set<string>();
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await callAws(`S3 ListObjectsV2 ${folder}`, () =>
      deps.s3.send(
        new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: folder, ContinuationToken: token }),
      ),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) found.add(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return {
    privateKey: found.has(paths.privateKey),
    certificate: found.has(paths.certificate),
    metadata: found.has(paths.metadata),
  };
}
