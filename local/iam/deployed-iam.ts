/**
 * The IAM of the synthesized stack, as the local environment enforces it: each function's role
 * with its identity policies, the operators' managed policy, and the resource policies (bucket,
 * topic, KMS key, secret), all with their intrinsics resolved to the stand-ins' ARNs.
 */
import type { CfnTemplate } from '../runner/definition';
import { OPERATOR_PRINCIPAL, STATE_MACHINE_PRINCIPAL } from './principals';
import {
  type LocalAccount,
  type PhysicalResource,
  principalOfFunctionName,
  TemplateResolver,
} from './template-resolver';

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[] | Record<string, unknown>;
}

/** A principal of the stack: a function's role, the state machine's, or the operators. */
export interface DeployedPrincipal {
  /** The state name of the function (`GenerateKey`, `ApprovalEndpoint`, `Monitor`), `StateMachine` or `Operator`. */
  readonly name: string;
  /** The ARN AWS evaluates: the assumed-role session of a function, the operators' role. */
  readonly arn: string;
  readonly policies: ReadonlyArray<{ readonly name: string; readonly document: PolicyDocument }>;
}

/** Everything the local IAM needs from a template. */
export interface DeployedIam {
  readonly account: LocalAccount;
  readonly principals: ReadonlyMap<string, DeployedPrincipal>;
  /** Resource policies by the ARN they protect (a bucket's applies to its objects too). */
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  /** The KMS key ARN encrypting each bucket's objects by default (SSE-KMS), by bucket name. */
  readonly bucketKeys: ReadonlyMap<string, string>;
  /** The KMS key ARN of each encrypted topic, secret and state machine, by its ARN. */
  readonly encryptionKeys: ReadonlyMap<string, string>;
}

/** How the rehearsal names resources the stand-ins already have (bucket, topics, state machine). */
export interface LocalNames {
  /** Physical values by a fragment of the logical id (e.g. `KeyStore`, `DnsTeamTopic`). */
  readonly byLogicalIdFragment: Readonly<Record<string, PhysicalResource>>;
}

/** Reads the principals and resource policies of `template`. */
export function readDeployedIam(
  template: CfnTemplate,
  names: LocalNames,
  account?: LocalAccount,
): DeployedIam {
  const overrides: Record<string, PhysicalResource> = {};
  for (const logicalId of Object.keys(template.Resources)) {
    for (const [fragment, physical] of Object.entries(names.byLogicalIdFragment)) {
      if (new RegExp(`${fragment}[0-9A-F]{8}$`).test(logicalId)) overrides[logicalId] = physical;
    }
  }
  const resolver = new TemplateResolver(template, account, overrides);
  const policiesOfRole = rolePolicies(resolver);
  const principals = new Map<string, DeployedPrincipal>();
  for (const logicalId of resolver.logicalIdsOf('AWS::Lambda::Function')) {
    const props = resolver.resource(logicalId).Properties ?? {};
    const functionName = resolver.physical(logicalId).ref;
    const name = principalOfFunctionName(functionName);
    const role = props.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const roleLogicalId = role?.['Fn::GetAtt']?.[0];
    if (roleLogicalId === undefined) throw new Error(`Function ${logicalId} has no role of the stack`);
    const roleName = resolver.physical(roleLogicalId).ref;
    principals.set(name, {
      name,
      arn: `arn:${resolver.account.partition}:sts::${resolver.account.account}:assumed-role/${roleName}/${functionName}`,
      policies: policiesOfRole(roleLogicalId),
    });
  }
  // The state machine's role acts for its AWS SDK integrations (Step Functions assumes it).
  for (const logicalId of resolver.logicalIdsOf('AWS::StepFunctions::StateMachine')) {
    const role = resolver.resource(logicalId).Properties?.RoleArn as
      | { 'Fn::GetAtt'?: [string, string] }
      | undefined;
    const roleLogicalId = role?.['Fn::GetAtt']?.[0];
    if (roleLogicalId === undefined) continue;
    const roleName = resolver.physical(roleLogicalId).ref;
    principals.set(STATE_MACHINE_PRINCIPAL, {
      name: STATE_MACHINE_PRINCIPAL,
      arn: `arn:${resolver.account.partition}:sts::${resolver.account.account}:assumed-role/${roleName}/${STATE_MACHINE_PRINCIPAL}`,
      policies: policiesOfRole(roleLogicalId),
    });
  }
  for (const logicalId of resolver.logicalIdsOf('AWS::IAM::ManagedPolicy')) {
    if (!/OperatorPolicy[0-9A-F]{8}$/.test(logicalId)) continue;
    const props = resolver.resource(logicalId).Properties ?? {};
    principals.set(OPERATOR_PRINCIPAL, {
      name: OPERATOR_PRINCIPAL,
      arn: `arn:${resolver.account.partition}:iam::${resolver.account.account}:role/byodkim-operator`,
      policies: [{ name: logicalId, document: resolver.resolve(props.PolicyDocument) as PolicyDocument }],
    });
  }
  return { account: resolver.account, principals, ...resourceSide(resolver) };
}

