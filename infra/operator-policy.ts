/**
 * The operators' managed policy: exactly what the `byodkim` CLI calls against one deployment
 * (status, history, start, redrive, approve/reject, import), and nothing that reads a private
 * key. Attach it to the operators' role or SSO permission set (docs/deployment.md); the local
 * rehearsal evaluates the CLI's calls against this same policy, read from the template.
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { dataKeyStatements } from './data-key-grants';
import { acknowledgeConfigObjects } from './deployed-config';
import { acknowledgeKeyStorePatterns } from './key-store-acknowledgements';

/** Properties of {@link OperatorPolicy}. */
export interface OperatorPolicyProps {
  /** The key store. */
  readonly bucket: s3.IBucket;
  /** The key encrypting the key store. */
  readonly key: kms.IKey;
  /** The rotation state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The SES identity ARNs of every configured domain and region. */
  readonly identities: readonly string[];
}

/** The managed policy operators use with the `byodkim` CLI. */
export class OperatorPolicy extends Construct {
  /** The policy (its ARN is the stack output `OperatorPolicyArn`). */
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${props.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const objects = (pattern: string) => props.bucket.arnForObjects(pattern);
    this.policy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      description:
        'BYODKIM rotation operators: the byodkim CLI (status, history, start, redrive, approve, import)',
      statements: [
        new iam.PolicyStatement({
          sid: 'FindTheDeployment',
          actions: ['cloudformation:DescribeStacks'],
          resources: [stack.stackId],
        }),
        new iam.PolicyStatement({
          sid: 'RunRotations',
          actions: ['states:StartExecution', 'states:ListExecutions'],
          resources: [props.stateMachine.stateMachineArn],
        }),
        new iam.PolicyStatement({
          sid: 'FollowRotations',
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: [executions],
        }),
        // SendTask* are evaluated on the token's state machine (see the construct's endpoint grant).
        new iam.PolicyStatement({
          sid: 'DecideApprovals',
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [props.stateMachine.stateMachineArn],
        }),
        // Listing names only; without it S3 answers 403 instead of 404 for a missing object.
        new iam.PolicyStatement({
          sid: 'ListKeyStore',
          actions: ['s3:ListBucket'],
          resources: [props.bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'ReadKeyStoreExceptPrivateKeys',
          actions: ['s3:GetObject'],
          resources: [
            objects('dkim/*/certificate.pem'),
            objects('dkim/*/metadata.json'),
            objects('dns-requests/*'),
            objects('approvals/*'),
            // The deployed configuration the CLI reads by default (infra/deployed-config.ts).
            objects('config/*'),
          ],
        }),
        // import writes a key once (If-None-Match: *); approve/reject update the approval record.
        new iam.PolicyStatement({
          sid: 'ImportKeysAndDecide',
          actions: ['s3:PutObject'],
          resources: [
            objects('dkim/*/private-key.pem'),
            objects('dkim/*/certificate.pem'),
            objects('dkim/*/metadata.json'),
            objects('approvals/*'),
          ],
        }),
        // The key only through S3 (reads, and import's writes) and Step Functions (DescribeExecution
        // and GetExecutionHistory decrypt execution data): never a direct kms:Decrypt.
        ...dataKeyStatements(
          this,
          props.key,
          new Map([
            ['s3', new Set(['kms:Decrypt', 'kms:GenerateDataKey'] as const)],
            ['states', new Set(['kms:Decrypt'] as const)],
          ]),
        ),
        new iam.PolicyStatement({
          sid: 'ReadSesSigning',
          actions: ['ses:GetEmailIdentity'],
          resources: [...props.identities],
        }),
        // `byodkim status` for the whole fleet lists identities once per region instead of one
        // GetEmailIdentity per domain (SES allows 1 request/s). ListEmailIdentities names no
        // resource type (Service Authorization Reference, Amazon SES v2), so only `*` fits; it
        // reveals identity names and verification status, nothing of their keys.
        new iam.PolicyStatement({
          sid: 'ListSesIdentities',
          actions: ['ses:ListEmailIdentities'],
          resources: ['*'],
        }),
      ],
    });
    acknowledgeKeyStorePatterns(this.policy, props.bucket);
    acknowledgeConfigObjects(this.policy, props.bucket);
    const machineName = `<${stack.resolve((props.stateMachine.node.defaultChild as sfn.CfnStateMachine).logicalId)}.Name>`;
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ses:ListEmailIdentities has no resource type: `*` is the only resource it accepts.',
    });
    Validations.of(this.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*]`,
      reason: 'The executions of this one state machine: their names are chosen at run time.',
    });
  }
}
