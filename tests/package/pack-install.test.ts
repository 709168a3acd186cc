/**
 * The release as a user gets it: `npm pack` (prepack builds dist/), the tarball installed into a
 * fresh directory with aws-cdk-lib and constructs, the README's CDK app run verbatim, and the
 * installed `byodkim` run on compiled JavaScript (no tsx, no devDependencies, no esbuild).
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const installedVersion = (name: string) =>
  (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

// npm and its lifecycle scripts run on this Node (22, the node devDependency), not an older one on PATH.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };

/** The README's example app: the ```js block after the cdk-app-example marker. */
function readmeApp(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /<!-- cdk-app-example[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no cdk-app-example block');
  return match[1];
}

/** The README's `$ npm run demo` sample, without the prompt line. */
function readmeDemoSample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = /```\n\$ npm run demo\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no npm run demo sample');
  return match[1];
}

/** Lines with times, dates and numbers made placeholders, and runs of spaces made one. */
function shapeOf(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) =>
      line
        .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>')
        .replace(/\d{8}/g, '<date>')
        .replace(/\d+(\.\d+)?/g, '<n>')
        .replace(/\s+/g, ' ')
        .trimEnd(),
    );
}

jest.setTimeout(600_000);

let dir: string;
let app: string;
const installed = () => path.join(app, 'node_modules', manifest.name);
const byodkim = (args: string[], extra: string[] = []) =>
  run(process.execPath, [...extra, path.join(installed(), 'bin', 'byodkim.js'), ...args], {
    cwd: app,
    env,
  }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'byodkim-package-'));
  const packed = await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, env });
  const tarball = path.join(dir, packed.stdout.trim().split('\n').at(-1) ?? '');
  app = path.join(dir, 'app');
  mkdirSync(app);
  writeFileSync(
    path.join(app, 'package.json'),
    '{ "name": "mail-dkim", "version": "1.0.0", "private": true }\n',
  );
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `aws-cdk-lib@${installedVersion('aws-cdk-lib')}`,
      `constructs@${installedVersion('constructs')}`,
    ],
    { cwd: app, env },
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed release, installed into a fresh CDK app', () => {
  it('ships compiled JavaScript and prebuilt functions, and installs no devDependency', () => {
    const files = readdirSync(path.join(installed(), 'dist', 'lambda')).sort();

    expect(files).toEqual(expect.arrayContaining(['monitor', 'prepare-rotation', 'write-config']));
    expect(existsSync(path.join(installed(), 'dist', 'infra', 'index.js'))).toBe(true);
    expect(existsSync(path.join(installed(), 'dist', 'infra', 'index.d.ts'))).toBe(true);
    expect(existsSync(path.join(installed(), 'cli', 'main.ts'))).toBe(false);
    for (const devOnly of ['tsx', 'esbuild', 'typescript', 'jest']) {
      expect({ devOnly, installed: existsSync(path.join(app, 'node_modules', devOnly)) }).toEqual({
        devOnly,
        installed: false,
      });
    }
  });

  it('runs byodkim --version and --help', async () => {
    const version = await byodkim(['--version']);
    const help = await byodkim(['--help']);

    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toBe(`${manifest.version} (Node.js ${process.versions.node})`);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: byodkim \[options\] \[command\]/);
    expect(help.stdout).toMatch(/\blocal\b/);
  });

  it("synthesizes the README's app verbatim, offline, with every function's code prebuilt", async () => {
    writeFileSync(path.join(app, 'app.js'), readmeApp());
    const out = path.join(app, 'cdk.out');

    await run(process.execPath, ['app.js'], { cwd: app, env: { ...env, CDK_OUTDIR: out } });

    const template = JSON.parse(readFileSync(path.join(out, 'MailDkim.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Handler?: string; Runtime?: string } }>;
      Outputs: Record<string, unknown>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // 15 task states, the approval endpoint, the monitor and the configuration writer.
    expect(functions).toHaveLength(18);
    for (const fn of functions)
      expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x' });
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(['StateMachineArn', 'ConfigurationKey']),
    );
  });

  it("rehearses one rotation offline: byodkim local rotate, printing what README's demo sample shows", async () => {
    const rehearsal = await byodkim(['local', 'rotate']);

    expect(rehearsal.code).toBe(0);
    expect(rehearsal.stdout).toMatch(/Result: SUCCEEDED in [\d.]+s/);
    expect(rehearsal.stdout).toMatch(/IAM \(.*\): \d+ evaluated, 0 denied/);
    // The README's `npm run demo` sample has the real output's lines, numbers and times aside.
    expect(shapeOf(rehearsal.stdout)).toEqual(shapeOf(readmeDemoSample()));
  });

  it('refuses an older Node at once with one line, from the CLI and from the library', async () => {
    const olderNode = path.join(dir, 'node20.js');
    writeFileSync(
      olderNode,
      "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.1.0' } });\n",
    );
    const line = 'ses-byodkim-rotation needs Node.js 22 or later; this is Node.js 20.1.0.';

    const cli = await byodkim(['--version'], ['-r', olderNode]);
    const library = await run(process.execPath, ['-r', olderNode, 'app.js'], { cwd: app, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(cli).toMatchObject({ code: 1, stdout: '' });
    expect(cli.stderr).toBe(`byodkim: UnsupportedNode: ${line}\n`);
    expect(library).toMatchObject({ code: 1, stderr: `ses-byodkim-rotation: UnsupportedNode: ${line}\n` });
  });
});
