/**
 * Every CDK App a test file makes without an `outdir` synthesizes into one directory of the file's
 * own (CDK_OUTDIR), removed after the file: `npm test` leaves no cdk.out* directory in the temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outdir = mkdtempSync(join(tmpdir(), 'byodkim-test-cdk-'));
process.env.CDK_OUTDIR = outdir;

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});
