import fs from 'node:fs';
import { test, expect, screenshot } from './harness';

test.describe('what the app wrote to the PSA', () => {
  test('a customer\'s detail shows its 16 values as last written, its tickets and its changes, and exports them as CSV', async ({ page, app, demo }) => {
    const acme = demo.sims.world.customers.find((c) => c.customerName === 'Acme Corporation')!;
    await app.service.runSync(false);
    await app.service.checkTickets();
    acme.seats += 5;
    await app.service.runSync(false);

    await page.goto('/');
    await page.getByRole('button', { name: 'Customers' }).click();
    await page.getByLabel('Search').fill('Acme');
    await page.getByRole('button', { name: 'Details of Acme Corporation' }).click();
    const panel = page.getByRole('region', { name: /Acme Corporation \(Umbrella org \d+\)/ });
    await expect(panel).toBeVisible();
    const values = panel.getByRole('table', { name: 'The values last written for Acme Corporation' });
    await expect(values.getByRole('row')).toHaveCount(16);
    await expect(values.getByRole('row', { name: 'Seats' })).toContainText(String(acme.seats));
    await expect(values.getByRole('row', { name: 'Organization ID' })).toContainText(String(acme.customerId));
    // What ConnectWise holds is what the detail says was written.
    const configuration = demo.sims.connectwise.configurations.find((c) => c.company.identifier === 'AcmeCorp')!;
    expect(configuration.questions.find((q) => q.question === 'Seats')?.answer).toBe(acme.seats);

    const tickets = panel.getByRole('list', { name: 'Tickets and notes for Acme Corporation' });
    await expect(tickets.locator(':scope > li').first()).toContainText(/Ticket \d+ created.*ACMECO-/s);
    const changes = panel.getByRole('list', { name: 'Configuration changes for Acme Corporation' });
    // One entry per write, newest first: the seats just changed, and at the end the configuration's creation.
    const entries = changes.locator(':scope > li');
    await expect(entries).toHaveCount(2);
    await expect(entries.first()).toContainText(`Seats: ${String(acme.seats - 5)} → ${String(acme.seats)}`);
    await expect(entries.last()).toContainText(/Configuration \d+ created/);
    await screenshot(page, 'customer-detail');

    await panel.getByRole('button', { name: 'Export CSV…' }).last().click();
    await expect(panel.getByText(/^Saved to .*umbrella-psa-changes-\d+\.csv$/)).toBeVisible();
    const lines = fs.readFileSync(app.saveDialog.chosen.at(-1)!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('at,run,psa,umbrella_org_id,customer,psa_company_id,psa_company,entity,entity_id,action,field,old_value,new_value,detail');
    expect(lines.some((l) => l.includes(`,Seats,${String(acme.seats - 5)},${String(acme.seats)},`))).toBe(true);
  });

  test('a run in the history shows what it changed in the PSA', async ({ page, app, demo }) => {
    const acme = demo.sims.world.customers.find((c) => c.customerName === 'Acme Corporation')!;
    await app.service.runSync(false);
    acme.seats += 3;
    await app.service.runSync(false);
    await page.goto('/');
    const latest = page.getByRole('list').filter({ hasText: 'Sync ·' }).getByRole('listitem').first();
    await latest.getByText('What this run changed in the PSA').click();
    const writes = latest.getByRole('list', { name: /^What the sync of .* wrote to the PSA$/ });
    await expect(writes.getByRole('listitem').filter({ hasText: 'Acme Corporation' }).first()).toContainText(`Seats: ${String(acme.seats - 3)} → ${String(acme.seats)}`);
    await expect(latest).toContainText('21 writes to the PSA');
    await screenshot(page, 'status-run-changes');
  });
});
