/** The version `byodkim --version` prints: this package's, from a checkout or an installed package. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'ses-byodkim-rotation';

/**
 * The `version` of the nearest package.json above `from` named ses-byodkim-rotation (cli/ in a
 * checkout, dist/cli/ in the package: one or two levels up).
 */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
