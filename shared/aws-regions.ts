/**
 * The AWS regions a configuration may name, with the partition of each.
 *
 * A list, not a pattern: a pattern such as `^[a-z]{2}-[a-z]+-\d$` accepts regions that do not exist
 * (`zz-fake-9`, `us-north-7`), and the typo is only found at run time, when SES in that "region"
 * cannot be reached. The list is the AWS CDK's own region fact table (`RegionInfo.regions` of
 * `aws-cdk-lib/region-info`, which CDK updates as AWS opens regions); it is copied here rather
 * than imported because the Lambda functions validate the configuration too and that module is
 * large. tests/unit/aws-regions.test.ts fails when the installed CDK knows a region this list
 * lacks, so a CDK upgrade tells you to add it. The partition matters because one stack runs in one
 * partition: its SES identity ARNs and credentials are of that partition only.
 */

/** AWS partitions (the `aws` of `arn:aws:…`). */
export type AwsPartition =
  | 'aws'
  | 'aws-cn'
  | 'aws-us-gov'
  | 'aws-iso'
  | 'aws-iso-b'
  | 'aws-iso-e'
  | 'aws-iso-f'
  | 'aws-eusc';

/** Every region of the CDK's region fact table, with its partition. */
export const AWS_REGIONS: Readonly<Record<string, AwsPartition>> = {
  'af-south-1': 'aws',
  'ap-east-1': 'aws',
  'ap-east-2': 'aws',
  'ap-northeast-1': 'aws',
  'ap-northeast-2': 'aws',
  'ap-northeast-3': 'aws',
  'ap-south-1': 'aws',
  'ap-south-2': 'aws',
  'ap-southeast-1': 'aws',
  'ap-southeast-2': 'aws',
  'ap-southeast-3': 'aws',
  'ap-southeast-4': 'aws',
  'ap-southeast-5': 'aws',
  'ap-southeast-6': 'aws',
  'ap-southeast-7': 'aws',
  'ca-central-1': 'aws',
  'ca-west-1': 'aws',
  'cn-north-1': 'aws-cn',
  'cn-northwest-1': 'aws-cn',
  'eu-central-1': 'aws',
  'eu-central-2': 'aws',
  'eu-isoe-west-1': 'aws-iso-e',
  'eu-north-1': 'aws',
  'eu-south-1': 'aws',
  'eu-south-2': 'aws',
  'eu-west-1': 'aws',
  'eu-west-2': 'aws',
  'eu-west-3': 'aws',
  'eusc-de-east-1': 'aws-eusc',
  'il-central-1': 'aws',
  'me-central-1': 'aws',
  'me-south-1': 'aws',
  'me-west-1': 'aws',
  'mx-central-1': 'aws',
  'sa-east-1': 'aws',
  'us-east-1': 'aws',
  'us-east-2': 'aws',
  'us-gov-east-1': 'aws-us-gov',
  'us-gov-west-1': 'aws-us-gov',
  'us-iso-east-1': 'aws-iso',
  'us-iso-west-1': 'aws-iso',
  'us-isob-east-1': 'aws-iso-b',
  'us-isob-west-1': 'aws-iso-b',
  'us-isof-east-1': 'aws-iso-f',
  'us-isof-south-1': 'aws-iso-f',
  'us-west-1': 'aws',
  'us-west-2': 'aws',
};

/** The partition of `region`, or undefined when AWS has no such region. */
export function partitionOf(region: string): AwsPartition | undefined {
  return Object.hasOwn(AWS_REGIONS, region) ? AWS_REGIONS[region] : undefined;
}
