// ESLint flat config. Pragmatic on purpose: the type-aware rules here find real bugs (a promise
// nobody awaits, an async callback where a sync one is expected), the import rules keep the
// architecture honest (no cycles; src/ never reaches into jobs/ or sandbox/, the sandbox never
// reaches into src/). Style is left to the code review and the compiler.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'test-artifacts/', 'db/migrations/', 'sandbox/db/migrations/', 'src/dashboard/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      // .ts files are modules to follow (the import-x TypeScript preset's extensions and parser).
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Bugs the types can see.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Architecture.
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src', from: './jobs', message: 'src/ must not import jobs/: jobs depend on src, never the reverse.' },
            { target: './src', from: './sandbox', message: 'The product never imports the sandbox.' },
            { target: './sandbox', from: './src', message: 'The sandbox stands alone: it must not import the connector (src/).' },
          ],
        },
      ],
    },
  },
  {
    // Tests and scripts read JSON answers of our own API; typing each one would only restate the schemas.
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // A test spells out the shape of the answer it reads (`res.json() as {...}`, `x!`) as documentation.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
);
