/**
 * No task folder imports another (issue 17): contracts two tasks share live in shared/, so a
 * task's code is its own and a change to one task cannot reach into another through an import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TASKS = join(__dirname, '../../tasks');
/** `from '../<folder>/…'`: an import of a folder next to the importing one. */
const SIBLING_IMPORT = /from '\.\.\/([^./'][^/']*)\//g;

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

test('the check sees a sibling import (it would fail on one)', () => {
  expect(
    [..."import { x } from '../store-dns-request/logic';".matchAll(SIBLING_IMPORT)].map((m) => m[1]),
  ).toEqual(['store-dns-request']);
});
