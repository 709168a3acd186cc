/** Schema problems as one line each, naming the field, the value and what is allowed. */
import type { z } from 'zod';
import { printable } from '../sanitise';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`,
    '',
  );
}

/** The value as JSON, escaped to printable ASCII (a value may hold line breaks or invisible text) and cut short. */
function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = printable(JSON.stringify(value) ?? String(value), 10_000);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * Formats schema problems as one line each: `domains[0].keyLength = 4096: must be 1024 or 2048`.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  root = 'config',
  reference = 'docs/configuration.md',
): string[] {
  return issues.map((issue) => {
    const path = formatPath([root, ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown setting(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}: check the spelling against ${reference}`;
    }
    return `${path} = ${formatValue(issue.input)}: ${issue.message}`;
  });
}
