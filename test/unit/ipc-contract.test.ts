import { describe, expect, it } from 'vitest';
import { CHANNELS, VERBS, contract, type Verb } from '../../preload/contract';
import { createIpcRouter, type Handlers } from '../../main/app/ipc-router';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { KeychainUnavailableError } from '../../main/adapters/store/secrets';
import { SettingsSchema } from '../../preload/contract';

const APP_URL = 'file:///opt/app/out/renderer/index.html';
const trusted = { url: APP_URL };

const defaultStatus = {
  umbrella: { complete: false, fields: { apiKey: false, apiSecret: false } },
  connectwise: { complete: false, fields: { companyId: false, publicKey: false, privateKey: false, clientId: false } },
  autotask: { complete: false, fields: { username: false, secret: false, integrationCode: false } },
};

/** Handlers that record what reached them: the router is the unit under test here. */
function recordingHandlers() {
  const calls: { verb: Verb; request: unknown }[] = [];
  const record = <T>(verb: Verb, value: T) => (request: unknown) => {
    calls.push({ verb, request });
    return value;
  };
  const handlers: Handlers = {
    getAppInfo: record('getAppInfo', { name: 'n', productName: 'p', version: '1', platform: 'linux', demo: false, dataDir: '/d' }),
    getSettings: record('getSettings', SettingsSchema.parse({})),
    saveSettings: record('saveSettings', SettingsSchema.parse({})),
    setCredentials: record('setCredentials', defaultStatus),
    getCredentialsStatus: record('getCredentialsStatus', defaultStatus),
    clearCredentials: record('clearCredentials', defaultStatus),
    runSync: record('runSync', { record: { id: 'sync-x', kind: 'sync', psa: 'connectwise', dryRun: true, startedAt: 'a', finishedAt: 'b', counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 0, psa: 0 }, problems: [], notes: [] }, outcomes: [] }),
    getRunHistory: record('getRunHistory', []),
    getScheduleStatus: record('getScheduleStatus', []),
    checkTickets: record('checkTickets', { record: { id: 't', kind: 'tickets', psa: 'autotask', dryRun: false, startedAt: 'a', finishedAt: 'b', counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 0, psa: 0 }, problems: [], notes: [] }, actions: [], processedWindows: [], skippedWindows: [], retries: [] }),
    sendTestTicket: record('sendTestTicket', { ticketId: 5, company: 'Acme' }),
    testConnection: record('testConnection', { message: 'Connected' }),
    getCustomerOverview: record('getCustomerOverview', { psa: 'connectwise', customers: [], companies: [] }),
    getCustomerDetail: record('getCustomerDetail', { orgId: 1, configuration: null, writes: [], fieldLabels: {} }),
    getRunChanges: record('getRunChanges', { writes: [], fieldLabels: {} }),
    getBillingReport: record('getBillingReport', { day: '2026-12-01', product: { id: 1, name: 'p', active: true }, rows: [], totals: { umbrellaSeats: 0, compared: 0, comparedSeats: 0, billedSeats: 0, inStep: 0, underBilled: { customers: 0, seats: 0 }, overBilled: { customers: 0, seats: 0 }, toReview: 0, trials: 0 }, console: null, consoleNote: null }),
    setBillingProduct: record('setBillingProduct', { id: 1, name: 'p', active: true }),
    makeBillingPlan: record('makeBillingPlan', { id: 1, createdAt: 'a', effective: '2027-01-01', psa: 'autotask', product: { id: 1, name: 'p' }, lines: [], toReview: 0 }),
    applyBillingPlan: record('applyBillingPlan', []),
    undoBillingChange: record('undoBillingChange', { line: null, customer: 'Acme', outcome: 'refused', message: 'm', change: null }),
    getBillingChanges: record('getBillingChanges', []),
    removeIntegration: record('removeIntegration', { settings: SettingsSchema.parse({}), credentials: defaultStatus }),
    listBillingCodes: record('listBillingCodes', [{ id: 1, name: 'Material', description: null }]),
    getTicketingOptions: record('getTicketingOptions', { psa: 'connectwise', boards: [], board: null }),
    saveCsvFile: record('saveCsvFile', { saved: true, path: '/home/u/Documents/mapping.csv' }),
    openLogsFolder: record('openLogsFolder', { path: '/home/u/.config/Umbrella PSA Sync/logs' }),
    copyDiagnostics: record('copyDiagnostics', { characters: 1200 }),
  };
  return { handlers, calls };
}

function router(handlers: Handlers, log = memoryLogger()) {
  return createIpcRouter({ handlers, log, isTrustedSender: (s) => s.url === APP_URL });
}

