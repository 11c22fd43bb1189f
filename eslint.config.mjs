// Flat config. Type-unaware typescript-eslint rules (fast), Nx module boundaries with real constraints.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { createProjectGraphAsync } from '@nx/devkit';

// @nx/enforce-module-boundaries only reads a cached project graph and silently skips itself when
// there is none (fresh clone, CI). Build it here so `eslint .` alone always enforces boundaries.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

/**
 * Which project types a type may import. Production code never imports type:testing;
 * test files (see TEST_FILES) may, on top of these.
 */
const TYPE_DEPS = {
  'type:contracts': ['type:contracts'],
  'type:util': ['type:contracts', 'type:util'],
  'type:data-access': ['type:contracts', 'type:util', 'type:data-access'],
  'type:domain': ['type:contracts', 'type:util', 'type:domain'],
  'type:app': ['type:contracts', 'type:util', 'type:data-access', 'type:domain'],
  // Test helpers may reach anything that is not an app.
  'type:testing': ['type:contracts', 'type:util', 'type:data-access', 'type:domain', 'type:testing'],
};

// Apps never import each other: a service scope sees itself and shared code only.
// Add one line per new service (scope:catalog, scope:sdwan, ...).
const SCOPE_DEPS = {
  'scope:gateway': ['scope:gateway', 'scope:shared'],
  'scope:ca': ['scope:ca', 'scope:shared'],
  'scope:catalog': ['scope:catalog', 'scope:shared'],
  'scope:agent': ['scope:agent', 'scope:shared'],
  'scope:handshake': ['scope:handshake', 'scope:shared'],
  'scope:sdwan': ['scope:sdwan', 'scope:shared'],
  'scope:docker-proxy': ['scope:docker-proxy', 'scope:shared'],
  'scope:cli': ['scope:cli', 'scope:shared'],
  'scope:tutorial': ['scope:tutorial', 'scope:shared'],
  'scope:shared': ['scope:shared'],
};

// Test files, and test-support code that only tests import (a project's src/testing/ folder).
const TEST_FILES = ['**/*.spec.ts', '**/test/**/*.ts', '**/__tests__/**/*.ts', '**/src/testing/**/*.ts'];

function depConstraints({ tests }) {
  return [
    ...Object.entries(TYPE_DEPS).map(([sourceTag, allowed]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: tests && !allowed.includes('type:testing') ? [...allowed, 'type:testing'] : allowed,
    })),
    ...Object.entries(SCOPE_DEPS).map(([sourceTag, allowed]) => ({ sourceTag, onlyDependOnLibsWithTags: allowed })),
  ];
}

function boundaries({ tests }) {
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      // Specs of a lib import @powernode/testing, which may itself import that lib: not a real cycle.
      ignoredCircularDependencies: [['tag:type:testing', '*']],
      depConstraints: depConstraints({ tests }),
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.nx/**', '**/.powernode/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
      // A library exposes only its src/index.ts: no `@powernode/<lib>/<anything>`.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@powernode/*/**'], message: 'Import the library by its alias (its src/index.ts), not a deep path.' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ tests: true }),
      // Tests read JSON bodies of many shapes; asserting on them is the point, typing them is not.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
  },
  prettier,
);
