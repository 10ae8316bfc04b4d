/**
 * Launches the real Electron app where an Electron binary is installed. On machines without one
 * (the npm package is installed with its binary download skipped) it is skipped, saying why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { test, expect, _electron as electron } from '@playwright/test';

function electronBinary(): { path: string } | { reason: string } {
  try {
    const resolved = createRequire(import.meta.url)('electron') as unknown;
    if (typeof resolved === 'string' && fs.existsSync(resolved)) return { path: resolved };
    return { reason: 'the electron package resolved to no executable' };
  } catch (error) {
    return { reason: `no Electron binary is installed (${(error as Error).message.split('\n')[0] ?? ''}); install electron without ELECTRON_SKIP_BINARY_DOWNLOAD to run this test` };
  }
}

const binary = electronBinary();
if ('reason' in binary) console.log(`[electron.spec] skipped: ${binary.reason}`);

test('the packaged app starts a hardened window with the named-verb bridge', async () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-electron-'));
  const app = await electron.launch({ args: ['.'], env: { ...process.env, UMBRELLA_PSA_DATA_DIR: dataDir } });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Umbrella PSA Sync' })).toBeVisible();
    const surface = await window.evaluate(() => ({
      verbs: Object.keys((window as unknown as { umbrellaPsa: object }).umbrellaPsa).sort(),
      hasRequire: 'require' in window,
      hasProcess: 'process' in window,
    }));
    expect(surface.hasRequire).toBe(false);
    expect(surface.hasProcess).toBe(false);
    expect(surface.verbs).toContain('getSettings');
    await window.screenshot({ path: path.join('test-results', 'screenshots', 'electron-app.png') });
  } finally {
    await app.close();
  }
});
