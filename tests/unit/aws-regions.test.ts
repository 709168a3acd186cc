import { RegionInfo } from 'aws-cdk-lib/region-info';
import { AWS_REGIONS, partitionOf } from '../../shared/aws-regions';

describe('the AWS regions a configuration may name', () => {
  it("lists exactly the regions and partitions of the installed AWS CDK's region fact table", () => {
    // GIVEN the CDK's table — WHEN compared with ours — THEN a region CDK learned is not missing here
    const cdk = Object.fromEntries(RegionInfo.regions.map((region) => [region.name, region.partition]));
    expect(AWS_REGIONS).toEqual(cdk);
  });

  it('knows the partition of a real region and nothing of an invented one', () => {
    expect(partitionOf('ap-northeast-3')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('zz-fake-9')).toBeUndefined();
    expect(partitionOf('toString')).toBeUndefined();
  });
});
