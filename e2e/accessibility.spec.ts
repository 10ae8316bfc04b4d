import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './harness';

/** Serious or critical accessibility violations on the page as it is now (axe-core rules). */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const steps = (page: Page) => page.getByRole('navigation', { name: 'Setup steps' });

test.describe('accessibility', () => {
  test('the Status screen, with results shown, has no serious or critical axe violations', async ({ page, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Preview next sync' }).click();
    await expect(page.getByRole('table', { name: 'What the next sync would change' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByRole('region', { name: 'Sync result' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Check tickets now' }).click();
    await expect(page.getByRole('region', { name: 'Ticket check result' })).toBeVisible({ timeout: 30_000 });
    expect(demo.sims.connectwise.configurations.length).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`every wizard step, the removal dialog, the Customers and Preferences screens have no serious or critical axe violations (${scheme})`, async ({ page, app, demo }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('/');
      expect(demo.sims.world.customers.length).toBeGreaterThan(0);
      const found: Record<string, string[]> = {};
      await page.getByRole('button', { name: 'Setup' }).click();
      for (const [name, heading] of [['Select PSA', 'Step 1 of 4: Select your PSA'], ['Credentials', 'Step 2 of 4: Enter credentials'], ['Ticketing', 'Step 3 of 4: Set ticketing details (optional)'], ['Review', 'Step 4 of 4: Review']] as const) {
        await steps(page).getByRole('button', { name: new RegExp(name) }).click();
        await expect(page.getByRole('heading', { name: heading })).toBeVisible();
        if (name === 'Ticketing') await expect(page.getByLabel('Item')).toHaveValue('40');
        if (name === 'Review') await expect(page.getByText('Security Incident / Botnet Activity / Workstation')).toBeVisible();
        found[name] = await seriousViolations(page);
        if (scheme === 'dark') await screenshot(page, `dark-wizard-${name.toLowerCase().replace(/\s+/g, '-')}`);
      }
      await steps(page).getByRole('button', { name: /Select PSA/ }).click();
      await page.getByRole('button', { name: 'Remove integration…' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      found.removeDialog = await seriousViolations(page);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: 'Customers' }).click();
      await expect(page.getByRole('table', { name: 'Customer mapping' })).toBeVisible();
      found.customers = await seriousViolations(page);
      if (scheme === 'dark') await screenshot(page, 'dark-customers');
      await page.getByRole('button', { name: 'Preferences' }).click();
      await expect(page.getByRole('checkbox', { name: 'Start Umbrella PSA Sync when I sign in' })).toBeVisible();
      found.preferences = await seriousViolations(page);
      expect(found).toEqual({ 'Select PSA': [], Credentials: [], Ticketing: [], Review: [], removeDialog: [], customers: [], preferences: [] });
      expect(app.console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([]);
    });
  }
});
