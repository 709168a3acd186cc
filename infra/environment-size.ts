/**
 * Lambda refuses a function whose environment variables pass 4 KB, at deployment time and after
 * everything before it was created. This check fails the synth instead, naming the function and
 * the fix.
 *
 * Lambda measures the variables as one JSON object (its refusal quotes the "String measured":
 * `{"NAME":"value",...}`, quotes and backslashes included), so that is what is counted here.
 * Values CloudFormation resolves at deployment (a topic's ARN, a bucket's name) are counted at
 * the longest they can resolve to, or at their real length when the name is fixed in the template.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';

/** Lambda's quota on the environment variables of one function (4 KB, not adjustable). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

// Longest resolved values. Partition: aws-us-gov; region: 14 characters today
// (ap-southeast-5, us-isob-east-1), 20 kept for regions to come; account: 12 digits.
const PARTITION = 10;
const REGION = 20;
const ACCOUNT = 12;
const URL_SUFFIX = 'amazonaws.com.cn'.length;
/** `arn:<partition>:<service>:<region>:<account>:` */
const arnPrefix = (service: string) =>
  `arn:${'p'.repeat(PARTITION)}:${service}:`.length + REGION + 1 + ACCOUNT + 1;
/** A value nothing here knows (an import, a parameter): the longest ARN most services accept. */
const UNKNOWN = 2048;

/** Longest names by the services' own limits. */
const NAME = {
  bucket: 63,
  topic: 256,
  stateMachine: 80,
  secret: 512,
  function: 64,
  apiId: 10,
  stage: 128,
} as const;

/** The template value of one variable, as far as this check reads it. */
type Value = string | { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, Value[]] };

const PSEUDO: Readonly<Record<string, number>> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': URL_SUFFIX,
  'AWS::StackName': 128,
};

function fixedName(name: string | undefined, longest: number): number {
  return name !== undefined && !/\$\{Token\[/.test(name) ? name.length : longest;
}

/** Longest value of `Ref` / `Fn::GetAtt Arn` on `resource`. */
function referenceLength(resource: IConstruct | undefined, attribute: 'Ref' | string): number {
  if (resource instanceof s3.CfnBucket) {
    const name = fixedName(resource.bucketName, NAME.bucket);
    return attribute === 'Ref' ? name : 'arn:aws-us-gov:s3:::'.length + name;
  }
  if (resource instanceof sns.CfnTopic) return arnPrefix('sns') + fixedName(resource.topicName, NAME.topic);
  if (resource instanceof sfn.CfnStateMachine) {
    return (
      arnPrefix('states') + 'stateMachine:'.length + fixedName(resource.stateMachineName, NAME.stateMachine)
    );
  }
  if (resource instanceof secretsmanager.CfnSecret) {
    // Secrets Manager appends "-" and six random characters to the name.
    return arnPrefix('secretsmanager') + 'secret:'.length + fixedName(resource.name, NAME.secret) + 7;
  }
  if (resource instanceof lambda.CfnFunction) {
    const name = fixedName(resource.functionName, NAME.function);
    return attribute === 'Ref' ? name : arnPrefix('lambda') + 'function:'.length + name;
  }
  if (
    resource instanceof CfnResource &&
    ['AWS::ApiGatewayV2::Api', 'AWS::ApiGateway::RestApi'].includes(resource.cfnResourceType)
  ) {
    return NAME.apiId;
  }
  // A REST API stage's Ref is its name (the approval API's REST stage, with approvalRateLimit).
  if (resource instanceof apigateway.CfnStage) return fixedName(resource.stageName, NAME.stage);
  return UNKNOWN;
}

/** Bytes of one value inside the JSON Lambda measures (without its surrounding quotes). */
function valueBytes(value: Value, byLogicalId: ReadonlyMap<string, IConstruct>): number {
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value)) - 2;
  if (value.Ref !== undefined) {
    return PSEUDO[value.Ref] ?? referenceLength(byLogicalId.get(value.Ref), 'Ref');
  }
  const getAtt = value['Fn::GetAtt'];
  if (getAtt !== undefined) return referenceLength(byLogicalId.get(getAtt[0]), getAtt[1]);
  const join = value['Fn::Join'];
  if (join !== undefined) {
    const [separator, parts] = join;
    const separators = Math.max(0, parts.length - 1) * (Buffer.byteLength(JSON.stringify(separator)) - 2);
    return separators + parts.reduce((sum, part) => sum + valueBytes(part, byLogicalId), 0);
  }
  return UNKNOWN;
}

/** One function's environment as Lambda would measure it, largest variables first. */
export interface EnvironmentSize {
  readonly bytes: number;
  readonly variables: readonly { readonly name: string; readonly bytes: number }[];
}

/** Measures `fn`'s environment variables (after every `addEnvironment`). */
export function measureEnvironment(fn: lambda.Function): EnvironmentSize {
  const stack = Stack.of(fn);
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const resolved = stack.resolve(cfn.environment) as { variables?: Record<string, Value> } | undefined;
  const entries = Object.entries(resolved?.variables ?? {});
  const byLogicalId = new Map<string, IConstruct>();
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnResource) byLogicalId.set(stack.resolve(construct.logicalId), construct);
  }
  const variables = entries
    .map(([name, value]) => ({
      name,
      // "NAME":"value" and its comma.
      bytes: Buffer.byteLength(JSON.stringify(name)) + 1 + 2 + valueBytes(value, byLogicalId) + 1,
    }))
    .sort((a, b) => b.bytes - a.bytes);
  // The braces, less the comma after the last variable.
  const bytes =
    2 + variables.reduce((sum, variable) => sum + variable.bytes, 0) - (entries.length > 0 ? 1 : 0);
  return { bytes, variables };
}

/**
 * Fails the synth when `fn`'s environment can pass Lambda's 4 KB, with a message naming the
 * function, its largest variables and `fix`.
 */
export function checkEnvironmentSize(fn: lambda.Function, fix: string): void {
  fn.node.addValidation({
    validate: () => {
      const size = measureEnvironment(fn);
      if (size.bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return [];
      const name =
        Stack.of(fn).resolve((fn.node.defaultChild as lambda.CfnFunction).functionName) ?? fn.node.path;
      const largest = size.variables
        .slice(0, 3)
        .map((variable) => `${variable.name} ${variable.bytes}`)
        .join(', ');
      return [
        `Function ${typeof name === 'string' ? name : fn.node.path}: its environment variables can reach ${size.bytes} bytes as Lambda measures them (one JSON object, ARNs at their longest), over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit (largest: ${largest}); ${fix}`,
      ];
    },
  });
}
