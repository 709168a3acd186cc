/** The deployable stack: one {@link ByodkimRotation} configured from infra/config/<stage>.json. */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RotationConfig } from '../shared/config';
import { ByodkimRotation } from './byodkim-rotation';
import type { ByodkimRotationProps } from './byodkim-rotation-props';
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
  }
}
