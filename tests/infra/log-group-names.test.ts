/**
 * A destroy + redeploy does not fail on the log groups the first deployment left behind (they are
 * retained by default): no log group has a fixed name; each ends in a suffix taken from the
 * stack's id, which CloudFormation draws anew for every stack it creates.
 */
import { synthStack } from '../workflow/support/synth';

type Intrinsic = string | { [fn: string]: unknown };

/** Resolves the few intrinsics a log group name uses, for a given stack id. */
function resolveName(value: Intrinsic, stackId: string): string {
  if (typeof value === 'string') return value;
  const [fn, args] = Object.entries(value)[0] as [string, unknown];
  switch (fn) {
    case 'Ref':
      if (args !== 'AWS::StackId') throw new Error(`unexpected Ref ${String(args)}`);
      return stackId;
    case 'Fn::Join': {
      const [separator, parts] = args as [string, Intrinsic[]];
      return parts.map((part) => resolveName(part, stackId)).join(separator);
    }
    case 'Fn::Split':
      throw new Error('Fn::Split outside Fn::Select');
    case 'Fn::Select': {
      const [index, list] = args as [number, { 'Fn::Split': [string, Intrinsic] }];
      const [separator, source] = list['Fn::Split'];
      const picked = resolveName(source, stackId).split(separator)[index];
      if (picked === undefined) throw new Error(`Fn::Select ${index} out of range`);
      return picked;
    }
    default:
      throw new Error(`unexpected ${fn}`);
  }
}

const stackIdOf = (uuid: string) =>
  `arn:aws:cloudformation:ap-northeast-1:123456789012:stack/ByodkimRotation-prod/${uuid}`;
const FIRST = stackIdOf('3c5e8a40-1f2b-11f0-9a4b-0a1b2c3d4e5f');
const SECOND = stackIdOf('7d9f0b10-2a3c-11f0-8c5d-06f7e8d9c0b1');

describe('log group names across a destroy and redeploy', () => {
  const { template } = synthStack('prod');
  const groups = Object.entries(
    template.findResources('AWS::Logs::LogGroup') as Record<
      string,
      { DeletionPolicy?: string; Properties: { LogGroupName?: Intrinsic } }
    >,
  );
  const named = groups.filter(([, group]) => group.Properties.LogGroupName !== undefined);

  it('retains the log groups by default (what made fixed names collide)', () => {
    expect(groups.length).toBeGreaterThan(16);
    for (const [, group] of groups) expect(group.DeletionPolicy).toBe('Retain');
  });

  it('gives every named log group a different name in a re-created stack', () => {
    // 15 task functions, the approval endpoint, the monitor, the configuration writer and the state machine
    expect(named.length).toBe(19);
    for (const [id, group] of named) {
      const name = group.Properties.LogGroupName as Intrinsic;
      expect({ id, recreated: resolveName(name, SECOND) }).not.toEqual({
        id,
        recreated: resolveName(name, FIRST),
      });
    }
  });

  it('keeps readable prefixes: /aws/lambda/<prefix>-<function>-<suffix> and the vendedlogs prefix for Step Functions', () => {
    const names = named
      .map(([, group]) => resolveName(group.Properties.LogGroupName as Intrinsic, FIRST))
      .sort();

    expect(names).toContain('/aws/vendedlogs/states/byodkim-rotation-prod-0a1b2c3d4e5f');
    expect(names).toContain('/aws/lambda/byodkim-rotation-prod-Monitor-0a1b2c3d4e5f');
    expect(names).toContain('/aws/lambda/byodkim-rotation-prod-VerifyDnsRecord-0a1b2c3d4e5f');
    for (const name of names)
      expect(name).toMatch(
        /^\/aws\/(lambda|vendedlogs\/states)\/byodkim-rotation-prod-.*-0a1b2c3d4e5f$|^\/aws\/vendedlogs\/states\/byodkim-rotation-prod-0a1b2c3d4e5f$/,
      );
  });
});
