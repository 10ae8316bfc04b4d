import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { electron: resolve('test/stubs/electron.ts') } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Inline electron-store so the `electron` alias applies inside it too.
    server: { deps: { inline: ['electron-store'] } },
    testTimeout: 20_000,
    globalSetup: ['test/temp-folders.ts'],
  },
});
