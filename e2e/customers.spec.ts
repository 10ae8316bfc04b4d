import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, screenshot, type AppHarness } from './harness';
import { DEMO_CREDENTIALS, startDemoSimulators } from '../simulators/demo';

const openCustomers = async (page: Page) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Customers' }).click();
  await expect(page.getByRole('table', { name: 'Customer mapping' })).toBeVisible();
};
const search = (page: Page, text: string) => page.getByLabel('Search').fill(text);
/** Removes every saved mapping (a save changes only the entries it names). */
const clearMappings = (app: AppHarness) => {
  app.service.saveSettings({ mappings: Object.fromEntries(Object.keys(app.service.getSettings().mappings).map((id) => [id, null])) });
};
/** The command line on the same settings folder, as an administrator would run it beside the window. */
const cli = (dataDir: string, ...args: string[]) => promisify(execFile)(process.execPath, ['out/main/cli.js', ...args, '--data-dir', dataDir]);

test.describe('customers screen', () => {
  test('suggests matches and accepts all above the chosen confidence in one click', async ({ page, app, demo }) => {
    clearMappings(app);
    await openCustomers(page);
    await expect(page.getByText('25 customers are not mapped to a PSA company and will not be synced.')).toBeVisible();
    const table = page.getByRole('table', { name: 'Customer mapping' });
    await expect(table.getByRole('row', { name: /Baker & Sons Plumbing/ }).getByRole('button', { name: /Baker and Sons Plumbing LLC \(\d+%\)/ })).toBeVisible();

    const accept = page.getByRole('button', { name: /^Accept \d+ suggestions?$/ });
    const label = await accept.textContent();
    const accepted = Number(/Accept (\d+)/.exec(label ?? '')?.[1]);
    expect(accepted).toBeGreaterThan(10);
    await accept.click();
    await expect(page.getByText(`${String(25 - accepted)} customers are not mapped`)).toBeVisible();
    const mappings = app.service.getSettings().mappings;
    expect(Object.values(mappings).filter((m) => m.psaCompany)).toHaveLength(accepted);
    expect(mappings[String(demo.sims.world.customers[0]!.customerId)]?.psaCompany).toBe('AcmeCorp');
    await screenshot(page, 'customers-after-accepting-suggestions');

    await page.getByLabel('Show').selectOption('unmapped');
    await expect(table.getByRole('row', { name: /Maple Street Bakery/ })).toBeVisible();
    await expect(table.getByRole('row', { name: /Acme Corporation/ })).toHaveCount(0);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  test('a company typed by hand is saved, and an excluded customer is kept out', async ({ page, app, demo }) => {
    clearMappings(app);
    await openCustomers(page);
    await search(page, 'Westbrook');
    const input = page.getByLabel('PSA company for Westbrook Law Office');
    await input.fill('NorthwindTraders');
    await input.blur();
    await expect(page.getByRole('row', { name: /Westbrook Law Office/ }).getByText('Active')).toBeVisible();
    await search(page, 'Maple');
    // The box follows the saved mapping (optimistically, a moment after the click): click, then wait for it.
    await page.getByLabel('Exclude Maple Street Bakery').click();
    await expect(page.getByLabel('Exclude Maple Street Bakery')).toBeChecked();
    const byOrg = (name: string) => String(demo.sims.world.customers.find((c) => c.customerName === name)!.customerId);
    await expect.poll(() => app.service.getSettings().mappings[byOrg('Maple Street Bakery')]?.excluded).toBe(true);
    expect(app.service.getSettings().mappings[byOrg('Westbrook Law Office')]).toEqual({ psaCompany: 'NorthwindTraders', excluded: false });
  });

  test('a mapping saved in the CLI while this screen is open is kept when the screen saves a change of its own', async ({ page, app, demo }) => {
    clearMappings(app);
    await openCustomers(page);
    const orgOf = (name: string) => String(demo.sims.world.customers.find((c) => c.customerName === name)!.customerId);
    // The screen has loaded its table; now the CLI maps another customer.
    await cli(app.dataDir, 'map', orgOf('Maple Street Bakery'), 'AcmeCorp', '--no-check');
    await search(page, 'Westbrook');
    const input = page.getByLabel('PSA company for Westbrook Law Office');
    await input.fill('NorthwindTraders');
    await input.blur();
    await expect.poll(() => app.service.getSettings().mappings[orgOf('Westbrook Law Office')]?.psaCompany).toBe('NorthwindTraders');
    expect(app.service.getSettings().mappings[orgOf('Maple Street Bakery')]).toEqual({ psaCompany: 'AcmeCorp', excluded: false });
  });

  test('shows each customer\'s last sync result; "Failed last sync" filters to the failures', async ({ page, app, demo }) => {
    expect((await app.service.runSync(false)).record.counts.failed).toBe(1);
    expect(demo.sims.connectwise.configurations).toHaveLength(21);
    await openCustomers(page);
    await search(page, 'Acme');
    await expect(page.getByRole('row', { name: /Acme Corporation/ }).getByRole('cell').filter({ hasText: /^Created/ })).toBeVisible();
    await search(page, '');
    await page.getByLabel('Show').selectOption('failed');
    const rows = page.getByRole('table', { name: 'Customer mapping' }).getByRole('row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('Summit Realty Group');
    await expect(rows.nth(1)).toContainText('Failed');
    await expect(rows.nth(1)).toContainText('is inactive: reactivate it in the PSA or map this customer to an active company.');
    await expect(page.getByText('1 of 25 customers shown')).toBeVisible();
  });

  test('a sync started from the tray while this screen is open updates its last results when it ends', async ({ page, app, demo }) => {
    await openCustomers(page);
    await search(page, 'Acme');
    const acme = page.getByRole('row', { name: /Acme Corporation/ });
    await expect(acme).toBeVisible();
    await expect(acme.getByRole('cell').filter({ hasText: /^Created/ })).toHaveCount(0);
    await app.service.runSync(false);
    expect(demo.sims.connectwise.configurations).toHaveLength(21);
    await expect(acme.getByRole('cell').filter({ hasText: /^Created/ })).toBeVisible();
  });

  test('bulk clear asks first, then clears only the customers shown', async ({ page, app, demo }) => {
    const mappedBefore = Object.values(app.service.getSettings().mappings).filter((m) => m.psaCompany).length;
    expect(mappedBefore).toBeGreaterThan(5);
    await openCustomers(page);
    await search(page, 'a');
    // The rows the search shows (name, org id or PSA company contains "a") that have a company.
    const shownMapped = demo.sims.world.customers.filter((c) => {
      const company = app.service.getSettings().mappings[String(c.customerId)]?.psaCompany;
      return company && (/a/i.test(c.customerName) || /a/i.test(company));
    }).length;
    await page.getByRole('button', { name: new RegExp(`^Clear ${String(shownMapped)} mappings? shown…$`) }).click();
    const confirm = page.getByRole('group', { name: 'Confirm clearing mappings' });
    await expect(confirm).toContainText(`Clear the PSA company of the ${String(shownMapped)} customers shown?`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(Object.values(app.service.getSettings().mappings).filter((m) => m.psaCompany)).toHaveLength(mappedBefore);

    await page.getByRole('button', { name: /mappings? shown…$/ }).click();
    await confirm.getByRole('button', { name: new RegExp(`^Clear ${String(shownMapped)} mappings?$`) }).click();
    await expect(confirm).toBeHidden();
    await expect.poll(() => Object.values(app.service.getSettings().mappings).filter((m) => m.psaCompany).length).toBe(mappedBefore - shownMapped);
  });

  test('CSV: export every customer, import an edited file, and a file with a bad line changes nothing', async ({ page, app, demo }) => {
    await openCustomers(page);
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await expect(page.getByText(/^Saved to .*umbrella-psa-mapping-\d{4}-\d{2}-\d{2}\.csv$/)).toBeVisible();
    const file = app.saveDialog.chosen[0]!;
    const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('umbrella_org_id,customer,psa_company,psa_company_name,excluded,last_sync');
    expect(lines).toHaveLength(26);
    const acme = String(demo.sims.world.customers.find((c) => c.customerName === 'Acme Corporation')!.customerId);
    const maple = String(demo.sims.world.customers.find((c) => c.customerName === 'Maple Street Bakery')!.customerId);
    expect(lines.find((l) => l.startsWith(`${acme},`))).toBe(`${acme},Acme Corporation,AcmeCorp,Acme Corp,no,`);

    // Edited in a spreadsheet: Acme cleared, Maple Street Bakery mapped by hand.
    const edited = lines.map((l) => (l.startsWith(`${acme},`) ? `${acme},Acme Corporation,,,no,` : l.startsWith(`${maple},`) ? `${maple},Maple Street Bakery,northwindtraders,,no,` : l)).join('\r\n');
    await page.getByLabel('CSV file to import').setInputFiles({ name: 'edited.csv', mimeType: 'text/csv', buffer: Buffer.from(edited) });
    const preview = page.getByRole('group', { name: 'CSV import' });
    await expect(preview.getByRole('status')).toHaveText('edited.csv: 1 customer mapped, 1 cleared, 0 excluded, 23 unchanged.');
    await screenshot(page, 'customers-csv-import-preview');
    await preview.getByRole('button', { name: 'Apply import' }).click();
    await expect.poll(() => app.service.getSettings().mappings[maple]).toEqual({ psaCompany: 'NorthwindTraders', excluded: false });
    expect(app.service.getSettings().mappings[acme]).toEqual({ psaCompany: null, excluded: false });

    const before = app.service.getSettings().mappings;
    const bad = `umbrella_org_id,psa_company,excluded\r\n${acme},AcmeCorp,no\r\n424242,AcmeCorp,no\r\n`;
    await page.getByLabel('CSV file to import').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await expect(preview.getByRole('alert')).toContainText('bad.csv was not imported: fix this line and import it again. Nothing was changed.');
    await expect(preview.getByRole('list', { name: 'Lines with errors' })).toHaveText('Line 3: Umbrella has no customer with organization id 424242.');
    await expect(preview.getByRole('button', { name: 'Apply import' })).toHaveCount(0);
    expect(app.service.getSettings().mappings).toEqual(before);
  });

  test('stays usable with 5,000 customers: only the rows in view are in the page; search and scrolling reach any customer', async ({ page, app }) => {
    test.setTimeout(120_000);
    const sims = await startDemoSimulators({ customers: 5000, rateLimits: false, recordExchanges: false });
    try {
      app.service.saveSettings({
        psa: { kind: 'connectwise' }, connectwise: { site: sims.urls.connectwiseSite },
        endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: sims.urls.autotaskDiscovery },
      });
      await app.service.setCredentials({ kind: 'umbrella', values: { ...DEMO_CREDENTIALS.umbrella } });
      await app.service.setCredentials({ kind: 'connectwise', values: { ...DEMO_CREDENTIALS.connectwise } });
      await page.goto('/');
      await page.getByRole('button', { name: 'Customers' }).click();
      const table = page.getByRole('table', { name: 'Customer mapping' });
      await expect(page.getByText('5000 customers', { exact: true })).toBeVisible({ timeout: 60_000 });
      await expect(table).toHaveAttribute('aria-rowcount', '5001');
      const rendered = await table.locator('tbody tr:not(.spacer)').count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(60);

      const last = sims.world.customers.at(-1)!;
      await page.locator('.table-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await expect(table.getByRole('row', { name: new RegExp(last.customerName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toBeVisible();
      expect(await table.locator('tbody tr:not(.spacer)').count()).toBeLessThan(60);

      const middle = sims.world.customers[2500]!;
      await search(page, String(middle.customerId));
      await expect(table.getByRole('row', { name: new RegExp(String(middle.customerId)) })).toBeVisible();
      await page.getByRole('button', { name: /^Accept \d+ suggestions$/ }).click();
      await expect.poll(() => Object.keys(app.service.getSettings().mappings).length, { timeout: 30_000 }).toBeGreaterThan(4000);
      await screenshot(page, 'customers-5000');
    } finally {
      await sims.stop();
    }
  });
});
