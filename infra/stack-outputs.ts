/**
 * The stack outputs the `byodkim` CLI finds a deployment by (cli/target.ts reads them with
 * DescribeStacks): fixed output names, so the CLI works the same whether the construct sits in
 * our `ByodkimRotationStack` or in a stack of the user's own app. One ByodkimRotation per stack
 * can have them (`stackOutputs: false` on any other).
 */
import { CfnOutput } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CONFIG_KEY_OUTPUT } from '../shared/config-store';

/** What the outputs show. */
export interface OperatorOutputValues {
  readonly stateMachineArn: string;
  readonly bucketName: string;
  readonly approvalBaseUrl: string;
  readonly operatorPolicyArn: string;
  readonly configurationKey: string;
}

/** Adds the outputs under `scope`, each with its fixed output name. */
export function addOperatorOutputs(scope: Construct, values: OperatorOutputValues): void {
  const output = (name: string, value: string, description: string) =>
    new CfnOutput(scope, `${name}Output`, { value, description }).overrideLogicalId(name);
  output('StateMachineArn', values.stateMachineArn, 'The rotation state machine');
  output('KeyStoreBucket', values.bucketName, 'The key store');
  output('ApprovalEndpoint', values.approvalBaseUrl, "The DNS team's approval page");
  output(
    'OperatorPolicyArn',
    values.operatorPolicyArn,
    "Attach to the operators' role or SSO permission set: what the byodkim CLI needs",
  );
  output(
    CONFIG_KEY_OUTPUT,
    values.configurationKey,
    'The deployed configuration in KeyStoreBucket: what byodkim reads by default',
  );
}
