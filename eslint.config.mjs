// ESLint flat config: type-aware rules for an async server, import boundaries between libs, and
// process.env confined to the config module.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const boundaryPatterns = [
  { group: ['@app/*/*'], message: 'Import a lib only through its public door: @app/<lib>.' },
  { group: ['@apps/*/*'], message: 'Import an app only through its door: @apps/<app>.' },
  {
    group: ['**/libs/*/src/**', '../../*/src/**', '../../../*/src/**'],
    message: 'Cross-lib relative imports bypass the public door; use @app/<lib>.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'drizzle/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: boundaryPatterns }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through AppConfig (libs/platform/src/config).' },
      ],
    },
  },
  {
    // Decorator metadata needs runtime imports of injected classes; type-only imports would break DI.
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['libs/platform/src/config/env.ts', 'libs/testing/src/jest/global-setup.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests, fakes and tools may reach into test infrastructure; application code may not.
    files: ['apps/**/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**', 'apps/cli/src/commands/simulate-call*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...boundaryPatterns, { group: ['@app/testing'], message: 'Application code must not import test infrastructure.' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
