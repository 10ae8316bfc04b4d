import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      lib: { entry: { index: resolve('main/shell/index.ts'), cli: resolve('main/cli/index.ts') } },
    },
  },
  preload: {
    // Sandboxed preloads cannot be ESM: emit CommonJS.
    build: {
      lib: { entry: resolve('preload/index.ts') },
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    build: { rolldownOptions: { input: resolve('renderer/index.html') } },
    plugins: [react()],
  },
});
