/**
 * `npm test` runs Electronegativity over the sources and the build (scripts/electronegativity.mjs).
 * Here: a new finding fails that step, and one justified inline in the sources passes in both the
 * sources and the comment-stripped build output.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures';

/** The rest of a hardened app, so that the global checks (CSP, navigation limits, permissions) are met. */
const REST = "const contents = BrowserWindow.getAllWindows()[0].webContents;\ncontents.on('will-navigate', (event) => { event.preventDefault(); });\n" +
  "contents.setWindowOpenHandler(() => ({ action: 'deny' }));\n" +
  "contents.session.setPermissionRequestHandler((_c, _p, callback) => { callback(false); });";
const PAGE = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; object-src 'none'; base-uri 'none'"></head><body></body></html>\n`;

function project(windowCode: string, builtCode: string) {
  const root = tempDir('upsa-eng-');
  for (const dir of ['main', 'out']) {
    fs.mkdirSync(path.join(root, dir));
    fs.writeFileSync(path.join(root, dir, 'index.html'), PAGE);
  }
  fs.writeFileSync(path.join(root, 'main', 'window.ts'), `import { BrowserWindow, shell } from 'electron';\n${windowCode}\n${REST}\n`);
  fs.writeFileSync(path.join(root, 'out', 'index.js'), `const { BrowserWindow, shell } = require('electron');\n${builtCode}\n${REST}\n`);
  return root;
}

function scan(root: string) {
  const run = spawnSync(process.execPath, ['scripts/electronegativity.mjs', '--sources', path.join(root, 'main'), '--build', path.join(root, 'out')], { encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

const HARDENED = "new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' } });";

describe('the Electronegativity step', () => {
  it('fails on a new finding, naming the check, the file and the line', () => {
    const window = "new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false, nodeIntegration: true } });";
    const { code, output } = scan(project(window, window));
    expect(code).toBe(1);
    expect(output).toMatch(/CONTEXT_ISOLATION_JS_CHECK sources\/main\/window\.ts:2/);
    expect(output).toMatch(/SANDBOX_JS_CHECK sources\/main\/window\.ts:2/);
    expect(output).toMatch(/CONTEXT_ISOLATION_JS_CHECK .*out\/index\.js:2/);
  }, 120_000);

  it('passes a finding justified inline in the sources, also where the bundler dropped the comment', () => {
    const justified = `${HARDENED}\nconst url = process.argv[2] ?? '';\nif (url.startsWith('https://')) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK: checked https only`;
    // What the bundler makes of it: the same line, without the comment and the void.
    const built = `${HARDENED}\nconst url = process.argv[2] ?? '';\nif (url.startsWith('https://')) shell.openExternal(url);`;
    const { code, output } = scan(project(justified, built));
    expect(output).toMatch(/no unjustified finding/);
    expect(code).toBe(0);
    // The same call without the annotation fails.
    expect(scan(project(`${HARDENED}\nconst url = process.argv[2] ?? '';\nif (url.startsWith('https://')) void shell.openExternal(url);`, built)).code).toBe(1);
  }, 180_000);
});
