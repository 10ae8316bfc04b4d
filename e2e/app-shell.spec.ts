import { test, expect, APP_VERSION } from './harness';

test.describe('app shell', () => {
  test('renders the shell with the app version and no CSP violations', async ({ page, app }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Umbrella PSA Sync' })).toBeVisible();
    await expect(page.getByTestId('app-version')).toHaveText(`Version ${APP_VERSION}`);
    await expect(page.getByRole('heading', { name: 'Integration' })).toBeVisible();
    await page.getByRole('button', { name: 'Connection' }).click();
    await expect(page.getByRole('heading', { name: 'PSA', exact: true })).toBeVisible();
    expect(app.console.filter((line) => /Content Security Policy|Refused to|pageerror/i.test(line))).toEqual([]);
    // The page has the named verbs and no way to reach Node or Electron.
    const surface = await page.evaluate(() => ({
      verbs: Object.keys((window as unknown as { umbrellaPsa: object }).umbrellaPsa).sort(),
      hasRequire: 'require' in window,
      hasProcess: 'process' in window,
    }));
    expect(surface).toEqual({
      verbs: ['checkTickets', 'clearCredentials', 'getAppInfo', 'getCredentialsStatus', 'getCustomerOverview', 'getRunHistory', 'getScheduleStatus', 'getSettings', 'runSync', 'saveSettings', 'sendTestTicket', 'setCredentials', 'testConnection'],
      hasRequire: false,
      hasProcess: false,
    });
  });

  test('settings round trip: the PSA choice is saved by main and shown again after a reload', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Connection' }).click();
    await page.getByLabel('ConnectWise PSA (Manage)').check();
    await page.getByLabel('ConnectWise site').fill('na.myconnectwise.net');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('status')).toHaveText('Saved.');
    expect(app.service.getSettings()).toMatchObject({ psa: { kind: 'connectwise' }, connectwise: { site: 'na.myconnectwise.net' } });

    await page.reload();
    await page.getByRole('button', { name: 'Connection' }).click();
    await expect(page.getByLabel('ConnectWise PSA (Manage)')).toBeChecked();
    await expect(page.getByLabel('ConnectWise site')).toHaveValue('na.myconnectwise.net');
    await expect(page.getByRole('heading', { name: 'ConnectWise PSA credentials' })).toBeVisible();
  });

  test('a value main rejects is shown where it was entered, with the reason', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Connection' }).click();
    await page.getByLabel('ConnectWise PSA (Manage)').check();
    await page.getByLabel('ConnectWise site').fill('http://na.myconnectwise.net');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('Enter a host name such as na.myconnectwise.net (https only)');
    expect(app.service.getSettings().psa.kind).toBeNull();
  });

  test('credentials are write-only: saved into the keychain, never shown again', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Connection' }).click();
    const form = page.getByRole('form', { name: 'Cisco Umbrella for MSPs credentials' });
    await form.getByLabel(/API key/).fill('umbrella-key-e2e');
    await form.getByLabel(/API secret/).fill('umbrella-secret-e2e');
    await form.getByRole('button', { name: 'Save credentials' }).click();
    await expect(form.getByRole('status')).toHaveText('Credentials saved.');
    expect(await app.secrets.get('umbrella')).toEqual({ apiKey: 'umbrella-key-e2e', apiSecret: 'umbrella-secret-e2e' });

    await page.reload();
    await page.getByRole('button', { name: 'Connection' }).click();
    const reloaded = page.getByRole('form', { name: 'Cisco Umbrella for MSPs credentials' });
    await expect(reloaded.getByLabel(/API secret/)).toHaveValue('');
    await expect(reloaded.getByLabel(/API secret/)).toHaveAttribute('placeholder', 'Saved — type to replace');
    expect(await page.content()).not.toContain('umbrella-secret-e2e');

    await reloaded.getByRole('button', { name: 'Remove saved credentials' }).click();
    await expect(reloaded.getByLabel(/API secret/)).toHaveAttribute('placeholder', '');
    expect(await app.secrets.get('umbrella')).toBeNull();
  });
});
