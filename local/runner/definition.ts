import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ByodkimRotationStack } from '../../infra/stack';
import type { RotationConfig } from '../../shared/config';
import { TemplateResolver } from '../iam/template-resolver';
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
  // Our own output directory, removed once the template is read: a rehearsal leaves nothing behind.
  const outdir = mkdtempSync(join(tmpdir(), 'byodkim-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ByodkimRotationStack(app, `ByodkimRotation-${stage}`, {
      config,
      stage,
      dnsCheckVpc: options.dnsCheckVpc ?? false,
    });
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    return { template, templateText: JSON.stringify(template), synthMs: Date.now() - started };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The rotation state machine's ASL, flattened from the template: `DefinitionString` joined, and
 * function ARNs and pseudo parameters resolved to the local environment's (the engine runs tasks
 * by state name). Nothing is rewritten by hand:
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
  // The same resolver the local IAM reads the template with: one set of local ARNs everywhere.
  const resolver = new TemplateResolver(template);
  const text = resolver.resolveString(properties.DefinitionString);
  // DefinitionSubstitutions use ${name} inside the definition string itself.
  const substituted = text.replace(/\$\{([^}]+)\}/g, (match, name: string) =>
    name in substitutions ? resolver.resolveString(substitutions[name]) : match,
  );
  return JSON.parse(substituted) as AslDefinition;
}
