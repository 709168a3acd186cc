/**
 * Where the DNS-checking functions (VerifyDnsRecord, RetireOldKey, ConfirmRollback, the monitor) run. Outside a VPC
 * (the default) Lambda reaches the internet over IPv4 only, so they check every IPv4 address of
 * every authoritative name server and report the IPv6 ones not checked. In a dual-stack VPC with
 * `Ipv6AllowedForDualStack` they check every IPv6 address too (docs/design/20261203-ipv6-egress.md).
 */
import { Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { DNS_IPV6_EGRESS_ENV, type DnsIpv6Egress } from '../shared/rotation/dns-egress';

/** A dual-stack VPC for the DNS-checking functions. */
export interface DnsCheckVpc {
  /**
   * A VPC with IPv6 (`ipProtocol: ec2.IpProtocol.DUAL_STACK`) whose chosen subnets route
   * `0.0.0.0/0` to a NAT gateway (the name servers' IPv4 addresses, S3, SES, SNS, Step Functions,
   * KMS) and `::/0` to an egress-only internet gateway, with the Amazon-provided DNS resolver on.
   */
  readonly vpc: ec2.IVpc;
  /**
   * Dual-stack private subnets with egress to place the functions in.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the functions; they must allow outbound UDP and TCP 53 on IPv4 and IPv6,
   * and HTTPS to the AWS APIs.
   * @default - one new group allowing all outbound IPv4 and IPv6 traffic and no inbound
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
}

/** The function props and environment that place a DNS-checking function. */
export interface DnsCheckPlacement {
  /** Spread into the function's props: the VPC settings, or nothing outside a VPC. */
  readonly functionProps: Pick<
    lambda.FunctionProps,
    'vpc' | 'vpcSubnets' | 'securityGroups' | 'ipv6AllowedForDualStack'
  >;
  /** Always set: the functions learn their IPv6 egress from it. */
  readonly environment: Readonly<Record<string, string>>;
}

/** One problem per line for `props.dnsCheckVpc`, naming the fix. */
export function checkDnsCheckVpc(value: DnsCheckVpc | undefined, problems: string[]): void {
  if (value === undefined) return;
  // Only a VPC built in this app says whether it has IPv6; an imported one is taken at its word.
  // `useIpv6` is the Vpc construct's own record of `ipProtocol`.
  const useIpv6 = (value.vpc as unknown as { useIpv6?: unknown }).useIpv6;
  if (value.vpc instanceof ec2.Vpc && useIpv6 === false) {
    problems.push(
      'props.dnsCheckVpc.vpc is IPv4-only: create it with ipProtocol: ec2.IpProtocol.DUAL_STACK so the functions get IPv6 egress',
    );
  }
  const groups = value.securityGroups;
  if (
    groups !== undefined &&
    !Token.isUnresolved(groups.length) &&
    (groups.length < 1 || groups.length > 5)
  ) {
    problems.push(
      `props.dnsCheckVpc.securityGroups has ${groups.length}: Lambda takes 1 to 5 security groups`,
    );
  }
}

/**
 * The placement of the DNS-checking functions: in `vpc` with IPv6 egress when given, with one
 * shared security group unless some are given; `DNS_IPV6_EGRESS` says which.
 */
export function dnsCheckPlacement(scope: Construct, vpc: DnsCheckVpc | undefined): DnsCheckPlacement {
  const egress: DnsIpv6Egress = vpc === undefined ? 'none' : 'dual-stack-vpc';
  const environment = { [DNS_IPV6_EGRESS_ENV]: egress };
  if (vpc === undefined) return { functionProps: {}, environment };
  const securityGroups = vpc.securityGroups
    ? [...vpc.securityGroups]
    : [
        new ec2.SecurityGroup(scope, 'DnsCheckSecurityGroup', {
          vpc: vpc.vpc,
          description: 'BYODKIM rotation DNS checks: outbound only (DNS to name servers, HTTPS to AWS APIs)',
          allowAllOutbound: true,
          allowAllIpv6Outbound: true,
        }),
      ];
  return {
    functionProps: {
      vpc: vpc.vpc,
      vpcSubnets: vpc.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups,
      ipv6AllowedForDualStack: true,
    },
    environment,
  };
}

/**
 * Lets a function with its own role attach to the VPC: Lambda creates and deletes its network
 * interfaces with the execution role (CDK adds AWSLambdaVPCAccessExecutionRole only to roles it
 * creates itself). The EC2 actions take no resource-level scoping, hence `*`.
 */
export function allowVpcNetworkInterfaces(role: iam.Role): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }),
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'Lambda manages the network interfaces of a VPC function with its execution role; these EC2 actions support no resource-level permission (the AWS managed AWSLambdaVPCAccessExecutionRole grants the same on *).',
  });
}

/**
 * A dual-stack VPC made for the DNS checks: two AZs, public subnets with one NAT gateway (IPv4
 * egress to the name servers and the AWS APIs), private subnets whose `::/0` goes to an
 * egress-only internet gateway (IPv6 egress, free of NAT charges), the Amazon-provided resolver,
 * and rejected-traffic flow logs.
 */
export function createDnsCheckVpc(scope: Construct, id: string): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, {
    ipProtocol: ec2.IpProtocol.DUAL_STACK,
    maxAzs: 2,
    natGateways: 1,
    enableDnsSupport: true,
    enableDnsHostnames: true,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'DnsChecks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  vpc.addFlowLog('RejectedTraffic', { trafficType: ec2.FlowLogTrafficType.REJECT });
  return vpc;
}
