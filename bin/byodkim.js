#!/usr/bin/env node
// The `byodkim` command. Checks the Node.js version before loading anything (an older Node would
// fail later, deep inside a command), then runs the compiled CLI of the installed package
// (dist/cli/main.js), or, in a checkout (cli/main.ts present), the TypeScript through tsx's
// CommonJS hook, so a checkout needs no build step.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const MINIMUM_NODE_MAJOR = 22; // shared/node-version.ts
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= MINIMUM_NODE_MAJOR)) {
  console.error(
    `byodkim: UnsupportedNode: ses-byodkim-rotation needs Node.js ${MINIMUM_NODE_MAJOR} or later; this is Node.js ${process.versions.node}.`,
  );
  process.exit(1);
}

const root = join(__dirname, '..');
if (existsSync(join(root, 'cli', 'main.ts'))) {
  require('tsx/cjs');
  require('../cli/main.ts');
} else {
  require('../dist/cli/main.js');
}
