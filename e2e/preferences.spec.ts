import fs from 'node:fs';
import path from 'node:path';
import { EVENTS } from '../preload/channels';
import { DEMO_CREDENTIALS } from '../simulators/demo';
import { test, expect, screenshot } from './harness';

test.describe('Preferences', () => {
  test('start at login and each kind of notification are switched here and saved', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Preferences' }).click();
    const login = page.getByRole('checkbox', { name: 'Start Umbrella PSA Sync when I sign in' });
    const failures = page.getByRole('checkbox', { name: 'Notify me when a sync or ticket check fails' });
    const tickets = page.getByRole('checkbox', { name: 'Notify me when botnet tickets are opened' });
    // Off by default; both notification kinds on.
    await expect(login).not.toBeChecked();
    await expect(failures).toBeChecked();
    await expect(tickets).toBeChecked();
    await login.click();
    await expect(login).toBeChecked();
    await tickets.click();
    await expect(tickets).not.toBeChecked();
    await expect.poll(() => app.service.getSettings().desktop).toMatchObject({ startAtLogin: true, notifications: { failedRuns: true, ticketsOpened: false } });
    // The shell was told each time, and applies the login item from it.
    expect(app.desktop.startAtLogin).toEqual([true, true]);
    await screenshot(page, 'preferences');
  });

  test('Open logs folder and Copy diagnostics: the folder is opened; the report is copied, with no secret in it', async ({ page, app, demo }) => {
    fs.mkdirSync(app.desktop.logDir, { recursive: true });
    fs.writeFileSync(path.join(app.desktop.logDir, 'app.log'), `2026-12-02T00:00:00.000Z warn  a line with ${DEMO_CREDENTIALS.connectwise.privateKey} in it\n`);
    await page.goto('/');
    await page.getByRole('button', { name: 'Preferences' }).click();
    await page.getByRole('button', { name: 'Open logs folder' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Opened ${app.desktop.logDir}` })).toBeVisible();
    expect(app.desktop.openedFolders).toEqual([app.desktop.logDir]);
    await page.getByRole('button', { name: 'Copy diagnostics' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Diagnostics copied to the clipboard' })).toBeVisible();
    const [report] = app.desktop.clipboard;
    expect(report).toContain('Umbrella PSA Sync diagnostics');
    expect(report).toContain('a line with [redacted] in it');
    expect(demo.sims.world.customers.length).toBeGreaterThan(0);
    for (const values of [DEMO_CREDENTIALS.umbrella, DEMO_CREDENTIALS.connectwise]) for (const value of Object.values(values)) expect(report).not.toContain(value);
  });

  test('a notification\'s click opens the screen it is about; a malformed request is ignored', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Customers' }).click();
    app.send(EVENTS.openScreen, { screen: 'nowhere' });
    app.send(EVENTS.openScreen, 'status');
    await expect(page.getByRole('button', { name: 'Customers' })).toHaveAttribute('aria-current', 'page');
    app.send(EVENTS.openScreen, { screen: 'status' });
    await expect(page.getByRole('button', { name: 'Status' })).toHaveAttribute('aria-current', 'page');
  });

  test('a window opened for a notification starts on the screen in its URL; anything else there is ignored', async ({ page, demo }) => {
    expect(demo.sims.world.customers.length).toBeGreaterThan(0);
    await page.goto('/#preferences');
    await expect(page.getByRole('button', { name: 'Preferences' })).toHaveAttribute('aria-current', 'page');
    await page.goto('about:blank');
    await page.goto('/#nowhere');
    // A complete set-up opens on Status, as without a fragment.
    await expect(page.getByRole('button', { name: 'Status' })).toHaveAttribute('aria-current', 'page');
  });
});
