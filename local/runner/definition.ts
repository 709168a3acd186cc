import { App } from 'aws-cdk-lib';
import { ByodkimRotationStack } from '../../infra/stack';
import type { RotationConfig } from '../../shared/config';
import type { AslDefinition } from '../sfn/engine';

/** A CloudFormation template, as the CDK synthesizes it. */
export interface CfnTemplate {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

/** The synthesized stack of a configuration. */
export interface SynthesizedStack {
  readonly template: CfnTemplate;
  /** The template as JSON text (the leak scan reads it). */
  readonly templateText: string;
  readonly synthMs: number;
}

/**
 * Synthesizes the very stack `cdk synth` deploys, for `config` (and with `dnsCheckVpc`, the
 * dual-stack VPC variant), in-process. Lambda bundling is
 * skipped (`aws:cdk:bundling-stacks: []`): the local environment runs the handlers' TypeScript
 * in-process, and the state machine definition does not depend on the bundles.
 */
export function synthesizeStack(
  config: RotationConfig,
  stage = 'local',
  options: { readonly dnsCheckVpc?: boolean } = {},
): SynthesizedStack {
  const started = Date.now();
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ByodkimRotationStack(app, `ByodkimRotation-${stage}`, {
    config,
    stage,
    dnsCheckVpc: options.dnsCheckVpc ?? false,
  });
  const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  return { template, templateText: JSON.stringify(template), synthMs: Date.now() - started };
}

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'local';
const PSEUDO: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Resolves the intrinsic functions a definition string uses to local placeholders. */
function resolveIntrinsic(value: unknown, substitutions: Record<string, unknown>): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsic(part, substitutions)).join(separator);
  }
  if ('Fn::GetAtt' in node) {
    const [logicalId] = node['Fn::GetAtt'] as [string, string];
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
  }
  if ('Ref' in node) {
    const ref = String(node.Ref);
    return PSEUDO[ref] ?? `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${ref}`;
  }
  if ('Fn::Sub' in node) {
    const text = String(Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'][0] : node['Fn::Sub']);
    return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) =>
      resolveIntrinsic(substitutions[name] ?? { Ref: name }, substitutions),
    );
  }
  throw new Error(`Unsupported intrinsic in the state machine definition: ${Object.keys(node).join(', ')}`);
}

/**
 * The rotation state machine's ASL, flattened from the template: `DefinitionString` joined, and
 * function ARNs and pseudo parameters replaced by local placeholders. Nothing is rewritten by hand:
 * states, retries, catches and paths are exactly what the deployed machine runs.
 */
export function stateMachineDefinition(template: CfnTemplate): AslDefinition {
  const machines = Object.values(template.Resources).filter(
    (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (machines.length !== 1)
    throw new Error(`Expected one state machine in the template, found ${machines.length}`);
  const properties = machines[0]?.Properties ?? {};
  const substitutions = (properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  let text = resolveIntrinsic(properties.DefinitionString, substitutions);
  // DefinitionSubstitutions use ${name} inside the definition string itself.
  text = text.replace(/\$\{([^}]+)\}/g, (match, name: string) =>
    name in substitutions ? resolveIntrinsic(substitutions[name], substitutions) : match,
  );
  return JSON.parse(text) as AslDefinition;
}
