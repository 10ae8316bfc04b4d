import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VERBS, type SyncRunView, type Verb } from '../../preload/contract';
import { wiredApp as wiredRouter } from '../helpers/app';
import { tempDir } from '../helpers/fixtures';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';

let demo: DemoSimulators | null = null;

afterEach(async () => {
  await demo?.stop();
  demo = null;
});

const SECRETS = {
  umbrella: { apiKey: 'umb-key-0c4f2e', apiSecret: 'umb-secret-7d1a9b' },
  connectwise: { companyId: 'acmemsp', publicKey: 'cw-public-5e6f', privateKey: 'cw-private-3a2b', clientId: 'cw-client-1c0d' },
  autotask: { username: 'api-user@acme.example', secret: 'at-secret-9f8e', integrationCode: 'AT-TRACK-4b5c' },
};

describe('IPC through the real service and keychain', () => {
  it('no verb ever returns a secret value, nor copies one to the clipboard', async () => {
    const clipboard: string[] = [];
    const opened: string[] = [];
    const logDir = tempDir();
    // A log line holding secrets in clear, as an older version might have written it.
    fs.writeFileSync(path.join(logDir, 'app.log'), `${Object.values(SECRETS).flatMap((v) => Object.values(v)).join(' ')}\n`);
    const { call } = await wiredRouter({
      logDir,
      desktop: { openFolder: (dir) => { opened.push(dir); return Promise.resolve(); }, copyText: (text) => { clipboard.push(text); return Promise.resolve(); } },
    });
    const responses: unknown[] = [];
    for (const kind of ['umbrella', 'connectwise', 'autotask'] as const) responses.push(await call('setCredentials', { kind, values: SECRETS[kind] }));
    const payloads: Record<Verb, unknown> = {
      getAppInfo: undefined,
      getSettings: undefined,
      saveSettings: { psa: { kind: 'connectwise' }, connectwise: { site: 'http://127.0.0.1:9' } },
      setCredentials: { kind: 'umbrella', values: SECRETS.umbrella },
      getCredentialsStatus: undefined,
      clearCredentials: { kind: 'autotask' },
      runSync: { dryRun: true },
      getRunHistory: undefined,
      getScheduleStatus: undefined,
      checkTickets: undefined,
      sendTestTicket: undefined,
      testConnection: { target: 'psa' },
      getCustomerOverview: undefined,
      getCustomerDetail: { orgId: 8100000 },
      getRunChanges: { runId: 'sync-2026-12-01T00:00:00.000Z' },
      getBillingReport: undefined,
      setBillingProduct: { reference: 'UMB-DNS-ESS' },
      makeBillingPlan: { effective: 'next-month' },
      applyBillingPlan: { planId: 1, lines: [1] },
      undoBillingChange: { changeId: 1 },
      getBillingChanges: undefined,
      removeIntegration: undefined,
      listBillingCodes: undefined,
      getTicketingOptions: { boardId: null },
      saveCsvFile: { fileName: 'mapping.csv', contents: 'umbrella_org_id,psa_company\n' },
      openLogsFolder: undefined,
      copyDiagnostics: undefined,
    };
    for (const verb of VERBS) responses.push(await call(verb, payloads[verb]));
    expect(opened).toEqual([logDir]);
    expect(clipboard).toHaveLength(1);
    expect(clipboard[0]).toContain('Recent log lines (2):');
    const text = JSON.stringify([responses, clipboard]);
    for (const values of Object.values(SECRETS)) for (const value of Object.values(values)) expect(text).not.toContain(value);
  });

  it('round-trips settings and reports credential presence per field', async () => {
    const { call } = await wiredRouter();
    await call('saveSettings', { psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 } });
    expect(await call('getSettings')).toMatchObject({ ok: true, value: { psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 } } });
    await call('setCredentials', { kind: 'autotask', values: { username: 'u@x.example' } });
    expect(await call('getCredentialsStatus')).toMatchObject({ ok: true, value: { autotask: { complete: false, fields: { username: true, secret: false, integrationCode: false } } } });
  });

  it('Open logs folder: a file manager that fails answers FILE_ERROR with the folder; without the window, NOT_CONFIGURED', async () => {
    const logDir = tempDir();
    const failing = await wiredRouter({ logDir, desktop: { openFolder: () => Promise.reject(new Error('no file manager')), copyText: () => Promise.resolve() } });
    expect(await failing.call('openLogsFolder')).toEqual({ ok: false, error: { code: 'FILE_ERROR', message: `The log folder ${logDir} could not be opened (no file manager). Open it in your file manager.` } });
    const headless = await wiredRouter({ logDir });
    expect(await headless.call('openLogsFolder')).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    const copied = await headless.call('copyDiagnostics');
    expect(copied.ok ? '' : `${copied.error.code}: ${copied.error.message}`).toMatch(/^NOT_CONFIGURED: .*umbrella-psa-sync diagnostics/);
  });

  it('a sync before set-up answers NOT_CONFIGURED with what to do', async () => {
    const { call } = await wiredRouter();
    const result = await call('runSync', { dryRun: false });
    expect(result.ok ? null : result.error.code).toBe('NOT_CONFIGURED');
    expect(result.ok ? '' : result.error.message).toMatch(/No PSA is chosen/);
  });

  it('"Sync now" through IPC syncs into the PSA, and the run shows in the history and schedule', async () => {
    demo = await startDemoSimulators({ rateLimits: false });
    const { call } = await wiredRouter({ windowMaySetEndpoints: true }); // a test build
    await call('saveSettings', {
      psa: { kind: 'connectwise' }, connectwise: { site: demo.urls.connectwiseSite },
      endpoints: { umbrellaBaseUrl: demo.urls.umbrella, autotaskDiscoveryUrl: null },
      mappings: { [String(demo.world.customers[0]!.customerId)]: { psaCompany: 'AcmeCorp', excluded: false } },
    });
    await call('setCredentials', { kind: 'umbrella', values: DEMO_CREDENTIALS.umbrella });
    await call('setCredentials', { kind: 'connectwise', values: DEMO_CREDENTIALS.connectwise });
    const result = await call('runSync', { dryRun: false });
    expect(result.ok ? 'ok' : JSON.stringify(result)).toBe('ok');
    const run = (result as { value: SyncRunView }).value;
    expect(run.record.counts).toMatchObject({ created: 1, skipped: 24, failed: 0 });
    expect(demo.connectwise.configurations).toHaveLength(1);
    const history = await call('getRunHistory');
    expect(history).toMatchObject({ ok: true, value: [{ id: run.record.id, dryRun: false }] });
    const schedule = await call('getScheduleStatus');
    expect(schedule).toMatchObject({ ok: true, value: [{ name: 'sync', running: false }, { name: 'tickets', running: false }] });

    // The mapping table: Acme is mapped; the others come with the company a person would pick.
    const overview = await call('getCustomerOverview');
    expect(overview.ok).toBe(true);
    const customers = overview.ok ? (overview.value as { customers: { name: string; psaCompany: string | null; suggestion: { reference: string; confidence: number } | null }[] }).customers : [];
    expect(customers.find((c) => c.name === 'Acme Corporation')).toMatchObject({ psaCompany: 'AcmeCorp', suggestion: null });
    expect(customers.find((c) => c.name === 'Baker & Sons Plumbing')?.suggestion?.reference).toBe('BakerandSonsPlumbingLLC');
    expect(customers.find((c) => c.name === 'Maple Street Bakery')?.suggestion).toBeNull();

    // Tickets need a board first; then "Check tickets now" opens one for Acme's botnet hits.
    expect(await call('checkTickets')).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
    await call('saveSettings', { ticketing: { enabled: true, threshold: 3, connectwise: { boardId: 1, priorityId: 2 }, autotask: {} } });
    const check = await call('checkTickets');
    expect(check.ok ? 'ok' : JSON.stringify(check)).toBe('ok');
    expect(demo.connectwise.tickets.map((t) => t.summary)).toEqual([expect.stringMatching(/^Umbrella: botnet activity on ACMECO-\w+-01 \(Acme Corporation\)$/) as unknown as string]);
    const test = await call('sendTestTicket');
    expect(test.ok).toBe(true);
    expect(demo.connectwise.tickets.at(-1)?.summary).toMatch(/^\[TEST\] Umbrella PSA Sync test ticket/);
  });
});

describe('a damaged file at start-up', () => {
  it('is shown to the user in the window, with where it went, not only in the log', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"psa": {"kind": "connectwise"', 'utf8');
    fs.writeFileSync(path.join(dir, 'state.db'), '{"runs": [ (a text file saved over the database)', 'utf8');
    const { call } = await wiredRouter({ dataDir: dir });
    const info = await call<{ notices?: string[] }>('getAppInfo');
    const notices = info.ok ? info.value.notices ?? [] : [];
    expect(notices).toHaveLength(2);
    const settingsNotice = notices.find((n) => n.startsWith('Settings file'));
    const stateNotice = notices.find((n) => n.startsWith('State database'));
    expect(settingsNotice).toMatch(/could not be read .*It was moved to .*settings\.json\.corrupt-.* and the app started from default settings/);
    expect(stateNotice).toMatch(/state\.db was damaged \(.+\)\. It was moved to .*state\.db\.corrupt-\S+ and a new one started/);
    for (const notice of [settingsNotice, stateNotice]) {
      const moved = /moved to (\S+?)(?:;| and|$)/.exec(notice ?? '')?.[1] ?? '';
      expect(fs.existsSync(moved.replace(/[.;]$/, '')), moved).toBe(true);
    }
  });
});
