import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './harness';

/** Serious or critical accessibility violations on the page as it is now (axe-core rules). */
async function seriousViolations(page: import('@playwright/test').Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

test.describe('accessibility', () => {
  test('the Status screen, with results shown, has no serious or critical axe violations', async ({ page, demo }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Preview next sync' }).click();
    await expect(page.getByRole('table', { name: 'What the next sync would change' })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect(page.getByRole('region', { name: 'Sync result' })).toBeVisible({ timeout: 30_000 });
    expect(demo.sims.connectwise.configurations.length).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  test('the Connection screen has no serious or critical axe violations', async ({ page, app }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Connection' }).click();
    await page.getByLabel('Autotask').check();
    expect(await seriousViolations(page)).toEqual([]);
    expect(app.console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([]);
  });
});
