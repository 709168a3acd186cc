/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/**
 * One jest configuration, one project per kind of test so a developer can run a slice
 * (`npx jest --selectProjects dns`). `npm run test:unit` runs the pure domain tests only.
 */
const project = (name: string, extra: Partial<Config> = {}): Config => ({
  displayName: name,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
  ...extra,
  // No raw Powertools lines in the output, no cdk.out* directory left in the temp folder.
  setupFiles: ['<rootDir>/tests/support/quiet-powertools.ts'],
  setupFilesAfterEnv: ['<rootDir>/tests/support/cdk-outdir.ts', ...(extra.setupFilesAfterEnv ?? [])],
});

const config: Config = {
  // Both cores of the CI machine: jest's default (cores - 1) runs a 2-core machine in band. The
  // suites start their servers on ephemeral ports and clean up their own directories, so they run
  // side by side: the whole run took 817 s in band and 470 s with two workers on this machine.
  maxWorkers: 2,
  projects: [
    project('unit'),
    project('dns'),
    project('tasks', { setupFilesAfterEnv: ['aws-sdk-client-mock-jest'] }),
    project('workflow'),
    project('infra'),
    project('local'),
    project('e2e'),
    project('browser'),
    project('package'),
  ],
};

export default config;
