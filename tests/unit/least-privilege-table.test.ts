import { readFileSync } from 'node:fs';
import {
  LEAST_PRIVILEGE_DOC_PATH,
  REFRESH_COMMAND,
  renderLeastPrivilegeTable,
  synthesizeProdTemplate,
  withTable,
} from '../../scripts/generate-least-privilege-table';

describe('the least-privilege table of docs/security-model.md', () => {
  const resources = synthesizeProdTemplate();

  it('is what the synthesized stack grants today', () => {
    // GIVEN the committed document and WHEN its table is regenerated from the template
    const committed = readFileSync(LEAST_PRIVILEGE_DOC_PATH, 'utf8');
    const regenerated = withTable(committed, renderLeastPrivilegeTable(resources));
    // THEN nothing changed, or the failure says how to refresh it
    if (committed !== regenerated) {
      throw new Error(
        `docs/security-model.md's least-privilege table is stale: run \`${REFRESH_COMMAND}\` and commit it.`,
      );
    }
  });

  it('has a row for every function, the state machine and the operators', () => {
    const table = renderLeastPrivilegeTable(resources);
    const functions = Object.values(resources).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Runtime === 'nodejs22.x',
    );
    const lines = table.split('\n');
    const header = lines.findIndex((line) => line.startsWith('| Principal |'));
    const end = lines.indexOf('', header);
    const rows = lines.slice(header + 2, end);
    expect(rows.length).toBe(functions.length + 2);
    expect(table).toMatch(/^\| PrepareRotation \| .*`s3:ListBucket` on `KeyStore`/m);
    expect(table).not.toMatch(/^\| PrepareRotation \|.*private-key/m);
  });
});
