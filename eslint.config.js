import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Files that may import `electron`: everything else must stay runnable (and testable) in plain Node. */
const ELECTRON_FILES = [
  'main/shell/**',
  'main/store/electron-*.ts',
  'preload/index.ts',
  'e2e/electron.spec.ts',
  // In tests `electron` resolves to test/stubs/electron.ts (vitest alias).
  'test/**',
];

const noElectron = {
  name: 'electron',
  message:
    'Only the Electron shell (main/shell/), the Electron adapters in main/store/ and the preload may import electron. Keep logic in plain Node modules.',
};

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
