/** The deployable stack: one {@link ByodkimRotation} configured from infra/config/<stage>.json. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RotationConfig } from '../shared/config';
import { CONFIG_KEY_OUTPUT } from '../shared/config-store';
import { ByodkimRotation, type ByodkimRotationProps } from './byodkim-rotation';
import { createDnsCheckVpc } from './dns-check-network';

export interface ByodkimRotationStackProps extends StackProps {
  /** The validated configuration of the stage. */
  readonly config: RotationConfig;
  /** Stage name (dev, prod): names resources so stages can share an account. */
  readonly stage: string;
  /**
   * Creates a dual-stack VPC (NAT gateway for IPv4, egress-only internet gateway for IPv6) and
   * runs the DNS-checking functions in it, so they check IPv6 name server addresses too.
   * @default false - IPv4 addresses checked, IPv6 ones reported not checked
   */
  readonly dnsCheckVpc?: boolean;
  /** Anything else to pass to the construct. @default - the construct's defaults */
  readonly rotation?: Omit<ByodkimRotationProps, 'config' | 'namePrefix'>;
}

export class ByodkimRotationStack extends Stack {
  public readonly rotation: ByodkimRotation;

  constructor(scope: Construct, id: string, props: ByodkimRotationStackProps) {
    super(scope, id, props);
    this.rotation = new ByodkimRotation(this, 'Rotation', {
      ...props.rotation,
      ...(props.dnsCheckVpc ? { dnsCheckVpc: { vpc: createDnsCheckVpc(this, 'DnsCheckVpc') } } : {}),
      config: props.config,
      namePrefix: `byodkim-rotation-${props.stage}`,
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.rotation.stateMachine.stateMachineArn });
    new CfnOutput(this, 'KeyStoreBucket', { value: this.rotation.bucket.bucketName });
    new CfnOutput(this, 'ApprovalEndpoint', { value: this.rotation.approvalBaseUrl });
    new CfnOutput(this, CONFIG_KEY_OUTPUT, {
      value: this.rotation.configuration.objectKey,
      description: 'The deployed configuration in KeyStoreBucket: what byodkim reads by default',
    });
    new CfnOutput(this, 'OperatorPolicyArn', {
      value: this.rotation.operatorPolicy.managedPolicyArn,
      description: "Attach to the operators' role or SSO permission set: what the byodkim CLI needs",
    });
  }
}
