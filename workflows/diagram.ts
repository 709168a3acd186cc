/**
 * A Mermaid flowchart of a synthesized state machine definition (ASL), so the picture in
 * docs/architecture.md is generated from what is deployed, never drawn by hand.
 */

interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next: string }[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[] }[];
  readonly Error?: string;
}

/** A parsed ASL definition (the parts the diagram draws). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

const SHAPES: Readonly<Record<string, (name: string, label: string) => string>> = {
  Choice: (name, label) => `${name}{${label}}`,
  Wait: (name, label) => `${name}[/${label}/]`,
  Fail: (name, label) => `${name}([${label}])`,
  Succeed: (name, label) => `${name}([${label}])`,
};

/** Mermaid `flowchart TD` text: solid arrows for Next/Choice, dotted arrows labelled with caught errors. */
export function mermaidDiagram(definition: AslDefinition): string {
  const lines = ['flowchart TD', `  Start((start)) --> ${definition.StartAt}`];
  for (const [name, state] of Object.entries(definition.States)) {
    const label = state.Type === 'Fail' ? `"${name}<br/>${state.Error ?? ''}"` : `"${name}"`;
    lines.push(`  ${(SHAPES[state.Type] ?? ((n: string, l: string) => `${n}[${l}]`))(name, label)}`);
  }
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Next) lines.push(`  ${name} --> ${state.Next}`);
    for (const choice of state.Choices ?? []) lines.push(`  ${name} --> ${choice.Next}`);
    if (state.Default) lines.push(`  ${name} -->|otherwise| ${state.Default}`);
    for (const handler of state.Catch ?? []) {
      lines.push(`  ${name} -.->|${handler.ErrorEquals.join(', ')}| ${handler.Next}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
