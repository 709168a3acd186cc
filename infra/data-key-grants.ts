/**
 * Grants on the customer managed key, scoped to the AWS service that uses the key for the role.
 *
 * No function, monitor or operator ever calls KMS itself: S3 (SSE-KMS objects), SNS (encrypted
 * topics), Secrets Manager (the approval secret) and Step Functions (execution data) call KMS on
 * the caller's behalf, and KMS then sets `kms:ViaService` to `<service>.<region>.amazonaws.com`
 * (KMS Developer Guide, "kms:ViaService"; Step Functions Developer Guide, "Data at rest
 * encryption": `states.<region>.amazonaws.com`). Conditioning each grant on the services a role
 * really goes through means stolen role credentials cannot decrypt a data key directly, nor
 * through a service the role has no business with. CloudWatch Logs needs no grant on a role: it
 * uses the key as its own service principal (the key policy's `logs.<region>` statement).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/** The services that use the key on a caller's behalf, with the KMS actions each needs. */
export const KEY_USING_SERVICES = {
  /** Reading an SSE-KMS object needs Decrypt; writing one GenerateDataKey (S3 User Guide, SSE-KMS). */
  s3: { sid: 'UseKeyThroughS3' },
  /** Publishing to an encrypted topic needs GenerateDataKey and Decrypt (SNS Developer Guide, "Key management"). */
  sns: { sid: 'UseKeyThroughSns' },
  /** GetSecretValue needs Decrypt (Secrets Manager User Guide, "Secret encryption and decryption"). */
  secretsmanager: { sid: 'UseKeyThroughSecretsManager' },
  /** DescribeExecution and GetExecutionHistory need Decrypt (Step Functions, "Required permissions for API callers"). */
  states: { sid: 'UseKeyThroughStepFunctions' },
} as const;

/** A service that uses the key on a caller's behalf. */
export type KeyUsingService = keyof typeof KEY_USING_SERVICES;

/** The KMS actions a role needs on the key, per service it goes through. */
export type DataKeyNeeds = ReadonlyMap<KeyUsingService, ReadonlySet<'kms:Decrypt' | 'kms:GenerateDataKey'>>;

/** The `kms:ViaService` value of `service` in the stack's region and partition. */
export function viaService(scope: Construct, service: KeyUsingService): string {
  const stack = Stack.of(scope);
  return `${service}.${stack.region}.${stack.urlSuffix}`;
}

/**
 * One statement per service in `needs`: the actions that service needs, on `key` only, and only
 * when the service makes the request.
 */
export function dataKeyStatements(
  scope: Construct,
  key: kms.IKey,
  needs: DataKeyNeeds,
): iam.PolicyStatement[] {
  return (Object.keys(KEY_USING_SERVICES) as KeyUsingService[]).flatMap((service) => {
    const actions = needs.get(service);
    if (actions === undefined || actions.size === 0) return [];
    return [
      new iam.PolicyStatement({
        sid: KEY_USING_SERVICES[service].sid,
        actions: [...actions].sort(),
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaService(scope, service) } },
      }),
    ];
  });
}

/** Collects, per principal, which services use the key for it and how. */
export class DataKeyNeedsRecorder<Name extends string> {
  readonly #needs = new Map<Name, Map<KeyUsingService, Set<'kms:Decrypt' | 'kms:GenerateDataKey'>>>();

  /** `name` goes through `service`, which calls `actions` on the key for it. */
  add(name: Name, service: KeyUsingService, ...actions: Array<'kms:Decrypt' | 'kms:GenerateDataKey'>): void {
    const byService = this.#needs.get(name) ?? new Map();
    const set = byService.get(service) ?? new Set();
    for (const action of actions) set.add(action);
    byService.set(service, set);
    this.#needs.set(name, byService);
  }

  /** What `name` needs (empty when it never touches encrypted data). */
  of(name: Name): DataKeyNeeds {
    return this.#needs.get(name) ?? new Map();
  }
}