/** Malformed payloads per verb: wrong types, unknown fields, out-of-range values, smuggled extras. */
const MALFORMED: Record<Verb, unknown[]> = {
  getAppInfo: [{}, 'x', 1, null],
  getSettings: [{ include: 'secrets' }, [], null],
  saveSettings: [undefined, {}, null, 'psa', { desktop: { startAtLogin: 'yes' } }, { desktop: { notifications: { failedRuns: 1 } } }, { psa: { kind: 'halo' } }, { ticketing: { threshold: 0 } }, { ticketing: { threshold: 2.5 } }, { unknownSection: {} }, { connectwise: { site: 'http://na.myconnectwise.net' } }, { connectwise: { site: 'na.my connectwise.net' } }, { mappings: { 'not-a-number': { psaCompany: 'x' } } }],
  setCredentials: [undefined, {}, { kind: 'umbrella' }, { kind: 'umbrella', values: {} }, { kind: 'ldap', values: { apiKey: 'k' } }, { kind: 'umbrella', values: { apiKey: 42 } }, { kind: 'umbrella', values: { apiKey: '' } }, { kind: 'umbrella', values: { apiKey: 'a\nb' } }, { kind: 'umbrella', values: { privateKey: 'k' } }, { kind: 'umbrella', values: { apiKey: 'x'.repeat(1025) } }],
  getCredentialsStatus: [{ reveal: true }, 'all'],
  clearCredentials: [undefined, {}, { kind: 'everything' }, { kind: 'umbrella', extra: 1 }, 'umbrella'],
  runSync: [undefined, {}, { dryRun: 'yes' }, { dryRun: true, customers: [1] }, true],
  getRunHistory: [{ limit: 5 }, 'all'],
  getScheduleStatus: [{}, 0],
  checkTickets: [{ window: 0 }, 'now'],
  sendTestTicket: [{ companyId: 1 }, true, {}, { psaCompany: '' }, { psaCompany: 7 }, { psaCompany: 'x'.repeat(101) }, { psaCompany: 'Acme', boardId: 1 }],
  testConnection: [undefined, {}, { target: 'halo' }, { target: 'psa', apiKey: 'x' }, 'umbrella'],
  getCustomerOverview: [{ page: 2 }, 'all'],
  getCustomerDetail: [undefined, {}, { orgId: '8100000' }, { orgId: -1 }, { orgId: 1.5 }, { orgId: 1, include: 'secrets' }, 8100000],
  getBillingReport: [{}, { day: '2026-02-30' }, { day: 'today' }, { day: '2026-12-01', customer: 1 }, '2026-12-01'],
  makeBillingPlan: [undefined, {}, { effective: 'yesterday' }, { effective: '2027-01-01' }, { effective: 'today', lines: [] }, 'today'],
  applyBillingPlan: [undefined, {}, { planId: 1 }, { planId: 1, lines: [] }, { planId: 0, lines: [1] }, { planId: 1, lines: [0] }, { planId: 1, lines: [1, 1] }, { planId: 1, lines: ['1'] }, { planId: 1.5, lines: [1] }, { planId: 1, lines: [1], to: 99 }, { planId: 1, lines: Array.from({ length: 10_001 }, (_, i) => i + 1) }],
  undoBillingChange: [undefined, {}, { changeId: '1' }, { changeId: -1 }, { changeId: 1, to: 5 }, 1],
  getBillingChanges: [{ limit: 1000 }, 'all'],
  setBillingProduct: [undefined, {}, { reference: '' }, { reference: '   ' }, { reference: 'x'.repeat(101) }, { reference: 7 }, { reference: 'UMB', id: 1 }],
  getRunChanges: [undefined, {}, { runId: '' }, { runId: 'sync-1' }, { runId: "sync-2026-12-01T00:00:00.000Z' OR 1=1" }, { runId: 'sync-2026-12-01T00:00:00.000Z', limit: 5 }],
  removeIntegration: [{ keepMappings: false }, 'all', true],
  listBillingCodes: [{ useType: 1 }, 'material'],
  getTicketingOptions: [undefined, {}, { boardId: 0 }, { boardId: -1 }, { boardId: 1.5 }, { boardId: '1' }, { boardId: 1, queueId: 2 }],
  openLogsFolder: [{ path: '/etc' }, 'logs', 0],
  copyDiagnostics: [{ includeSecrets: true }, true],
  saveCsvFile: [undefined, { fileName: 'm.csv' }, { fileName: '../../.bashrc', contents: 'x' }, { fileName: '/etc/cron.d/x.csv', contents: 'x' }, { fileName: 'mapping.exe', contents: 'x' }, { fileName: 'm.csv', contents: 'x'.repeat(20_000_001) }, { fileName: 'm.csv', contents: 'x', path: '/tmp/x.csv' }],
};

