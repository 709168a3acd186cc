/**
 * Every function's whole environment is measured at synth time as Lambda measures it (one JSON
 * object, ARNs at their longest) and refused over 4 KB, naming the function and the fix.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ByodkimRotation } from '../../infra/byodkim-rotation';
import { LAMBDA_ENVIRONMENT_LIMIT_BYTES, measureEnvironment } from '../../infra/environment-size';
import { parseConfig, type RotationConfig } from '../../shared/config';

const prod = JSON.parse(readFileSync(path.join(__dirname, '../../infra/config/prod.json'), 'utf8'));

/** `count` domains written like infra/config/prod.json's. */
const configWith = (count: number): RotationConfig =>
  parseConfig({
    ...prod,
    domains: Array.from({ length: count }, (_, i) => ({ ...prod.domains[0], domain: `mail${i}.example.jp` })),
  });

const testApp = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });

function plainFunction(stack: Stack, environment: Record<string, string>): lambda.Function {
  return new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    environment,
  });
}

describe('Lambda environment size', () => {
  it('measures literal variables as the JSON object Lambda measures, escapes included', () => {
    const environment = { A: 'x', CONFIG: JSON.stringify({ domain: 'mail.example.jp', note: 'é' }) };
    const fn = plainFunction(new Stack(testApp(), 'Literal'), environment);

    expect(measureEnvironment(fn).bytes).toBe(Buffer.byteLength(JSON.stringify(environment)));
  });

  it('counts an unnamed topic ARN at its longest and a named state machine ARN at its real length', () => {
    const stack = new Stack(testApp(), 'Tokens');
    const topic = new sns.Topic(stack, 'Topic');
    const machine = new sfn.StateMachine(stack, 'Machine', {
      stateMachineName: 'byodkim-rotation',
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Start')),
    });
    const fn = plainFunction(stack, { T: topic.topicArn, M: machine.stateMachineArn });

    const sizes = Object.fromEntries(measureEnvironment(fn).variables.map((v) => [v.name, v.bytes]));

    // arn:aws-us-gov:sns:<20-character region>:<12-digit account>:<256-character name>, plus "T":"",
    const longestTopicArn = 'arn:aws-us-gov:sns:'.length + 20 + 1 + 12 + 1 + 256;
    expect(sizes.T).toBe(longestTopicArn + '"T":"",'.length);
    const machineArn = `arn:aws-us-gov:states:${'r'.repeat(20)}:123456789012:stateMachine:byodkim-rotation`;
    expect(sizes.M).toBe(machineArn.length + '"M":"",'.length);
  });

  it('keeps every function’s environment the same size for 1 and 1,000 domains: the configuration is an S3 object, not a variable', () => {
    const one = new ByodkimRotation(new Stack(testApp(), 'One'), 'Rotation', { config: configWith(1) });
    const fleet = new ByodkimRotation(new Stack(testApp(), 'Fleet'), 'Rotation', {
      config: configWith(1000),
      sesIdentityScope: 'regions',
    });
    const sizes = (rotation: ByodkimRotation) =>
      [...Object.values(rotation.functions), rotation.monitor.function].map((fn) => measureEnvironment(fn));

    const fleetSizes = sizes(fleet);

    expect(fleetSizes.map((size) => size.bytes)).toEqual(sizes(one).map((size) => size.bytes));
    for (const size of fleetSizes) {
      expect(size.bytes).toBeLessThanOrEqual(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
      expect(size.variables.map((variable) => variable.name)).not.toContain('ROTATION_CONFIG');
    }
  });

  it('checks every task function too, including variables added after the construct', () => {
    const stack = new Stack(testApp(), 'Added');
    const rotation = new ByodkimRotation(stack, 'Rotation', { config: configWith(1), namePrefix: 'rot' });

    rotation.functions.NotifyDnsTeam.addEnvironment('EXTRA', 'x'.repeat(3500));

    expect(() => Template.fromStack(stack)).toThrow(
      /Function rot-NotifyDnsTeam: its environment variables can reach/,
    );
  });
});
