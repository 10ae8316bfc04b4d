import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './harness';

test.describe('customers screen', () => {
  test('suggests matches and accepts all above the chosen confidence in one click', async ({ page, app, demo }) => {
    app.service.saveSettings({ mappings: {} });
    await page.goto('/');
    await page.getByRole('button', { name: 'Customers' }).click();
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

    await page.getByLabel('Show').selectOption('unmapped');
    await expect(table.getByRole('row', { name: /Maple Street Bakery/ })).toBeVisible();
    await expect(table.getByRole('row', { name: /Acme Corporation/ })).toHaveCount(0);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  test('a company typed by hand is saved, and an excluded customer is kept out', async ({ page, app, demo }) => {
    app.service.saveSettings({ mappings: {} });
    await page.goto('/');
    await page.getByRole('button', { name: 'Customers' }).click();
    const input = page.getByLabel('PSA company for Westbrook Law Office');
    await input.fill('NorthwindTraders');
    await input.blur();
    await expect(page.getByRole('row', { name: /Westbrook Law Office/ }).getByText('Active')).toBeVisible();
    await page.getByLabel('Exclude Maple Street Bakery').check();
    await expect(page.getByLabel('Exclude Maple Street Bakery')).toBeChecked();
    const byOrg = (name: string) => String(demo.sims.world.customers.find((c) => c.customerName === name)!.customerId);
    expect(app.service.getSettings().mappings[byOrg('Westbrook Law Office')]).toEqual({ psaCompany: 'NorthwindTraders', excluded: false });
    expect(app.service.getSettings().mappings[byOrg('Maple Street Bakery')]?.excluded).toBe(true);
  });
});
