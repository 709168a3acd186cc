/**
 * Which SES identities the roles may read and change: the configured ones, ARN by ARN, or every
 * identity of the configured regions.
 *
 * Listing each identity is the tighter grant, but it grows with the fleet: each ARN appears in
 * several roles' policies, so at about 100 domains a role's policies pass what IAM stores for one
 * role (10,240 characters inline, plus 10 managed policies of 6,144 by default: "IAM and AWS STS
 * quotas"), and at about 700 the template passes CloudFormation's 1 MB (`npm run bench`, synth
 * rows). A fleet therefore says `sesIdentityScope: 'regions'` and takes `identity/*` in its
 * regions: the roles may then also touch the account's other identities there, which is the
 * price of one stack for the fleet (a separate account for the fleet's identities contains it).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RotationConfig } from '../shared/config';

/** `identities`: each configured identity's ARN; `regions`: `identity/*` in each configured region. */
export type SesIdentityScope = 'identities' | 'regions';

/** Most identity ARNs (domains × regions) listed one by one before a stack must choose `regions`. */
export const MAX_LISTED_IDENTITIES = 50;

/** The problem with listing the identities of `config`, or undefined when they fit. */
export function checkSesIdentityScope(
  config: RotationConfig,
  scope: SesIdentityScope | undefined,
  problems: string[],
): void {
  if (scope !== undefined && scope !== 'identities' && scope !== 'regions') {
    problems.push(`props.sesIdentityScope = ${JSON.stringify(scope)}: must be "identities" or "regions"`);
    return;
  }
  const listed = config.domains.reduce((sum, domain) => sum + domain.regions.length, 0);
  if ((scope ?? 'identities') === 'identities' && listed > MAX_LISTED_IDENTITIES) {
    problems.push(
      `props.sesIdentityScope = "identities" lists ${listed} SES identities (domains × regions) in several roles' policies, more than the ${MAX_LISTED_IDENTITIES} that keep each role under IAM's policy size and the template under CloudFormation's 1 MB: set sesIdentityScope: "regions" (identity/* in the configured regions), or split the domains over several stacks`,
    );
  }
}

/** The SES identity resources the roles are granted, per {@link SesIdentityScope}. */
export function sesIdentityResources(
  construct: Construct,
  config: RotationConfig,
  scope: SesIdentityScope = 'identities',
): string[] {
  const stack = Stack.of(construct);
  const arn = (region: string, name: string) =>
    stack.formatArn({ service: 'ses', region, resource: 'identity', resourceName: name });
  if (scope === 'identities') {
    return config.domains.flatMap((domain) => domain.regions.map((region) => arn(region, domain.domain)));
  }
  const regions = [...new Set(config.domains.flatMap((domain) => domain.regions))].sort();
  for (const region of regions) {
    Validations.of(construct).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${region}:<AWS::AccountId>:identity/*]`,
      reason:
        'sesIdentityScope "regions": a fleet too large to list its identities one by one (infra/ses-identity-scope.ts).',
    });
  }
  return regions.map((region) => arn(region, '*'));
}
