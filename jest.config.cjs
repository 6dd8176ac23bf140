'use strict';
// Jest 30 + @swc/jest, compiled exactly like the build (scripts/swc-options.cjs).
// Nest 12 and a few of its dependencies ship ESM only: they are down-levelled to CommonJS here
// (transformIgnorePatterns); PGlite needs `node --experimental-vm-modules` (see package.json).
// TEST_SCOPE=light skips the heavy end-to-end/concurrency suites (*.heavy.spec.ts) so the second
// CI pass (real PostgreSQL) stays short; they run once, on the first pass.
const { swcOptions } = require('./scripts/swc-options.cjs');

const testRegex = process.env.TEST_SCOPE === 'light' ? '(?<!\\.heavy)\\.spec\\.ts$' : '\\.spec\\.ts$';
// *.pg.spec.ts need a real PostgreSQL server (login roles, a second connection as another role):
// they are in the test list only when TEST_DATABASE_URL names one (the second CI pass).
const testPathIgnorePatterns = process.env.TEST_DATABASE_URL ? ['/node_modules/'] : ['/node_modules/', '\\.pg\\.spec\\.ts$'];

module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex,
  testPathIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions({ sourceMaps: 'inline' })] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|load-esm)/)'],
  moduleNameMapper: {
    '^@app/([^/]+)$': '<rootDir>/libs/$1/src',
    '^@apps/([^/]+)$': '<rootDir>/apps/$1/src',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  testEnvironment: 'node',
  testTimeout: 60_000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  // PGlite instances and servers are closed by each suite; this only guards against a leak
  // turning into a CI hang.
  forceExit: false,
  reporters: ['default'],
};
