/**
 * What deploys is complete: every package a Lambda bundle pulls in from our own code is a
 * production dependency, so `npm ci --omit=dev` (or any production install) still bundles.
 *
 * Each function's entry is bundled the way infra/bundling.ts bundles it (esbuild, CJS, Node 22,
 * nothing external) with a metafile, and every import edge from a project file into
 * `node_modules/<package>/` must name a package listed in package.json `dependencies`. Edges
 * between packages are theirs to declare (npm installs a dependency's own dependencies).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_BUNDLING } from '../../infra/bundling';
import { LAMBDA_TASKS } from '../../workflows/states';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The folders of tasks/ whose handler.ts the constructs deploy. */
const DEPLOYED_TASKS = [
  ...Object.values(LAMBDA_TASKS),
  'approval-endpoint',
  'monitor',
  'write-config',
].sort();

/** `node_modules/@scope/name/...` or `node_modules/name/...` → the package name. */
function packageOf(file: string): string | undefined {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match?.[1];
}

/** One esbuild run over every entry (shared parsing keeps it to a few seconds). */
async function bundleMetafile(entries: readonly string[]): Promise<Metafile> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [...entries],
    outdir: 'bundle-check',
    bundle: true,
    write: false,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: 'cjs',
    external: [...(LAMBDA_BUNDLING.externalModules ?? [])],
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** `function: importer → package` for every import from a project file into node_modules. */
function projectImports(metafile: Metafile): { task: string; importer: string; pkg: string }[] {
  return Object.values(metafile.outputs).flatMap((output) => {
    const task = output.entryPoint?.split('/')[1] ?? '?';
    return Object.keys(output.inputs)
      .filter((importer) => packageOf(importer) === undefined)
      .flatMap((importer) =>
        (metafile.inputs[importer]?.imports ?? []).flatMap((edge) => {
          const pkg = packageOf(edge.path);
          return pkg === undefined ? [] : [{ task, importer, pkg }];
        }),
      );
  });
}

describe('deployed code and package.json dependencies', () => {
  it('bundles every tasks/<name>/handler.ts folder the constructs deploy, and no other', () => {
    const folders = readdirSync(path.join(ROOT, 'tasks'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(DEPLOYED_TASKS);
  });

  it('imports, from project code, only packages listed in dependencies (not devDependencies)', async () => {
    const metafile = await bundleMetafile(DEPLOYED_TASKS.map((task) => `tasks/${task}/handler.ts`));
    const edges = projectImports(metafile);
    const missing = edges
      .filter(({ pkg }) => manifest.dependencies[pkg] === undefined)
      .map(({ task, importer, pkg }) => `${task}: ${importer} imports ${pkg}`);
    // Every function was bundled, and the check reaches into node_modules: no vacuous pass.
    expect(new Set(edges.map(({ task }) => task))).toEqual(new Set(DEPLOYED_TASKS));
    expect(edges.map(({ pkg }) => pkg)).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', 'zod']));
    expect([...new Set(missing)]).toEqual([]);
  }, 30_000);
});
