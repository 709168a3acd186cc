#!/usr/bin/env node
import * as path from 'node:path';
/** Prints the Mermaid diagram of the synthesized state machine: `npx tsx infra/bin/diagram.ts [stage]`. */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../../shared/config';
import { type AslDefinition, mermaidDiagram } from '../../workflows/diagram';
import { ByodkimRotationStack } from '../stack';

const stage = process.argv[2] ?? 'prod';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new ByodkimRotationStack(app, `ByodkimRotation-${stage}`, {
  config: loadConfig(path.join(__dirname, '..', 'config', `${stage}.json`)),
  stage,
});
const template = app.synth().getStackByName(stack.stackName).template as {
  Resources: Record<string, { Type: string; Properties: { DefinitionString: unknown } }>;
};
const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(flatten).join(join[0]);
  return '<ref>';
};
process.stdout.write(
  mermaidDiagram(JSON.parse(flatten(machine?.Properties.DefinitionString)) as AslDefinition),
);
