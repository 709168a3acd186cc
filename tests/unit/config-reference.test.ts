import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  CONFIG_REFERENCE_PATH,
  REFRESH_COMMAND,
  renderConfigReference,
} from '../../scripts/generate-config-reference';
import { RotationConfigSchema } from '../../shared/config';

interface Node {
  readonly description?: string;
  readonly type?: string;
  readonly properties?: Record<string, Node>;
  readonly items?: Node;
}

/** Every field path of the schema whose JSON Schema node has no description. */
function undocumented(node: Node, prefix: string): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const field = `${prefix}${name}`;
    const own = child.description === undefined || child.description === '' ? [field] : [];
    const nested = child.type === 'array' ? child.items : child;
    return [
      ...own,
      ...(nested ? undocumented(nested, `${field}${child.type === 'array' ? '[]' : ''}.`) : []),
    ];
  });
}

describe('docs/configuration.md', () => {
  it('is what the schema generates today', () => {
    // GIVEN the committed reference and WHEN it is regenerated in memory
    const committed = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    const regenerated = renderConfigReference();

    // THEN they are identical, or the failure says how to refresh it
    if (committed !== regenerated) {
      throw new Error(`docs/configuration.md is stale: run \`${REFRESH_COMMAND}\` and commit the result.`);
    }
  });

  it('describes every field of the schema', () => {
    const schema = z.toJSONSchema(RotationConfigSchema, { io: 'input', unrepresentable: 'any' }) as Node;
    expect(undocumented(schema, '')).toEqual([]);
  });

  it('lists every per-domain field with its default', () => {
    const reference = renderConfigReference();
    expect(reference).toContain('| `renewalAlertDays` | whole number from 1 to 3649 | `16` |');
    expect(reference).toContain('| `certificateValidityDays` | whole number from 2 to 3650 | `456` |');
    expect(reference).toContain(
      '| `schedule.timeZone` | an IANA time zone name such as Asia/Tokyo | `"Asia/Tokyo"` |',
    );
  });

  it('shows the real error message of a broken configuration', () => {
    expect(renderConfigReference()).toContain('config.domains[0].keyLength = 4096: must be 1024 or 2048');
  });
});
