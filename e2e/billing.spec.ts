import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, screenshot } from './harness';
import { UMBRELLA_PRODUCT } from '../simulators/seed';

test.describe('billing screen', () => {
  test('chooses the product, compares every customer\'s seats with what ConnectWise bills, filters the drift and exports it', async ({ page, app, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Billing' }).click();
    await expect(page.getByRole('heading', { name: 'Billing' })).toBeVisible();
    await page.getByRole('button', { name: 'Compare now' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'is chosen for Umbrella seats' })).toBeVisible();

    await page.getByLabel('Product that bills Umbrella seats').fill('NO-SUCH-SKU');
    await page.getByRole('button', { name: 'Save product' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'ConnectWise has no procurement catalog item (identifier or id) "NO-SUCH-SKU"' })).toBeVisible();
    await page.getByLabel('Product that bills Umbrella seats').fill(UMBRELLA_PRODUCT.connectwise.identifier);
    await page.getByRole('button', { name: 'Save product' }).click();
    await expect(page.getByText(/^Saved: UMB-DNS-ESS/)).toBeVisible();
    expect(app.service.getSettings().billing.connectwiseProductId).toBe(UMBRELLA_PRODUCT.connectwise.id);

    await page.getByRole('button', { name: 'Compare now' }).click();
    const totals = page.getByRole('status', { name: 'Billing totals' });
    await expect(totals).toContainText(/\d+ in step, \d+ under-billed \(\d+ seats not billed\), \d+ over-billed \(\d+ seats too many\), \d+ to review\./, { timeout: 30_000 });
    const table = page.getByRole('table', { name: 'Seat drift' });
    // By default the drift: under- and over-billed customers, the largest difference first.
    const under = demo.sims.world.customers.filter((c) => demo.sims.world.billing[c.customerId]?.case === 'under' && demo.sims.world.expectedMatches[c.customerId]?.connectwise);
    const over = demo.sims.world.customers.filter((c) => demo.sims.world.billing[c.customerId]?.case === 'over' && demo.sims.world.expectedMatches[c.customerId]?.connectwise);
    await expect(table.getByRole('row')).toHaveCount(1 + under.length + over.length);
    const first = under[0];
    if (!first) throw new Error('no under-billed customer in the demo');
    await expect(table.getByRole('row', { name: new RegExp(first.customerName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) })).toContainText('Under-billed');
    await screenshot(page, 'billing-drift');

    await page.getByLabel('Show').selectOption('review');
    await expect(table.getByRole('row', { name: /several lines|Several lines/ }).first()).toBeVisible();
    await expect(table).toContainText('Not in force');
    await expect(table).toContainText('No agreement');

    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await expect(page.getByText(/^Saved to .*umbrella-psa-billing-\d{4}-\d{2}-\d{2}\.csv$/)).toBeVisible();
    const lines = fs.readFileSync(app.saveDialog.chosen.at(-1)!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('umbrella_org_id,customer,psa_company,umbrella_seats,psa_billed,difference,status,detail');
    expect(lines).toHaveLength(26);

    // Read only: nothing but GETs reached ConnectWise.
    expect(demo.sims.connectwise.exchanges.filter((e) => e.method !== 'GET')).toEqual([]);
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });
});
