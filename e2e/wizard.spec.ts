import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from '@playwright/test';
import { test, expect, screenshot } from './harness';
import { DEMO_CREDENTIALS } from '../simulators/demo';
import { demoMappings } from '../main/app/demo';

/** A field inside one vendor's group, by its label (whether a secret is saved is its description). */
const field = (group: Locator, label: string) => group.getByLabel(label, { exact: true });
const step = (page: Page, name: RegExp) => page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name });

test.describe('setup wizard', () => {
  test('ConnectWise: a wrong secret shows the specific error and blocks the step; then ticketing with valid combinations, a test ticket, review, finish', async ({ page, app, sims }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Step 1 of 4: Select your PSA' })).toBeVisible();
    await expect(step(page, /Credentials/)).toBeDisabled();
    await page.getByLabel('ConnectWise PSA (Manage)').check();
    await screenshot(page, 'wizard-1-select-psa');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page.getByRole('heading', { name: 'Step 2 of 4: Enter credentials' })).toBeVisible();
    const umbrella = page.getByRole('group', { name: 'Cisco Umbrella for MSPs' });
    const connectwise = page.getByRole('group', { name: 'ConnectWise PSA' });
    // Nothing typed: every missing field says so, and nothing is sent.
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(umbrella.getByText('Enter the API key')).toBeVisible();
    await expect(connectwise.getByText('Enter the ConnectWise site, such as na.myconnectwise.net')).toBeVisible();

    await field(umbrella, 'API key').fill(DEMO_CREDENTIALS.umbrella.apiKey);
    await field(umbrella, 'API secret').fill('not-the-right-secret');
    await field(connectwise, 'Site').fill(sims.urls.connectwiseSite);
    await field(connectwise, 'Company ID').fill(DEMO_CREDENTIALS.connectwise.companyId);
    await field(connectwise, 'Public key').fill(DEMO_CREDENTIALS.connectwise.publicKey);
    await field(connectwise, 'Private key').fill(DEMO_CREDENTIALS.connectwise.privateKey);
    await field(connectwise, 'Client ID').fill(DEMO_CREDENTIALS.connectwise.clientId);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(umbrella.getByRole('alert')).toContainText('Cisco Umbrella rejected the API key and secret (401). Check them under Admin > API Keys');
    await expect(umbrella.getByRole('alert')).not.toContainText('not-the-right-secret');
    await expect(connectwise.getByRole('status')).toHaveText('Connected to ConnectWise PSA (codebase v2025_1).');
    await expect(page.getByRole('heading', { name: 'Step 2 of 4: Enter credentials' })).toBeVisible();
    await expect(step(page, /Ticketing/)).toBeDisabled();
    await screenshot(page, 'wizard-2-credentials-connectwise-wrong-secret');
    // Secrets are write-only: saved, never shown.
    await expect(field(connectwise, 'Private key')).toHaveValue('');
    await expect(connectwise.getByText('saved', { exact: true })).toHaveCount(4);
    await expect(field(connectwise, 'Private key')).toHaveAccessibleDescription('saved');

    await field(umbrella, 'API secret').fill(DEMO_CREDENTIALS.umbrella.apiSecret);
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await expect(page.getByRole('heading', { name: 'Step 3 of 4: Set ticketing details (optional)' })).toBeVisible();
    await expect(page.getByLabel('Status', { exact: true })).toBeDisabled();
    await page.getByLabel('Service board').selectOption({ label: 'Service Desk' });
    await expect(page.getByLabel('Status', { exact: true })).toBeEnabled();
    await expect(page.getByLabel('Status', { exact: true }).getByRole('option')).toHaveText(['The board\'s default status', 'New', 'In Progress', 'Waiting on Customer']);
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Security Incident' });
    // Only the subtypes and items the board allows with that type.
    await expect(page.getByLabel('Subtype').getByRole('option')).toHaveText(['None', 'Botnet Activity']);
    await page.getByLabel('Subtype').selectOption({ label: 'Botnet Activity' });
    await expect(page.getByLabel('Item').getByRole('option')).toHaveText(['None', 'Network', 'Workstation']);
    await page.getByLabel('Item').selectOption({ label: 'Workstation' });
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Maintenance' });
    await expect(page.getByLabel('Subtype').getByRole('option')).toHaveText(['None', 'Patching']);
    await expect(page.getByLabel('Item')).toBeDisabled();
    await page.getByLabel('Type', { exact: true }).selectOption({ label: 'Security Incident' });
    await page.getByLabel('Subtype').selectOption({ label: 'Botnet Activity' });
    await page.getByLabel('Item').selectOption({ label: 'Workstation' });
    await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'Priority 2 - Quick Response' });

    const threshold = page.getByLabel(/^Query threshold/);
    await expect(threshold).toHaveValue('3');
    await threshold.fill('0');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('The query threshold must be at least 1')).toBeVisible();
    await threshold.fill('2.5');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('The query threshold must be a whole number')).toBeVisible();
    await threshold.fill('5');

    await page.getByLabel('Send the test ticket to').selectOption({ label: 'Acme Corp (AcmeCorp)' });
    await page.getByRole('button', { name: 'Send test ticket' }).click();
    await expect(page.getByText(/^Test ticket #\d+ created for Acme Corp\./)).toBeVisible();
    await screenshot(page, 'wizard-3-ticketing-connectwise');
    expect(sims.connectwise.tickets).toHaveLength(1);
    expect(sims.connectwise.tickets[0]).toMatchObject({ board: { id: 1 }, type: { id: 20 }, subType: { id: 30 }, item: { id: 40 }, company: { identifier: 'AcmeCorp' } });
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await expect(page.getByRole('heading', { name: 'Step 4 of 4: Review' })).toBeVisible();
    const ticketing = page.getByRole('region', { name: 'Ticketing' });
    await expect(ticketing.getByText('Service Desk')).toBeVisible();
    await expect(ticketing.getByText('Security Incident / Botnet Activity / Workstation')).toBeVisible();
    await expect(ticketing.getByText('More than 5 blocked requests in 4 hours')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Credentials' }).getByText('All saved in the keychain')).toHaveCount(2);
    await screenshot(page, 'wizard-4-review-connectwise');
    await page.getByRole('button', { name: 'Change ticketing (step 3)' }).click();
    await expect(page.getByRole('heading', { name: 'Step 3 of 4: Set ticketing details (optional)' })).toBeVisible();
    await step(page, /Review/).click();
    await page.getByRole('button', { name: 'Finish' }).click();
    await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();

    const saved = app.service.getSettings();
    expect(saved.psa.kind).toBe('connectwise');
    expect(saved.ticketing).toMatchObject({ enabled: true, threshold: 5, connectwise: { boardId: 1, typeId: 20, subTypeId: 30, itemId: 40, priorityId: 2 } });
    expect(await app.secrets.get('connectwise')).toEqual(DEMO_CREDENTIALS.connectwise);
    expect(await app.secrets.get('umbrella')).toEqual(DEMO_CREDENTIALS.umbrella);
  });

  test('Autotask: a user that is not an API user is named; then the billing code from the tenant\'s list, dependent sub-issue types, review', async ({ page, app, sims }) => {
    await page.goto('/');
    await page.getByLabel('Autotask').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const umbrella = page.getByRole('group', { name: 'Cisco Umbrella for MSPs' });
    const autotask = page.getByRole('group', { name: 'Autotask' });
    await field(umbrella, 'API key').fill(DEMO_CREDENTIALS.umbrella.apiKey);
    await field(umbrella, 'API secret').fill(DEMO_CREDENTIALS.umbrella.apiSecret);
    await field(autotask, 'API username').fill('someone@else.example');
    await field(autotask, 'Secret').fill(DEMO_CREDENTIALS.autotask.secret);
    await field(autotask, 'Tracking identifier').fill(DEMO_CREDENTIALS.autotask.integrationCode);
    await expect(page.getByLabel('Material billing code for the Umbrella product')).toBeDisabled();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(autotask.getByRole('alert')).toContainText('does not know the API username that was entered');
    await expect(autotask.getByRole('alert')).not.toContainText('[redacted]');
    await expect(umbrella.getByRole('status')).toHaveText(/^Connected to Cisco Umbrella: 25 customer organization\(s\)\.$/);
    await expect(step(page, /Ticketing/)).toBeDisabled();

    await field(autotask, 'API username').fill(DEMO_CREDENTIALS.autotask.username);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('Both connections work. Choose the material billing code, then Save and continue.')).toBeVisible();
    const billing = page.getByLabel('Material billing code for the Umbrella product');
    await expect(billing.getByRole('option')).toHaveText(['Choose a billing code', 'Hardware', 'Security Software']);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('Pick the material billing code the Umbrella product is billed under')).toBeVisible();
    await billing.selectOption({ label: 'Security Software' });
    await screenshot(page, 'wizard-2-credentials-autotask-billing-code');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await expect(page.getByRole('heading', { name: 'Step 3 of 4: Set ticketing details (optional)' })).toBeVisible();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('No Autotask queue or priority is chosen for tickets.')).toBeVisible();
    await page.getByLabel('Queue').selectOption({ label: 'Security Operations' });
    await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'High' });
    await page.getByLabel('Issue type', { exact: true }).selectOption({ label: 'Security' });
    await expect(page.getByLabel('Sub-issue type').getByRole('option')).toHaveText(['None', 'Botnet / Command and Control', 'Malware']);
    await page.getByLabel('Sub-issue type').selectOption({ label: 'Botnet / Command and Control' });
    await screenshot(page, 'wizard-3-ticketing-autotask');
    await page.getByRole('button', { name: 'Save and continue' }).click();

    await expect(page.getByRole('heading', { name: 'Step 4 of 4: Review' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Credentials' }).getByText('Security Software')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Ticketing' }).getByText('Security / Botnet / Command and Control')).toBeVisible();
    await page.getByRole('button', { name: 'Finish' }).click();
    expect(app.service.getSettings()).toMatchObject({ psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 }, ticketing: { enabled: true, autotask: { queueId: 29682969, priorityId: 5, issueTypeId: 12, subIssueTypeId: 136 } } });
    expect(sims.autotask.products).toHaveLength(0);
  });

  test('a threshold set in the CLI while step 3 is open is kept when the step saves the choice the user changed', async ({ page, app, demo }) => {
    expect(demo.sims).toBeTruthy();
    await page.goto('/');
    await page.getByRole('button', { name: 'Setup' }).click();
    await step(page, /Ticketing/).click();
    await expect(page.getByLabel('Priority', { exact: true })).toBeEnabled();
    await promisify(execFile)(process.execPath, ['out/main/cli.js', 'configure', '--threshold', '9', '--data-dir', app.dataDir]);
    expect(app.service.getSettings().ticketing.threshold).toBe(9);
    await page.getByLabel('Priority', { exact: true }).selectOption({ label: 'Priority 1 - Emergency Response' });
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByRole('heading', { name: 'Step 4 of 4: Review' })).toBeVisible();
    expect(app.service.getSettings().ticketing).toMatchObject({ enabled: true, threshold: 9, connectwise: { boardId: 1, priorityId: 1, typeId: 20, subTypeId: 30, itemId: 40 } });
  });

  test('removing an integration says what is kept and removed, and asks first; skipping ticketing turns tickets off', async ({ page, app, demo }) => {
    const mapped = Object.keys(demoMappings(demo.sims, 'connectwise', { keepInactive: true })).length;
    await page.goto('/');
    await page.getByRole('button', { name: 'Setup' }).click();
    await expect(page.getByLabel('Autotask')).toBeDisabled();
    await step(page, /Ticketing/).click();
    await page.getByRole('button', { name: 'Skip: no tickets' }).click();
    await expect(page.getByRole('region', { name: 'Ticketing' }).getByText('Off', { exact: true })).toBeVisible();
    expect(app.service.getSettings().ticketing.enabled).toBe(false);

    await step(page, /Select PSA/).click();
    await page.getByRole('button', { name: 'Remove integration…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the ConnectWise PSA (Manage) integration?' });
    await expect(dialog).toContainText(`Kept: the mapping of ${String(mapped)} customers to PSA companies, the Cisco Umbrella API key and secret, and the run history.`);
    await expect(dialog).toContainText('Removed: the ConnectWise site, company ID, public and private keys and client ID (from the keychain), and the ticketing settings');
    await screenshot(page, 'wizard-1-remove-integration-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(app.service.getSettings().psa.kind).toBe('connectwise');

    await page.getByRole('button', { name: 'Remove integration…' }).click();
    await dialog.getByRole('button', { name: 'Remove integration' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel('Autotask')).toBeEnabled();
    await expect(step(page, /Credentials/)).toBeDisabled();
    const settings = app.service.getSettings();
    expect(settings.psa.kind).toBeNull();
    expect(Object.keys(settings.mappings)).toHaveLength(mapped);
    expect(await app.secrets.get('connectwise')).toBeNull();
    expect(await app.secrets.get('umbrella')).toEqual(DEMO_CREDENTIALS.umbrella);
  });
});
