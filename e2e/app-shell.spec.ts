import { test, expect, APP_VERSION } from './harness';
import { DEMO_CREDENTIALS } from '../simulators/demo';

test.describe('app shell', () => {
  test('renders the shell with the app version and no CSP violations; a new install opens the setup wizard', async ({ page, app }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1, name: 'Umbrella PSA Sync' })).toBeVisible();
    await expect(page.getByTestId('app-version')).toHaveText(`Version ${APP_VERSION}`);
    await expect(page.getByRole('heading', { name: 'Step 1 of 4: Select your PSA' })).toBeVisible();
    await page.getByRole('button', { name: 'Status' }).click();
    await expect(page.getByRole('heading', { name: 'Integration' })).toBeVisible();
    expect(app.console.filter((line) => /Content Security Policy|Refused to|pageerror/i.test(line))).toEqual([]);
    // The page has the named verbs and no way to reach Node or Electron.
    const surface = await page.evaluate(() => ({
      verbs: Object.keys((window as unknown as { umbrellaPsa: object }).umbrellaPsa).sort(),
      hasRequire: 'require' in window,
      hasProcess: 'process' in window,
    }));
    expect(surface).toEqual({
      verbs: ['applyBillingPlan', 'checkTickets', 'clearCredentials', 'copyDiagnostics', 'getAppInfo', 'getBillingChanges', 'getBillingReport', 'getCredentialsStatus', 'getCustomerDetail', 'getCustomerOverview', 'getRunChanges', 'getRunHistory', 'getScheduleStatus', 'getSettings', 'getTicketingOptions', 'listBillingCodes', 'makeBillingPlan', 'onOpenScreen', 'onRunProgress', 'openLogsFolder', 'removeIntegration', 'runSync', 'saveCsvFile', 'saveSettings', 'sendTestTicket', 'setBillingProduct', 'setCredentials', 'testConnection', 'undoBillingChange'],
      hasRequire: false,
      hasProcess: false,
    });
  });

  test('settings round trip: the PSA choice is saved by main and shown again after a reload', async ({ page, app }) => {
    await page.goto('/');
    await page.getByLabel('ConnectWise PSA (Manage)').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: 'Step 2 of 4: Enter credentials' })).toBeVisible();
    expect(app.service.getSettings()).toMatchObject({ psa: { kind: 'connectwise' } });

    await page.reload();
    await expect(page.getByLabel('ConnectWise PSA (Manage)')).toBeChecked();
    await expect(page.getByLabel('ConnectWise PSA (Manage)')).toBeDisabled();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('group', { name: 'ConnectWise PSA' })).toBeVisible();
  });

  test('a site the shared schema rejects is shown at the field, with the reason, and nothing is saved', async ({ page, app }) => {
    app.service.saveSettings({ psa: { kind: 'connectwise' } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Continue' }).click();
    const site = page.getByRole('group', { name: 'ConnectWise PSA' }).getByLabel('Site', { exact: true });
    await site.fill('http://na.myconnectwise.net');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(site).toHaveAccessibleDescription('Enter a host name such as na.myconnectwise.net (https only)');
    await expect(site).toHaveAttribute('aria-invalid', 'true');
    expect(app.service.getSettings().connectwise.site).toBe('');
    expect(await app.secrets.get('umbrella')).toBeNull();
  });

  test('credentials are write-only: saved into the keychain, never shown again', async ({ page, app, sims }) => {
    app.service.saveSettings({ psa: { kind: 'autotask' } });
    await page.goto('/');
    await page.getByRole('button', { name: 'Continue' }).click();
    const umbrella = page.getByRole('group', { name: 'Cisco Umbrella for MSPs' });
    const autotask = page.getByRole('group', { name: 'Autotask' });
    await umbrella.getByLabel('API key', { exact: true }).fill('umbrella-key-e2e');
    await umbrella.getByLabel('API secret', { exact: true }).fill('umbrella-secret-e2e');
    for (const [label, value] of [['API username', DEMO_CREDENTIALS.autotask.username], ['Secret', DEMO_CREDENTIALS.autotask.secret], ['Tracking identifier', DEMO_CREDENTIALS.autotask.integrationCode]] as const) {
      await autotask.getByLabel(label, { exact: true }).fill(value);
    }
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(umbrella.getByRole('alert')).toContainText('Cisco Umbrella rejected the API key and secret (401)');
    await expect(autotask.getByRole('status')).toHaveText(`Connected to Autotask (${new URL(sims.urls.autotaskDiscovery).host}).`);
    expect(await app.secrets.get('umbrella')).toEqual({ apiKey: 'umbrella-key-e2e', apiSecret: 'umbrella-secret-e2e' });

    await page.reload();
    await page.getByRole('button', { name: 'Continue' }).click();
    const secret = page.getByRole('group', { name: 'Cisco Umbrella for MSPs' }).getByLabel('API secret', { exact: true });
    await expect(secret).toHaveValue('');
    await expect(secret).toHaveAttribute('placeholder', 'Saved — type to replace');
    await expect(secret).toHaveAccessibleDescription('saved');
    const html = await page.content();
    for (const value of ['umbrella-secret-e2e', DEMO_CREDENTIALS.autotask.secret, DEMO_CREDENTIALS.autotask.integrationCode]) expect(html).not.toContain(value);
  });
});
