import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Files that may import `electron`: everything else must stay runnable (and testable) in plain Node. */
const ELECTRON_FILES = [
  'main/shell/**',
  'main/adapters/store/electron-*.ts',
  'preload/index.ts',
  'e2e/electron.spec.ts',
  // In tests `electron` resolves to test/stubs/electron.ts (vitest alias).
  'test/**',
];

const noElectron = {
  name: 'electron',
  message:
    'Only the Electron shell (main/shell/), the Electron adapters in main/adapters/store/ and the preload may import electron. Keep logic in plain Node modules.',
};


/**
 * The layers of main/, bottom to top (README, "Layout and rules"). A file imports from its own layer or
 * a lower one, never upward: the domain imports nothing of the app; the adapters (http and logging at
 * the bottom, then the stores, then the two vendors' clients) know no job; the jobs know no façade; the
 * façade knows no shell. The preload's pure modules are the contract every layer above the domain shares.
 */
const LAYERS = [
  { type: 'domain', pattern: 'main/domain', may: [] },
  { type: 'contract', pattern: 'preload', may: [] },
  { type: 'http', pattern: 'main/adapters/http', may: ['domain', 'contract'] },
  { type: 'logging', pattern: 'main/adapters/logging', may: ['domain', 'contract'] },
  { type: 'store', pattern: 'main/adapters/store', may: ['logging', 'domain', 'contract'] },
  { type: 'umbrella', pattern: 'main/adapters/umbrella', may: ['http', 'logging', 'store', 'domain', 'contract'] },
  { type: 'psa', pattern: 'main/adapters/psa', may: ['http', 'logging', 'store', 'domain', 'contract'] },
  { type: 'simulators', pattern: 'simulators', may: ['contract'] },
  { type: 'jobs', pattern: 'main/jobs', may: ['umbrella', 'psa', 'store', 'http', 'logging', 'domain', 'contract'] },
  { type: 'app', pattern: 'main/app', may: ['jobs', 'umbrella', 'psa', 'store', 'http', 'logging', 'domain', 'contract', 'simulators'] },
  { type: 'shell', pattern: 'main/shell', may: ['app', 'jobs', 'umbrella', 'psa', 'store', 'http', 'logging', 'domain', 'contract'] },
  { type: 'cli', pattern: 'main/cli', may: ['app', 'jobs', 'umbrella', 'psa', 'store', 'http', 'logging', 'domain', 'contract', 'simulators'] },
];
const LAYERED_FILES = ['main/**/*.ts', 'preload/**/*.ts'];

export default tseslint.config(
  {
    ignores: ['out/**', 'test-results/**', 'playwright-report/**', '.ci-out/**', 'release/**', 'dist/**', 'node_modules/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    // The layers, and no import circle (a circle makes two modules one, whatever the folders say).
    files: LAYERED_FILES,
    plugins: { boundaries, 'import-x': importX },
    settings: {
      'boundaries/elements': LAYERS.map(({ type, pattern }) => ({ type, pattern })),
      'boundaries/include': [...LAYERED_FILES, 'simulators/**/*.ts'],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'import-x/extensions': ['.ts', '.tsx'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'allow',
        policies: LAYERS.map(({ type, may }) => ({
          from: { element: { type } },
          disallow: { to: { element: { types: { noneOf: [type, ...may] } } } },
          message: `${type} may import only from ${[type, ...may].join(', ')} (the layers in eslint.config.js, README "Layout and rules")`,
        })),
      }],
      'import-x/no-cycle': 'error',
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: ELECTRON_FILES,
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // GitHub Desktop's rule: the typed router is the only way in; raw ipcMain/ipcRenderer stay in two files.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['main/shell/ipc.ts', 'preload/index.ts', 'test/stubs/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='ipcMain']", message: 'Register channels in main/shell/ipc.ts through the contract router.' },
        { selector: "MemberExpression[object.name='ipcRenderer']", message: 'Use the named verbs from preload/contract.ts.' },
      ],
    },
  },
  { files: ['main/**/*.ts', 'preload/**/*.ts', 'simulators/**/*.ts', 'scripts/**', 'test/**', 'e2e/**', 'bench/**'], languageOptions: { globals: globals.node } },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/main/**', '../../main/*'], message: 'The renderer talks to main only through the preload contract.' },
            { group: ['node:*'], message: 'The renderer runs sandboxed in the browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked] },
);