function rolePolicies(resolver: TemplateResolver) {
  const attached = resolver.logicalIdsOf('AWS::IAM::Policy').map((logicalId) => {
    const props = resolver.resource(logicalId).Properties ?? {};
    return {
      name: logicalId,
      roles: ((props.Roles ?? []) as Array<{ Ref?: string }>).map((role) => role.Ref),
      document: resolver.resolve(props.PolicyDocument) as PolicyDocument,
    };
  });
  return (roleLogicalId: string) => {
    const props = resolver.resource(roleLogicalId).Properties ?? {};
    const inline = ((props.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>).map(
      (policy) => ({
        name: policy.PolicyName,
        document: resolver.resolve(policy.PolicyDocument) as PolicyDocument,
      }),
    );
    const managed = ((props.ManagedPolicyArns ?? []) as unknown[]).map((arn) => {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref === undefined) {
        // An AWS managed policy's text is not in the template: refuse rather than guess it.
        throw new Error(
          `Role ${roleLogicalId} attaches ${JSON.stringify(arn)}, which the local IAM cannot read`,
        );
      }
      return {
        name: ref,
        document: resolver.resolve(resolver.resource(ref).Properties?.PolicyDocument) as PolicyDocument,
      };
    });
    return [
      ...attached
        .filter((policy) => policy.roles.includes(roleLogicalId))
        .map(({ name, document }) => ({ name, document })),
      ...inline,
      ...managed,
    ];
  };
}

function resourceSide(resolver: TemplateResolver) {
  const resourcePolicies = new Map<string, PolicyDocument>();
  const add = (arn: string, document: PolicyDocument) => {
    const existing = resourcePolicies.get(arn);
    const statements = (doc: PolicyDocument) =>
      Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    resourcePolicies.set(arn, {
      Version: '2012-10-17',
      Statement: [...(existing ? statements(existing) : []), ...statements(document)],
    });
  };
  for (const logicalId of resolver.logicalIdsOf('AWS::S3::BucketPolicy')) {
    const props = resolver.resource(logicalId).Properties ?? {};
    const bucket = resolver.resolveString(props.Bucket);
    add(
      `arn:${resolver.account.partition}:s3:::${bucket}`,
      resolver.resolve(props.PolicyDocument) as PolicyDocument,
    );
  }
  for (const logicalId of resolver.logicalIdsOf('AWS::SNS::TopicPolicy')) {
    const props = resolver.resource(logicalId).Properties ?? {};
    for (const topic of (props.Topics ?? []) as unknown[]) {
      add(resolver.resolveString(topic), resolver.resolve(props.PolicyDocument) as PolicyDocument);
    }
  }
  for (const logicalId of resolver.logicalIdsOf('AWS::SecretsManager::ResourcePolicy')) {
    const props = resolver.resource(logicalId).Properties ?? {};
    add(resolver.resolveString(props.SecretId), resolver.resolve(props.ResourcePolicy) as PolicyDocument);
  }
  const bucketKeys = new Map<string, string>();
  const encryptionKeys = new Map<string, string>();
  const keyArnOf = (value: unknown): string => {
    const resolved = resolver.resolveString(value);
    if (resolved.startsWith('arn:')) return resolved;
    const key = resolver.logicalIdsOf('AWS::KMS::Key').find((id) => resolver.physical(id).ref === resolved);
    return key ? (resolver.physical(key).attributes.Arn ?? resolved) : resolved;
  };
  for (const logicalId of resolver.logicalIdsOf('AWS::KMS::Key')) {
    const props = resolver.resource(logicalId).Properties ?? {};
    add(
      resolver.physical(logicalId).attributes.Arn ?? '',
      resolver.resolve(props.KeyPolicy) as PolicyDocument,
    );
  }
  for (const logicalId of resolver.logicalIdsOf('AWS::S3::Bucket')) {
    const props = resolver.resource(logicalId).Properties as
      | {
          BucketEncryption?: {
            ServerSideEncryptionConfiguration?: Array<{
              ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: unknown };
            }>;
          };
        }
      | undefined;
    const byDefault =
      props?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
    if (byDefault?.SSEAlgorithm === 'aws:kms' && byDefault.KMSMasterKeyID !== undefined) {
      bucketKeys.set(resolver.physical(logicalId).ref, keyArnOf(byDefault.KMSMasterKeyID));
    }
  }
  for (const [type, property] of [
    ['AWS::SNS::Topic', 'KmsMasterKeyId'],
    ['AWS::SecretsManager::Secret', 'KmsKeyId'],
  ] as const) {
    for (const logicalId of resolver.logicalIdsOf(type)) {
      const value = resolver.resource(logicalId).Properties?.[property];
      if (value !== undefined) encryptionKeys.set(resolver.physical(logicalId).ref, keyArnOf(value));
    }
  }
  for (const logicalId of resolver.logicalIdsOf('AWS::StepFunctions::StateMachine')) {
    const encryption = resolver.resource(logicalId).Properties?.EncryptionConfiguration as
      | { Type?: string; KmsKeyId?: unknown }
      | undefined;
    if (encryption?.Type === 'CUSTOMER_MANAGED_KMS_KEY' && encryption.KmsKeyId !== undefined) {
      encryptionKeys.set(resolver.physical(logicalId).ref, keyArnOf(encryption.KmsKeyId));
    }
  }
  return { resourcePolicies, bucketKeys, encryptionKeys };
}
