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

  test('makes a plan, approves two lines, writes them once after a confirmation, and undoes one', async ({ page, app, demo }) => {
    await app.service.setBillingProduct(UMBRELLA_PRODUCT.connectwise.identifier);
    await page.goto('/');
    await page.getByRole('button', { name: 'Billing' }).click();
    await expect(page.getByRole('heading', { name: 'Bring ConnectWise in step' })).toBeVisible();
    await expect(page.getByText('No seat change was written yet.')).toBeVisible();
    await page.getByRole('button', { name: 'Make a plan' }).click();
    const summary = page.getByRole('status', { name: 'Billing plan' });
    await expect(summary).toContainText(/Plan 1, effective \d{4}-\d{2}-01: \d+ lines, \d+ can be written\./, { timeout: 30_000 });
    const lines = page.getByRole('table', { name: 'Plan lines' });
    const boxes = lines.getByRole('checkbox');
    const count = await boxes.count();
    expect(count).toBeGreaterThanOrEqual(6);
    // Nothing was written by making the plan.
    expect(demo.sims.connectwise.exchanges.filter((e) => e.method !== 'GET')).toEqual([]);

    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: 'Apply 2 approved lines…' }).click();
    await expect(page.getByRole('group', { name: 'Confirm the seat changes' })).toContainText(/Write 2 seat changes to ConnectWise, effective \d{4}-\d{2}-01\?/);
    await screenshot(page, 'billing-plan');
    await page.getByRole('button', { name: 'Write them' }).click();
    const written = page.getByRole('status', { name: 'What was written' });
    await expect(written.getByRole('listitem')).toHaveCount(2, { timeout: 30_000 });
    await expect(written.getByRole('listitem').nth(0)).toContainText(/^Applied \(line 1\): .+ now bills \d+ \(read back\)\.$/);
    await expect(written.getByRole('listitem').nth(1)).toContainText(/^Applied \(line 2\):/);
    const changes = page.getByRole('table', { name: 'Seat changes' });
    await expect(changes.getByRole('row')).toHaveCount(3);
    // Only the two approved lines were written, and never a price.
    const writes = demo.sims.connectwise.exchanges.filter((e) => e.method !== 'GET');
    expect(writes.length).toBeGreaterThanOrEqual(2);
    for (const write of writes) expect(JSON.stringify(write.requestBody)).not.toMatch(/"(unitPrice|unitCost|price|cost)"/);
    expect(new Set(writes.map((w) => /agreements\/(\d+)\//.exec(w.path)?.[1])).size).toBe(2);
    await screenshot(page, 'billing-written');

    await page.getByRole('button', { name: 'Undo change 1' }).click();
    await expect(page.getByRole('group', { name: 'Confirm the undo' })).toContainText(/Put .+ back to \d+ seats from \d{4}-\d{2}-01 \(change 1 set \d+\)\?/);
    await page.getByRole('button', { name: 'Undo it' }).click();
    await expect(page.getByRole('status', { name: 'Undo' })).toContainText(/^Applied: .+ now bills \d+ \(read back\)\.$/, { timeout: 30_000 });
    await expect(changes.getByRole('row')).toHaveCount(4);
    await expect(changes.getByRole('row', { name: /^1 / })).toContainText('Undone');
    await expect(page.getByRole('button', { name: 'Undo change 1' })).toHaveCount(0);
    await screenshot(page, 'billing-undone');

    // After each daily sync: the check, and increases without asking up to a number of seats, saved in main.
    const check = page.getByRole('checkbox', { name: 'Compare seats with what ConnectWise bills' });
    await check.check();
    await expect.poll(() => app.service.getSettings().billing.checkAfterSync).toBe(true);
    await page.getByLabel('Increases of at most (seats)').fill('0');
    await expect(page.getByRole('alert').filter({ hasText: 'Give a number of seats from 1 to 10000.' })).toBeVisible();
    await page.getByLabel('Increases of at most (seats)').fill('3');
    await page.getByLabel('Increases of at most (seats)').blur();
    await expect.poll(() => app.service.getSettings().billing.autoApply.maxSeats).toBe(3);
    await page.getByRole('checkbox', { name: 'Apply increases without asking, from the first of next month' }).check();
    await expect.poll(() => app.service.getSettings().billing.autoApply).toEqual({ enabled: true, maxSeats: 3 });
    await check.uncheck();
    await expect.poll(() => app.service.getSettings().billing).toMatchObject({ checkAfterSync: false, autoApply: { enabled: false } });
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });
});
