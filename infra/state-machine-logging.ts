/**
 * Logging of a state machine encrypted with a customer managed key, with every grant scoped.
 *
 * Step Functions encrypts what it hands to CloudWatch Logs' vended delivery with the state
 * machine's key (encryption context `SourceArn` = `arn:<partition>:logs:<region>:<account>:*`) and
 * `delivery.logs.amazonaws.com` decrypts it (Step Functions Developer Guide, "Data at rest
 * encryption", steps 3 and 5). CDK's `logs` prop grants that service principal `kms:Decrypt*` with
 * no condition at all, so any log delivery in any account could use the key as a confused deputy.
 * This module writes the same logging configuration and role grants, and scopes the key policy
 * statement to this account's log delivery (`aws:SourceAccount`, `aws:SourceArn`, the form
 * CloudWatch Logs documents for `delivery.logs` in "Enabling logging from AWS services") and to
 * the encryption context Step Functions uses.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** Sid of the key policy statement letting CloudWatch Logs delivery decrypt the state machine's log data. */
export const LOG_DELIVERY_KEY_SID = 'StateMachineLogDelivery';

/** Where and how a state machine logs. */
export interface StateMachineLoggingProps {
  readonly destination: logs.ILogGroup;
  readonly level: sfn.LogLevel;
  readonly includeExecutionData: boolean;
  /** The state machine's customer managed key (its `encryptionConfiguration`). */
  readonly key: kms.IKey;
}

/**
 * Turns on logging of `stateMachine` (created without the `logs` prop) and adds the grants Step
 * Functions and CloudWatch Logs need: the role may manage log deliveries and generate data keys
 * for log data only; `delivery.logs` may decrypt only log data of this account's deliveries.
 */
export function logStateMachine(stateMachine: sfn.StateMachine, props: StateMachineLoggingProps): void {
  const stack = Stack.of(stateMachine);
  const logsInThisAccount = stack.formatArn({
    service: 'logs',
    resource: '*',
    arnFormat: ArnFormat.NO_RESOURCE_NAME,
  });
  const cfn = stateMachine.node.defaultChild as sfn.CfnStateMachine;
  cfn.loggingConfiguration = {
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: props.destination.logGroupArn } }],
    includeExecutionData: props.includeExecutionData,
    level: props.level,
  };
  // What CDK's `logs` prop grants the role (vended log delivery has no resource-level permission).
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }),
  );
  stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey'],
      resources: [props.key.keyArn],
      conditions: { StringEquals: { 'kms:EncryptionContext:SourceArn': logsInThisAccount } },
    }),
  );
  props.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: LOG_DELIVERY_KEY_SID,
      principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'kms:EncryptionContext:SourceArn': logsInThisAccount,
        },
        ArnLike: { 'aws:SourceArn': logsInThisAccount },
      },
    }),
  );
}
