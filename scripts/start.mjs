#!/usr/bin/env node
/**
 * `npm start` and `npm run demo`: build (with the CLI's run bit, as `npm run build` leaves it), make
 * sure the Electron binary is there, and launch the app. The binary is not fetched by `npm install`
 * (package.json's allowScripts keeps electron's install script off, so an offline install still
 * succeeds); it is fetched here once, the first time the app starts. Without it, one line says what
 * is missing and what works anyway.
 *   node scripts/start.mjs [--no-build] [app arguments, e.g. --demo]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const appArgs = args.filter((a) => a !== '--no-build');

/** The Electron binary's path, or null while it is not installed. */
function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

if (build) {
  const built = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

let binary = electronBinary();
if (!binary) {
  console.log('Fetching the Electron binary (once, about 100 MB)...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  // Its own output is a stack trace when offline: kept back, the first line reported instead.
  const fetched = spawnSync(process.execPath, [require.resolve('electron/install.js')], { env, encoding: 'utf8' });
  binary = fetched.status === 0 ? electronBinary() : null;
  if (!binary) {
    const reason = `${fetched.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? 'the download failed';
    console.error(`The desktop app cannot start: the Electron binary could not be downloaded (${reason.slice(0, 160)}). Connect to the internet and run "npm start" again; without it, the command line works (npx umbrella-psa-sync --help) and so does "npm test".`);
    process.exit(1);
  }
}

const child = spawn(binary, ['.', ...appArgs], { stdio: 'inherit' });
child.on('exit', (code, signal) => { process.exit(code ?? (signal ? 1 : 0)); });
