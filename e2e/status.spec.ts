import { test, expect } from './harness';

test.describe('status screen', () => {
  test('"Sync now" creates the configurations in the PSA and shows per-customer errors with advice', async ({ page, demo }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Integration' })).toBeVisible();
    await expect(page.locator('dd', { hasText: 'ConnectWise PSA (Manage)' })).toBeVisible();
    await page.getByRole('button', { name: 'Sync now' }).click();
    const result = page.getByRole('region', { name: 'Sync result' });
    await expect(result.getByRole('status')).toHaveText('21 created, 0 updated, 0 unchanged, 3 skipped, 1 failed', { timeout: 30_000 });
    await expect(result.getByRole('list', { name: 'Customers that failed' })).toContainText('Summit Realty Group: The PSA company "Summit Realty Group" (SummitRealtyGroup) is inactive: reactivate it in the PSA or map this customer to an active company.');
    expect(demo.sims.connectwise.configurations).toHaveLength(21);
    await expect(page.getByRole('list').filter({ hasText: 'Sync ·' }).first()).toBeVisible();
  });

  test('"Preview next sync" lists what would change and writes nothing', async ({ page, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Preview next sync' }).click();
    const table = page.getByRole('table', { name: 'What the next sync would change' });
    await expect(table.getByRole('row')).toHaveCount(22, { timeout: 30_000 });
    await expect(table.getByRole('row', { name: /Acme Corporation AcmeCorp would be created/ })).toBeVisible();
    expect(demo.sims.connectwise.exchanges.filter((e) => e.method !== 'GET')).toEqual([]);
  });

  test('"Check tickets now" opens a ticket per identity over the threshold', async ({ page, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Check tickets now' }).click();
    const result = page.getByRole('region', { name: 'Ticket check result' });
    await expect(result.getByRole('status')).toHaveText('9 opened, 0 noted, 0 skipped, 0 failed', { timeout: 30_000 });
    expect(demo.sims.connectwise.tickets).toHaveLength(9);
  });
});
