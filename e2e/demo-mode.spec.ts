import { test, expect, screenshot } from './harness';
import { createSecretStore, loadKeytar, KEYCHAIN_SERVICE } from '../main/adapters/store/secrets';

test.use({ demoMode: true });

test('demo mode: a new user sets up ConnectWise with the demo credentials, maps with suggestions and syncs, without touching the real keychain', async ({ page, app }) => {
  const sims = app.demoSims!;
  const keytar = await loadKeytar();
  const realBefore = await keytar.findCredentials(KEYCHAIN_SERVICE);
  await page.goto('/');
  await expect(page.getByText('Demo mode', { exact: true })).toBeVisible();
  await page.getByLabel('ConnectWise PSA (Manage)').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Fill in the demo credentials' }).click();
  await screenshot(page, 'demo-wizard-credentials');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 4: Set ticketing details (optional)' })).toBeVisible();
  await page.getByRole('button', { name: 'Skip: no tickets' }).click();
  await page.getByRole('button', { name: 'Finish' }).click();

  await expect(page.getByRole('table', { name: 'Customer mapping' })).toBeVisible();
  await page.getByRole('button', { name: /^Accept \d+ suggestions$/ }).click();
  await expect(page.getByText(/customers? (is|are) not mapped/)).toBeVisible();
  await page.getByRole('button', { name: 'Status' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('region', { name: 'Sync result' }).getByRole('status')).toHaveText(/^\d+ created, 0 updated/, { timeout: 30_000 });
  expect(sims.connectwise.configurations.length).toBeGreaterThan(10);
  // Billing works in the demo out of the box: the demo's product is chosen.
  await page.getByRole('button', { name: 'Billing' }).click();
  await page.getByRole('button', { name: 'Compare now' }).click();
  await expect(page.getByRole('status', { name: 'Billing totals' })).toContainText(/\d+ under-billed/, { timeout: 30_000 });

  // The demo's credentials live in memory: the real keychain is as it was.
  expect(await app.secrets.get('connectwise')).not.toBeNull();
  expect(await keytar.findCredentials(KEYCHAIN_SERVICE)).toEqual(realBefore);
  expect(await createSecretStore(keytar).get('umbrella')).toBeNull();
});