describe('IPC contract', () => {
  it('has one distinct channel per verb, and every channel is in the contract', () => {
    const channels = VERBS.map((verb) => contract[verb].channel);
    expect(new Set(channels).size).toBe(VERBS.length);
    expect(Object.values(CHANNELS).sort()).toEqual([...channels].sort());
    expect(router(recordingHandlers().handlers).channels.slice().sort()).toEqual([...channels].sort());
  });

  for (const verb of VERBS) {
    it(`${contract[verb].channel} rejects malformed payloads before they reach the service`, async () => {
      const { handlers, calls } = recordingHandlers();
      const r = router(handlers);
      for (const payload of MALFORMED[verb]) {
        const result = await r.handle(contract[verb].channel, trusted, payload);
        expect(result.ok, `payload ${JSON.stringify(payload)} was accepted`).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('INVALID_PAYLOAD');
          expect(result.error.message).toMatch(new RegExp(`^Invalid request for ${contract[verb].channel}: .+`));
          expect(result.error.issues?.length).toBeGreaterThan(0);
        }
      }
      expect(calls).toEqual([]);
    });
  }

  it('accepts well-formed payloads and hands the parsed value to the service', async () => {
    const { handlers, calls } = recordingHandlers();
    const r = router(handlers);
    const result = await r.handle(CHANNELS.saveSettings, trusted, { ticketing: { enabled: true, threshold: 4, connectwise: {}, autotask: {} } });
    expect(result.ok).toBe(true);
    expect(calls).toHaveLength(1);
    // Only what the window named: a field it left out is left alone in the file, not reset to its default.
    expect(calls[0]?.request).toEqual({ ticketing: { enabled: true, threshold: 4, connectwise: {}, autotask: {} } });
  });

  it('reduces a pasted ConnectWise address to its host, keeping http only for loopback', () => {
    const site = (value: string) => contract.saveSettings.request.parse({ connectwise: { site: value } }).connectwise?.site;
    expect(site('https://NA.myconnectwise.net/v4_6_release/ConnectWise.aspx')).toBe('na.myconnectwise.net');
    expect(site('cw.example-msp.com:8443')).toBe('cw.example-msp.com:8443');
    expect(site('http://127.0.0.1:4567/')).toBe('http://127.0.0.1:4567');
  });

  it('a settings patch carries only the sections it names', () => {
    expect(contract.saveSettings.request.parse({ psa: { kind: 'autotask' } })).toEqual({ psa: { kind: 'autotask' } });
  });

  it('never echoes a rejected secret back in the error', async () => {
    const { handlers } = recordingHandlers();
    const secret = 'SUPER-SECRET-VALUE-123';
    const payloads = [
      { kind: 'umbrella', values: { apiKey: secret, bogus: secret } },
      { kind: 'umbrella', values: { apiKey: `${secret}\n` + secret } },
      { kind: 'nope', values: { apiKey: secret } },
    ];
    for (const payload of payloads) {
      const result = await router(handlers).handle(CHANNELS.setCredentials, trusted, payload);
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(secret);
    }
  });

  it('drops messages from unknown senders without calling the service', async () => {
    const { handlers, calls } = recordingHandlers();
    const log = memoryLogger();
    const r = router(handlers, log);
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', '', 'not a url']) {
      const result = await r.handle(CHANNELS.getCredentialsStatus, { url }, undefined);
      expect(result).toEqual({ ok: false, error: { code: 'UNTRUSTED_SENDER', message: 'This request did not come from the app window.' } });
    }
    expect(calls).toEqual([]);
    expect(log.lines[0]).toMatch(/dropped credentials:status from an untrusted sender/);
  });

  it('answers an unknown channel with a typed error', async () => {
    const result = await router(recordingHandlers().handlers).handle('shell:exec', trusted, 'rm -rf /');
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown request: shell:exec' } });
  });

  it('turns a keychain failure into KEYCHAIN_UNAVAILABLE with advice', async () => {
    const { handlers } = recordingHandlers();
    handlers.getCredentialsStatus = () => Promise.reject(new KeychainUnavailableError('list saved credentials', new Error('Cannot autolaunch D-Bus')));
    const result = await router(handlers).handle(CHANNELS.getCredentialsStatus, trusted, undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('KEYCHAIN_UNAVAILABLE');
      expect(result.error.message).toMatch(/gnome-keyring/);
    }
  });

  it('hides unexpected failures behind INTERNAL and logs the reason', async () => {
    const { handlers } = recordingHandlers();
    handlers.getSettings = () => { throw new Error('disk on fire'); };
    const log = memoryLogger();
    const result = await router(handlers, log).handle(CHANNELS.getSettings, trusted, undefined);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Something went wrong (settings:get). Details are in the app log.' } });
    expect(log.lines).toEqual(['error: IPC: settings:get failed: disk on fire']);
  });

  it('strips fields the response schema does not name (nothing unplanned leaves main)', async () => {
    const { handlers } = recordingHandlers();
    handlers.getCredentialsStatus = () => ({ ...defaultStatus, umbrella: { ...defaultStatus.umbrella, apiSecret: 'leak' } }) as never;
    const result = await router(handlers).handle(CHANNELS.getCredentialsStatus, trusted, undefined);
    expect(JSON.stringify(result)).not.toContain('leak');
  });
});
