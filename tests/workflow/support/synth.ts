/**
 * One synthesis of the real stack for the workflow and infra tests, with asset bundling skipped
 * (`aws:cdk:bundling-stacks: []`) so a test file synthesizes in about a second. The template is
 * otherwise exactly what `cdk synth` produces.
 */
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ByodkimRotationStack, type ByodkimRotationStackProps } from '../../../infra/stack';
import { loadConfig, type RotationConfig } from '../../../shared/config';

export function synthStack(
  stage = 'prod',
  config?: RotationConfig,
  extra: Omit<ByodkimRotationStackProps, 'config' | 'stage'> = {},
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const resolved = config ?? loadConfig(path.join(__dirname, '../../../infra/config', `${stage}.json`));
  const stack = new ByodkimRotationStack(app, `ByodkimRotation-${stage}`, {
    ...extra,
    config: resolved,
    stage,
  });
  const template = Template.fromStack(stack);
  return { app, stack, template, config: resolved };
}

/** An ASL state, as far as the tests read it. */
export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSecondsPath?: string;
  SecondsPath?: string;
  Retry?: {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
    JitterStrategy?: string;
  }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
  Choices?: { Next: string }[];
  Default?: string;
  Error?: string;
  QueryLanguage?: string;
}

export interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
}

/** The state machine's definition, flattened from Fn::Join with ARNs replaced by `<LogicalId>`. */
export function definitionOf(template: Template): Asl {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines);
  const body = (machine as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  const flatten = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flatten).join(join[0]);
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt) return `<${getAtt[0]}>`;
    const ref = (value as { Ref?: string }).Ref;
    if (ref) return `<${ref}>`;
    throw new Error(`Unexpected token in DefinitionString: ${JSON.stringify(value)}`);
  };
  return JSON.parse(flatten(body)) as Asl;
}

/** Outgoing transitions of a state: Next, Default, Choices, and Catch (marked). */
export function edges(state: AslState): { to: string; via: 'next' | 'catch' | 'choice' }[] {
  const out: { to: string; via: 'next' | 'catch' | 'choice' }[] = [];
  if (state.Next) out.push({ to: state.Next, via: 'next' });
  if (state.Default) out.push({ to: state.Default, via: 'choice' });
  for (const choice of state.Choices ?? []) out.push({ to: choice.Next, via: 'choice' });
  for (const handler of state.Catch ?? []) out.push({ to: handler.Next, via: 'catch' });
  return out;
}

/** States reachable from `from`, never entering `without`. */
export function reachable(asl: Asl, from: string, without: readonly string[] = []): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name) || without.includes(name)) continue;
    seen.add(name);
    const state = asl.States[name];
    if (state) queue.push(...edges(state).map((edge) => edge.to));
  }
  return seen;
}

/** Every (from, via) pair entering `target`. */
export function predecessors(asl: Asl, target: string): { from: string; via: string }[] {
  return Object.entries(asl.States).flatMap(([from, state]) =>
    edges(state)
      .filter((edge) => edge.to === target)
      .map((edge) => ({ from, via: edge.via })),
  );
}
