/**
 * Builds what `npm pack` ships (run by `prepack`, or `npm run build:package`):
 * - `dist/**` — the construct library, the CLI and the local environment compiled to CommonJS with
 *   declarations (tsconfig.build.json), so the installed `byodkim` runs without tsx;
 * - `dist/lambda/<task>/index.js` — each function's bundle, built with the options the CDK uses
 *   from a checkout (infra/bundling.ts), so a consumer's synth needs no esbuild (infra/task-function.ts);
 * - the JSON the code reads at run time: the scenarios and the example stage configurations.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { LAMBDA_BUNDLING } from '../infra/bundling';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** The task folders that hold a Lambda handler. */
export function handlerFolders(root: string = ROOT): string[] {
  return readdirSync(path.join(root, 'tasks'))
    .filter((folder) => existsSync(path.join(root, 'tasks', folder, 'handler.ts')))
    .sort();
}

function compile(): void {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
}

function bundle(folder: string): void {
  buildSync({
    entryPoints: [path.join(ROOT, 'tasks', folder, 'handler.ts')],
    outfile: path.join(DIST, 'lambda', folder, 'index.js'),
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: 'cjs',
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    logLevel: 'error',
  });
}

function copyData(): void {
  cpSync(path.join(ROOT, 'local', 'scenarios'), path.join(DIST, 'local', 'scenarios'), { recursive: true });
  mkdirSync(path.join(DIST, 'infra', 'config'), { recursive: true });
  cpSync(path.join(ROOT, 'infra', 'config'), path.join(DIST, 'infra', 'config'), { recursive: true });
}

function main(): void {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  compile();
  const folders = handlerFolders();
  for (const folder of folders) bundle(folder);
  copyData();
  console.log(`built dist/ (library, CLI, ${folders.length} Lambda bundles) in ${Date.now() - started} ms`);
}

if (require.main === module) main();
