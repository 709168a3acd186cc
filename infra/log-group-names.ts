/**
 * Log group names that never collide with a retained log group of an earlier deployment.
 *
 * The log groups are kept when the stack is deleted (`removalPolicy` RETAIN by default), and
 * CloudFormation cannot create a log group whose name already exists: a fixed name would make
 * every deployment after a `cdk destroy` fail with "already exists". Each name therefore ends in
 * a suffix taken from the stack's id, whose last part is a UUID CloudFormation draws anew each
 * time the stack is created; the readable prefix stays, so operators still find the groups by
 * `<namePrefix>`.
 */
import { Aws, Fn } from 'aws-cdk-lib';

/**
 * The last 12 hex digits of the stack id's UUID (`arn:…:stack/<name>/<uuid>`): the same for the
 * life of one stack, new after a delete and re-create.
 */
export function deploymentSuffix(): string {
  return Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/** `/aws/lambda/<functionName>-<suffix>`: the function's own log group for this deployment. */
export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}-${deploymentSuffix()}`;
}

/**
 * `/aws/vendedlogs/states/<name>-<suffix>`: Step Functions logs through CloudWatch Logs vended
 * delivery, and a group under `/aws/vendedlogs/` keeps the log resource policy from growing with
 * every state machine (its size is limited), so the prefix stays.
 */
export function stateMachineLogGroupName(name: string): string {
  return `/aws/vendedlogs/states/${name}-${deploymentSuffix()}`;
}
