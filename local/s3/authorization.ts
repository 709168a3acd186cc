/**
 * What S3 authorizes for each operation of the stand-in, as the S3 API Reference documents it:
 * the action and resource of the request itself, the `s3:ListBucket` check that decides between
 * 404 and 403 for a missing key, and the KMS permission an SSE-KMS object needs.
 */
import type { IncomingMessage } from 'node:http';
import { header } from '../http';
import type { AwsAuthorizer, ContextValues } from '../iam/local-iam';
import { accessKeyOfAuthorization } from '../iam/principals';
import { regionFromAuthorization } from '../ses/sigv4';

/** Authorization settings of the S3 stand-in. */
export interface S3Authorization {
  /** Evaluates each call; absent: every call is allowed (stand-in unit tests). */
  readonly authorizer: AwsAuthorizer;
  /** The KMS key encrypting each bucket's objects by default (SSE-KMS with a bucket key), by bucket name. */
  readonly bucketKeys?: ReadonlyMap<string, string>;
  /**
   * The region the buckets are in (the deployed stack's): S3 calls KMS from there, whatever
   * region the client signed for. @default the region of the request's signature
   */
  readonly bucketRegion?: string;
}

/** Thrown when S3 would answer 403 AccessDenied. */
export class S3AccessDenied extends Error {}

/** The caller of one request, for the checks below. */
export class S3RequestAuthorizer {
  readonly #accessKeyId: string | undefined;
  readonly #region: string;

  constructor(
    private readonly settings: S3Authorization | undefined,
    request: IncomingMessage,
  ) {
    const authorization = header(request, 'authorization');
    this.#accessKeyId = accessKeyOfAuthorization(authorization);
    this.#region = regionFromAuthorization(authorization) ?? 'us-east-1';
  }

  /** Throws {@link S3AccessDenied} unless the caller may perform `action` on `resource`. */
  async require(action: string, resource: string, context?: ContextValues): Promise<void> {
    if (!(await this.allows(action, resource, context))) {
      throw new S3AccessDenied(this.#lastMessage);
    }
  }

  #lastMessage = 'Access Denied';

  /** Whether the caller may perform `action` (a denial is still recorded by the authorizer). */
  async allows(action: string, resource: string, context?: ContextValues): Promise<boolean> {
    if (!this.settings) return true;
    const decision = await this.settings.authorizer.authorize({
      accessKeyId: this.#accessKeyId,
      action,
      resource,
      ...(context ? { context } : {}),
    });
    if (!decision.allowed) this.#lastMessage = decision.message;
    return decision.allowed;
  }

  /**
   * S3 API Reference, GetObject/HeadObject "Permissions": a missing key is 404 NoSuchKey only for
   * a caller that may `s3:ListBucket` the bucket; anyone else gets 403 AccessDenied. AWS evaluates
   * ListBucket for the bucket itself here, so a grant conditioned on `s3:prefix` does not count.
   */
  async missingKeyIsVisible(bucket: string): Promise<boolean> {
    return this.allows('s3:ListBucket', bucketArn(bucket));
  }

  /**
   * SSE-KMS (S3 User Guide, "Using server-side encryption with AWS KMS keys"): reading an object
   * needs kms:Decrypt and writing one kms:GenerateDataKey on its key, by the key policy and the
   * caller's identity policy; with an S3 Bucket Key the encryption context is the bucket ARN.
   * S3 makes that KMS call on the caller's behalf, so KMS sees `kms:ViaService` =
   * `s3.<bucket region>.amazonaws.com` (KMS Developer Guide, "kms:ViaService").
   */
  async requireKmsFor(bucket: string, action: 'kms:Decrypt' | 'kms:GenerateDataKey'): Promise<void> {
    const keyArn = this.settings?.bucketKeys?.get(bucket);
    if (keyArn === undefined) return;
    await this.require(action, keyArn, {
      'kms:ViaService': `s3.${this.settings?.bucketRegion ?? this.#region}.amazonaws.com`,
      'kms:CallerAccount': keyArn.split(':')[4] ?? '',
      'kms:EncryptionContext:aws:s3:arn': bucketArn(bucket),
      'kms:EncryptionContextKeys': ['aws:s3:arn'],
    });
  }
}

/** The ARN of a bucket. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** The ARN of an object. */
export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}
