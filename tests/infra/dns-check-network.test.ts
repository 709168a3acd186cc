/** Where the DNS-checking functions run: outside a VPC by default, or in a dual-stack VPC with IPv6 egress. */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ByodkimRotation } from '../../infra/byodkim-rotation';
import { ByodkimRotationStack } from '../../infra/stack';
import { parseConfig } from '../../shared/config';

jest.setTimeout(60_000);

const config = parseConfig(
  {
    domains: [
      {
        domain: 'example.jp',
        selectorPrefix: 'p',
        dnsTeamEmails: ['d@example.jp'],
        opsEmails: ['o@example.jp'],
      },
    ],
  },
  'test',
);
const DNS_CHECKERS = ['VerifyDnsRecord', 'RetireOldKey', 'ConfirmRollback', 'Monitor'];

type Resources = Record<string, { Properties: Record<string, unknown> }>;

/** Every Lambda function by the suffix of its name (`<prefix>-VerifyDnsRecord` → VerifyDnsRecord). */
function functionsOf(template: Template): Map<string, Record<string, unknown>> {
  const functions = template.findResources('AWS::Lambda::Function') as Resources;
  return new Map(
    Object.values(functions).map((resource) => [
      String(resource.Properties.FunctionName).split('-').pop() ?? '',
      resource.Properties,
    ]),
  );
}
const environmentOf = (properties: Record<string, unknown> | undefined) =>
  (properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};

function synth(dnsCheckVpc: boolean): { stack: Stack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ByodkimRotationStack(app, 'ByodkimRotation-test', { config, stage: 'test', dnsCheckVpc });
  return { stack, template: Template.fromStack(stack) };
}

describe('the DNS-checking functions by default (outside any VPC)', () => {
  const { template } = synth(false);
  const functions = functionsOf(template);

  it('tell VerifyDnsRecord, RetireOldKey, ConfirmRollback and the monitor they have no IPv6 egress', () => {
    for (const name of DNS_CHECKERS) {
      expect([name, environmentOf(functions.get(name)).DNS_IPV6_EGRESS]).toEqual([name, 'none']);
      expect(functions.get(name)?.VpcConfig).toBeUndefined();
    }
  });

  it('create no VPC', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
  });
});

describe('the DNS-checking functions with dnsCheckVpc', () => {
  const { stack, template } = synth(true);
  const functions = functionsOf(template);

  it('run VerifyDnsRecord, RetireOldKey, ConfirmRollback and the monitor in the VPC with IPv6 allowed for dual stack', () => {
    for (const name of DNS_CHECKERS) {
      expect([name, functions.get(name)?.VpcConfig]).toEqual([
        name,
        expect.objectContaining({
          Ipv6AllowedForDualStack: true,
          SubnetIds: [expect.anything(), expect.anything()],
          SecurityGroupIds: [expect.anything()],
        }),
      ]);
      expect([name, environmentOf(functions.get(name)).DNS_IPV6_EGRESS]).toEqual([name, 'dual-stack-vpc']);
    }
  });

  it('leaves every other function outside the VPC', () => {
    const others = [...functions].filter(([name]) => !DNS_CHECKERS.includes(name));
    expect(others.length).toBeGreaterThan(10);
    for (const [name, properties] of others) {
      expect([name, properties.VpcConfig, environmentOf(properties).DNS_IPV6_EGRESS]).toEqual([
        name,
        undefined,
        undefined,
      ]);
    }
  });

  it('gives the VPC IPv4 egress through NAT and IPv6 egress through an egress-only internet gateway', () => {
    template.hasResourceProperties('AWS::EC2::Route', {
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::EC2::Route', {
      DestinationIpv6CidrBlock: '::/0',
      EgressOnlyInternetGatewayId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::EC2::VPC', { EnableDnsSupport: true });
  });

  it('lets the VPC functions manage their network interfaces (their roles are our own)', () => {
    const policies = template.findResources('AWS::IAM::Policy') as Resources;
    const withEni = Object.keys(policies).filter((id) =>
      JSON.stringify(policies[id]?.Properties.PolicyDocument).includes('ec2:CreateNetworkInterface'),
    );
    expect(withEni.map((id) => id.replace(/Role(DefaultPolicy)?.*$/, '')).sort()).toEqual([
      'RotationConfirmRollback',
      'RotationMonitor',
      'RotationRetireOldKey',
      'RotationVerifyDnsRecord',
    ]);
  });

  it('adds no cdk-nag AwsSolutions finding: the VPC and its grants are acknowledged in code', () => {
    // Compared with the default stack, whose own findings tests/infra/byodkim-rotation.test.ts owns.
    const findings = (scope: Stack) =>
      new AwsSolutionsChecks()
        .validateScope(scope)
        .violations.flatMap((violation) =>
          violation.violatingResources.map(
            (resource) => `${violation.ruleName} ${(resource as { constructPath?: string }).constructPath}`,
          ),
        )
        .sort();
    expect(findings(stack)).toEqual(findings(synth(false).stack));
  });
});

describe('dnsCheckVpc validation', () => {
  it('refuses an IPv4-only VPC, naming the prop and the fix', () => {
    const stack = new Stack(new App(), 'Ipv4Only');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    expect(() => new ByodkimRotation(stack, 'Rotation', { config, dnsCheckVpc: { vpc } })).toThrow(
      'props.dnsCheckVpc.vpc is IPv4-only: create it with ipProtocol: ec2.IpProtocol.DUAL_STACK',
    );
  });
});
