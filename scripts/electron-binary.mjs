/**
 * Where the Electron binary is, or null while it is not installed, found without `require('electron')`:
 * since Electron 42 that require downloads the binary on the spot (printing a stack trace offline).
 * Shared by `npm start` (scripts/start.mjs) and the _electron e2e suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export function installedElectronBinary() {
  let dir;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), fs.readFileSync(pathFile, 'utf8'));
  return fs.existsSync(binary) ? binary : null;
}
