import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

// Jest always runs from the repo root (npm test). One SWC configuration for build and tests, so decorators behave the same in both.
const swc = JSON.parse(readFileSync('.swcrc', 'utf8'));

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts', '<rootDir>/tests'],
  testMatch: ['**/*.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false, module: { type: 'es6' } }] },
  moduleNameMapper: {
    '^@powernode/(contracts|eventstore|service-kit|service-runtime|testing|pki|wireguard|registry|docker-host|netns)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 60_000,
};

export default config;
