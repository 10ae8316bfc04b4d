import { test, expect } from './harness';

test.describe('connection checks', () => {
  test('a wrong secret shows the specific error; the right one shows that it connects', async ({ page, app, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Connection' }).click();
    const umbrella = page.getByRole('form', { name: 'Cisco Umbrella for MSPs credentials' });
    await umbrella.getByLabel(/API secret/).fill('not-the-right-secret');
    await umbrella.getByRole('button', { name: 'Save credentials' }).click();
    await expect(umbrella.getByRole('status').first()).toHaveText('Credentials saved.');
    await umbrella.getByRole('button', { name: 'Test connection' }).click();
    await expect(umbrella.getByRole('alert')).toContainText('Cisco Umbrella rejected the API key and secret (401). Check them under Admin > API Keys');
    await expect(umbrella.getByRole('alert')).not.toContainText('not-the-right-secret');

    await app.service.setCredentials({ kind: 'umbrella', values: { apiSecret: 'demo-umbrella-api-secret' } });
    await umbrella.getByRole('button', { name: 'Test connection' }).click();
    await expect(umbrella.getByText(`Connected to Cisco Umbrella: ${String(demo.sims.world.customers.length)} customer organization(s).`)).toBeVisible();

    const connectwise = page.getByRole('form', { name: 'ConnectWise PSA credentials' });
    await connectwise.getByRole('button', { name: 'Test connection' }).click();
    await expect(connectwise.getByText(/^Connected to ConnectWise PSA \(codebase v2025_1\)\.$/)).toBeVisible();
  });
});
