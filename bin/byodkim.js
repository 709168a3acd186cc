#!/usr/bin/env node
// The `byodkim` command: loads the TypeScript CLI through tsx's CommonJS hook, so a checkout runs
// it without a build step (`npx byodkim --help`).
require('tsx/cjs');
require('../cli/main.ts');
