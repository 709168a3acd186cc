/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/**
 * One jest configuration, several projects so a developer can run a slice:
 * `npm run test:unit` runs the pure domain tests only.
 */
const tsJest: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
};

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
    },
    {
      displayName: 'dns',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/tests/dns/**/*.test.ts'],
    },
  ],
};

export default config;
