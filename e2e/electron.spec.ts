/**
 * Launches the real Electron app where an Electron binary is installed. On machines without one
 * (the npm package is installed with its binary download skipped) it is skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installedElectronBinary } from '../scripts/electron-binary.mjs';
import { test, expect, _electron as electron, type ElectronApplication } from '@playwright/test';
import { TEST_HOOKS_GLOBAL, type ShellTestHooks } from '../main/shell/test-hooks';

function electronBinary(): { path: string } | { reason: string } {
  const found = installedElectronBinary();
  return found ? { path: found } : { reason: 'no Electron binary is installed (npm install leaves it out; "npm start" fetches it once, with internet access)' };
}

const binary = electronBinary();
if ('reason' in binary) console.log(`[electron.spec] skipped: ${binary.reason}`);

type Hooks = Omit<ShellTestHooks, 'trayMenu'> & { trayMenu: { label: string; enabled: boolean }[] };

/** The app in demo mode (simulators, no keychain entry touched), with the shell's test-only hooks (NODE_ENV=test). */
async function launchDemo(extraArgs: string[] = [], dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-electron-'))): Promise<ElectronApplication> {
  return electron.launch({ args: ['.', '--demo', ...extraArgs], env: { ...process.env, NODE_ENV: 'test', UMBRELLA_PSA_DATA_DIR: dataDir } });
}

/** What the tray and the notifications show, read in the main process. */
const shellState = (app: ElectronApplication) => app.evaluate((_electron, name) => {
  const hooks = (globalThis as Record<string, unknown>)[name] as ShellTestHooks;
  return { trayTooltip: hooks.trayTooltip, notifications: hooks.notifications, trayMenu: hooks.trayMenu.map(({ label, enabled }) => ({ label, enabled })) } satisfies Hooks;
}, TEST_HOOKS_GLOBAL);

/** Clicks a tray menu item, as the OS menu would. */
const clickTray = (app: ElectronApplication, label: string) => app.evaluate((_electron, [name, wanted]) => {
  const hooks = (globalThis as Record<string, unknown>)[name] as ShellTestHooks;
  const item = hooks.trayMenu.find((i) => i.label === wanted);
  if (!item?.click) throw new Error(`No tray menu item "${wanted}"`);
  item.click();
}, [TEST_HOOKS_GLOBAL, label] as const);

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
    // Served by the app:// protocol, not file://.
    expect(window.url()).toMatch(/^app:\/\/renderer\//);
    await window.screenshot({ path: path.join('test-results', 'screenshots', 'electron-app.png') });
  } finally {
    await app.close();
  }
});

test('the tray: its menu, a sync started from it, and the result line it shows after', async () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
  const app = await launchDemo();
  try {
    await app.firstWindow();
    await expect.poll(async () => (await shellState(app)).trayMenu.map((i) => i.label)).toEqual(
      ['Open Umbrella PSA Sync', 'No run yet', 'Sync now', 'Check tickets now', 'Pause the schedule', 'Quit']);
    await clickTray(app, 'Sync now');
    await expect.poll(async () => (await shellState(app)).trayMenu[1]?.label ?? '', { timeout: 120_000 }).toMatch(/^Last sync .*: \d+ configuration\(s\) written/);
    await clickTray(app, 'Pause the schedule');
    await expect.poll(async () => (await shellState(app)).trayTooltip).toBe('Umbrella PSA Sync - Schedule paused');
  } finally {
    await app.close();
  }
});

test('closing the window keeps the app in the tray, says so once, and Open brings the window back', async () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
  const app = await launchDemo();
  try {
    const window = await app.firstWindow();
    await window.close();
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    await expect.poll(async () => (await shellState(app)).notifications.map((n) => n.title)).toEqual(['Umbrella PSA Sync is still running']);
    const reopened = app.waitForEvent('window');
    await clickTray(app, 'Open Umbrella PSA Sync');
    await expect((await reopened).getByRole('heading', { level: 1, name: 'Umbrella PSA Sync' })).toBeVisible();
    // The second close says nothing again.
    await (await app.firstWindow()).close();
    expect((await shellState(app)).notifications).toHaveLength(1);
  } finally {
    await app.close();
  }
});

test('started by the login item (--hidden), only the tray appears; a second launch brings the window up and exits', async () => {
  test.skip('reason' in binary, 'reason' in binary ? binary.reason : '');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-electron-'));
  const app = await launchDemo(['--hidden'], dataDir);
  try {
    await expect.poll(async () => (await shellState(app)).trayMenu.length).toBeGreaterThan(0);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
    const shown = app.waitForEvent('window');
    // The same settings folder is the same instance: the second process hands over and quits.
    const second = spawnSync('reason' in binary ? '' : binary.path, ['.', '--demo'], { env: { ...process.env, NODE_ENV: 'test', UMBRELLA_PSA_DATA_DIR: dataDir }, timeout: 60_000 });
    expect(second.status).toBe(0);
    await expect((await shown).getByRole('heading', { level: 1, name: 'Umbrella PSA Sync' })).toBeVisible();
  } finally {
    await app.close();
  }
});
