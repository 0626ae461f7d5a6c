// ESLint flat config: typescript-eslint's type-aware recommended rules over the TypeScript
// sources (apps, libs, cli, test, bench), tuned to what this codebase enforces. Formatting
// is Prettier's job (`npm run format`); nothing here is about layout.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// jest's focus and skip switches: STYLE.md forbids `.only`, and a skipped (or expected to
// fail) test is a test that silently stopped running.
const focusOrSkip = ['only', 'skip', 'todo', 'failing'].flatMap((property) =>
  ['test', 'it', 'describe'].map((object) => ({ object, property, message: `no ${object}.${property} in committed tests: every test runs` })),
);

export default tseslint.config(
  { ignores: ['dist/**'] },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['apps/api/web/**'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // fire-and-forget is written `void promise`; anything else must be awaited or handled.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // type-only imports are written `import type`, so they vanish from the emitted JavaScript
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      // off: functions here are `async` on purpose without an await (use cases, handlers,
      // callbacks of a Promise-returning signature) so that a throw becomes a rejection
      '@typescript-eslint/require-await': 'off',
      'no-restricted-properties': ['error', ...focusOrSkip],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@jest/globals', importNames: ['fit', 'fdescribe', 'xit', 'xtest', 'xdescribe'], message: 'no focused or skipped tests in committed tests: every test runs' },
            { name: 'node:test', message: "tests run under jest: import describe, test, beforeAll, … from '@jest/globals'" },
          ],
        },
      ],
    },
  },
  {
    // the dashboard: browser code (DOM globals, Preact's JSX), type-checked through its own
    // tsconfig (apps/api/web/tsconfig.json), with the same rules as the rest
    files: ['apps/api/web/**/*.ts', 'apps/api/web/**/*.tsx', 'apps/api/web/**/*.mts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.browser,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // off in tests only: tests JSON.parse what the CLI, the bus and the stand-ins print and
    // assert on fields of it; the assertion is the check, and typing every parsed reply would
    // only restate the assertions
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // off in the Discord stand-in only: like Discord it takes arbitrary JSON from the client
    // under test, and echoes a bad value back with String() as Discord's error messages do
    files: ['test/support/discord-stand-in/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
