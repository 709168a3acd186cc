/**
 * Authorizes a request an AWS service makes as its service principal (CloudWatch publishing an
 * alarm to a topic, and using the topic's KMS key), with the same engine as the local IAM,
 * `@cloud-copilot/iam-simulate`. A service principal has no identity policy: only the resource
 * policy can allow it, and AWS sets `aws:SourceAccount`/`aws:SourceArn` to the resource the
 * service acts for (IAM User Guide, "The confused deputy problem").
 */
import type { PolicyDocument } from './deployed-iam';
import { evaluate } from './evaluate';

/** One request of a service principal. */
export interface ServicePrincipalRequest {
  /** The service principal, e.g. `cloudwatch.amazonaws.com`. */
  readonly service: string;
  /** The IAM action, e.g. `sns:Publish`. */
  readonly action: string;
  /** The resource ARN the action is on. */
  readonly resource: string;
  /** The account owning the resource. */
  readonly account: string;
  /**
   * The account of the resource the service acts for (`aws:SourceAccount`).
   * @default - `account`
   */
  readonly sourceAccount?: string;
  /** The resource the service acts for (`aws:SourceArn`), e.g. the alarm's ARN. */
  readonly sourceArn: string;
  /** The resource's policy (topic policy, key policy); none means nothing allows the service. */
  readonly resourcePolicy: PolicyDocument | undefined;
}

/** The engine's verdict: `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`. */
export type ServicePrincipalVerdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/** Evaluates `request` as AWS would for a service principal calling over TLS. */
export async function authorizeServicePrincipal(
  request: ServicePrincipalRequest,
): Promise<ServicePrincipalVerdict> {
  return (await evaluate({
    request: {
      principal: request.service,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: {
        'aws:SourceAccount': request.sourceAccount ?? request.account,
        'aws:SourceArn': request.sourceArn,
        // AWS services call each other over HTTPS.
        'aws:SecureTransport': 'true',
      },
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  })) as ServicePrincipalVerdict;
}
