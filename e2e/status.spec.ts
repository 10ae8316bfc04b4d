import { test, expect, screenshot } from './harness';

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

  test('the preview marks the customers whose last month\'s figures are kept from an earlier read, not asked again', async ({ page, app, demo }) => {
    await app.service.runSync(false);
    const acme = demo.sims.world.customers.find((c) => c.customerName === 'Acme Corporation')!;
    acme.seats += 2;
    await page.goto('/');
    await page.getByRole('button', { name: 'Preview next sync' }).click();
    const table = page.getByRole('table', { name: 'What the next sync would change' });
    const row = table.getByRole('row', { name: /Acme Corporation/ });
    await expect(row).toContainText('Seats', { timeout: 30_000 });
    // From the 3rd of a month the figures read by the sync are kept; on the 1st and 2nd they are read again.
    if (new Date().getUTCDate() >= 3) await expect(row).toContainText("last month's figures as read");
    else await expect(row).not.toContainText("last month's figures as read");
  });

  test('"Check tickets now" opens a ticket per identity over the threshold', async ({ page, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Check tickets now' }).click();
    const result = page.getByRole('region', { name: 'Ticket check result' });
    // The demo MSP has not mapped Westbrook Law Office: its hit is named as a problem, not dropped.
    await expect(result.getByRole('status')).toHaveText('9 opened, 0 noted, 0 skipped, 1 failed', { timeout: 30_000 });
    await expect(result).toContainText(/Westbrook Law Office.*WESTBR-[A-Z]+-01: \d+ blocked botnet request\(s\) in .* could not be ticketed: the customer is not mapped to a PSA company/);
    expect(demo.sims.connectwise.tickets).toHaveLength(9);
    const recent = page.getByRole('list', { name: 'Tickets opened or noted recently' });
    await expect(recent.getByRole('listitem')).toHaveCount(9);
    await expect(recent.getByRole('listitem').filter({ hasText: 'Acme Corporation' }).first()).toContainText(/Ticket #\d+ opened · Acme Corporation · ACMECO-/);
  });

  test('a sync started outside the window (tray, schedule) shows live progress pushed from main, then lands in the history', async ({ page, app, demo }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Recent runs' })).toBeVisible();
    await expect(page.getByText('No runs yet.')).toBeVisible();
    demo.sims.setFaults({ latencyMs: 150 });
    const run = app.service.runSync(false);
    const progress = page.getByRole('progressbar', { name: 'Syncing' });
    await expect(progress).toBeVisible();
    await expect(page.getByText(/^Syncing: ([1-9]|1\d|2[01]) of 22 customers$/)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Sync now' })).toBeDisabled();
    await screenshot(page, 'status-sync-in-progress');
    await run;
    await expect(progress).toBeHidden();
    await expect(page.getByRole('list').filter({ hasText: 'Sync ·' }).first()).toContainText('21 created, 0 updated, 0 unchanged, 3 skipped, 1 failed');
    await expect(page.getByRole('button', { name: 'Sync now' })).toBeEnabled();
  });
});
