/**
 * No task folder imports another (issue 17): contracts two tasks share live in shared/, so a
 * task's code is its own and a change to one task cannot reach into another through an import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TASKS = join(__dirname, '../../tasks');
/** `from '../<folder>/…'` or `from '../../tasks/<folder>/…'`: an import of a task folder. */
const SIBLING_IMPORT = /from '\.\.\/(?:\.\.\/tasks\/)?([^./'][^/']*)\//g;

/** `folder/file: specifier` for every import of a sibling task folder. */
function crossTaskImports(): string[] {
  return readdirSync(TASKS).flatMap((folder) =>
    readdirSync(join(TASKS, folder))
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => {
        const source = readFileSync(join(TASKS, folder, file), 'utf8');
        return [...source.matchAll(SIBLING_IMPORT)]
          .filter((match) => match[1] !== folder)
          .map((match) => `${folder}/${file}: ${match[0]}`);
      }),
  );
}

test('no task folder imports another task folder', () => {
  expect(crossTaskImports()).toEqual([]);
});

test('the check sees a sibling import, directly or through tasks/ (it would fail on one)', () => {
  const source =
    "import { x } from '../store-dns-request/logic';\nimport { y } from '../../tasks/generate-key/logic';";
  expect([...source.matchAll(SIBLING_IMPORT)].map((m) => m[1])).toEqual([
    'store-dns-request',
    'generate-key',
  ]);
  expect([..."import { z } from '../../shared/rotation/state';".matchAll(SIBLING_IMPORT)]).toEqual([]);
});
