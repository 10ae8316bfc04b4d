/**
 * What the setup wizard and the status screen ask of main, through the IPC router, the real
 * service, the real keychain and the simulators: the wizard's lists, removing an integration,
 * the test ticket, live progress, and each customer's last result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CustomerOverview, type PsaKind, type RunProgress, type TicketingOptions, type Verb } from '../../preload/contract';
import { demoMappings } from '../../main/app/demo';
import { wiredApp } from '../helpers/app';
import { tempDir } from '../helpers/fixtures';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';

const started: DemoSimulators[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((sims) => sims.stop()));
});

/** The app set up against the demo simulators for one PSA; every progress event is recorded. */
async function setUp(kind: PsaKind, options: { mapped?: boolean; chooseSavePath?: (name: string) => Promise<string | null> } = {}) {
  const sims = await startDemoSimulators({ rateLimits: false });
  started.push(sims);
  const progress: RunProgress[] = [];
  // A test build: the window may point the app at the simulators.
  const { call, secrets } = await wiredApp({
    windowMaySetEndpoints: true,
    onRunProgress: (p) => { progress.push(p); },
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
  });
  const value = async <T>(verb: Verb, payload?: unknown): Promise<T> => {
    const result = await call<T>(verb, payload);
    if (!result.ok) throw new Error(`${verb}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  await value('saveSettings', {
    psa: { kind }, connectwise: { site: sims.urls.connectwiseSite },
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: sims.urls.autotaskDiscovery },
    mappings: options.mapped === false ? {} : demoMappings(sims, kind, { keepInactive: true }),
  });
  await value('setCredentials', { kind: 'umbrella', values: DEMO_CREDENTIALS.umbrella });
  await value('setCredentials', { kind, values: DEMO_CREDENTIALS[kind] });
  return { sims, call, value, progress, secrets };
}

describe('the setup wizard\'s lists', () => {
  it('ConnectWise: boards first, then the board\'s open statuses and only the type/subtype/item combinations it allows', async () => {
    const { sims, value, call } = await setUp('connectwise');
    const boardsOnly = await value<TicketingOptions>('getTicketingOptions', { boardId: null });
    expect(boardsOnly).toEqual({ psa: 'connectwise', boards: [{ id: 2, name: 'Security Operations' }, { id: 1, name: 'Service Desk' }], board: null });

    const options = await value<TicketingOptions>('getTicketingOptions', { boardId: 1 });
    if (options.psa !== 'connectwise' || !options.board) throw new Error('expected a ConnectWise board');
    const board = options.board;
    const openStatuses = sims.connectwise.boardStatuses.filter((s) => (s.board as { id: number }).id === 1 && s.closedStatus !== true).map((s) => s.name);
    expect(board.statuses.map((s) => s.name)).toEqual(openStatuses);
    expect(board.statuses.length).toBeLessThan(sims.connectwise.boardStatuses.filter((s) => (s.board as { id: number }).id === 1).length);
    expect(board.types.map((t) => t.name)).toEqual(['Maintenance', 'Security Incident']);
    expect(board.combinations).toEqual(sims.connectwise.associations.filter((a) => a.board === 1).map((a) => ({ typeId: a.type, subTypeId: a.subType, itemId: a.item })));

    const unknown = await call('getTicketingOptions', { boardId: 999 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'CONNECTION_FAILED', message: expect.stringMatching(/no active service board with id 999/) as unknown } });
    expect(await call('listBillingCodes')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Autotask setting/) as unknown } });
  });

  it('Autotask: the active material billing codes, and the ticket picklists with each sub-issue type\'s issue type', async () => {
    const { value } = await setUp('autotask');
    expect(await value('listBillingCodes')).toEqual([
      { id: 29682802, name: 'Hardware', description: 'Material: hardware resale' },
      { id: 29682801, name: 'Security Software', description: 'Material: security subscriptions' },
    ]);
    const options = await value<TicketingOptions>('getTicketingOptions', { boardId: null });
    if (options.psa !== 'autotask') throw new Error('expected Autotask');
    expect(options.queues.map((q) => q.name)).toContain('Security Operations');
    expect(options.queues.map((q) => q.name)).not.toContain('Archived Queue');
    expect(options.issueTypes).toEqual([{ id: 12, name: 'Security' }, { id: 13, name: 'Network' }]);
    expect(options.subIssueTypes).toContainEqual({ id: 136, name: 'Botnet / Command and Control', issueTypeId: 12 });
    expect(options.subIssueTypes).toContainEqual({ id: 140, name: 'Outage', issueTypeId: 13 });
  });
});

describe('removing the integration', () => {
  it('removes the PSA credentials, site and ticketing choices; keeps the mappings and the Umbrella credentials', async () => {
    const { value, secrets } = await setUp('connectwise');
    await value('saveSettings', { ticketing: { enabled: true, threshold: 7, connectwise: { boardId: 1, priorityId: 2 }, autotask: {} } });
    const before = await value<{ mappings: object }>('getSettings');
    const after = await value<{ settings: { psa: { kind: unknown }; connectwise: { site: string }; ticketing: unknown; mappings: object }; credentials: Record<string, { complete: boolean }> }>('removeIntegration');
    expect(after.settings.psa.kind).toBeNull();
    expect(after.settings.connectwise.site).toBe('');
    expect(after.settings.ticketing).toMatchObject({ enabled: false, threshold: 3, connectwise: { boardId: null, priorityId: null } });
    expect(after.settings.mappings).toEqual(before.mappings);
    expect(Object.keys(after.settings.mappings).length).toBeGreaterThan(0);
    expect(after.credentials).toMatchObject({ umbrella: { complete: true }, connectwise: { complete: false }, autotask: { complete: false } });
    expect(await secrets.get('connectwise')).toBeNull();
    expect(await secrets.get('umbrella')).toEqual(DEMO_CREDENTIALS.umbrella);
  });
});

describe('"Send test ticket"', () => {
  it('goes to the company picked when nothing is mapped yet, and says why when the company is unknown or inactive', async () => {
    const { sims, call, value } = await setUp('connectwise', { mapped: false });
    await value('saveSettings', { ticketing: { enabled: true, threshold: 3, connectwise: { boardId: 1, typeId: 20, subTypeId: 30, itemId: 40 }, autotask: {} } });
    expect(await call('sendTestTicket')).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED', message: expect.stringMatching(/Pick the PSA company/) as unknown } });
    expect(await call('sendTestTicket', { psaCompany: 'NoSuchCompany' })).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED', message: expect.stringMatching(/no company "NoSuchCompany"/) as unknown } });
    expect(await call('sendTestTicket', { psaCompany: 'SummitRealtyGroup' })).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED', message: expect.stringMatching(/inactive/) as unknown } });
    expect(sims.connectwise.tickets).toHaveLength(0);

    const sent = await value<{ ticketId: number; company: string }>('sendTestTicket', { psaCompany: 'acmecorp' });
    expect(sent.company).toBe('Acme Corp');
    const ticket = sims.connectwise.tickets.find((t) => t.id === sent.ticketId);
    expect(ticket).toMatchObject({ company: { identifier: 'AcmeCorp' }, board: { id: 1 }, type: { id: 20 }, subType: { id: 30 }, item: { id: 40 } });
  });
});

describe('live progress and each customer\'s last result', () => {
  it('a sync reports customers done out of the total, then finished; the table shows each customer\'s last real result', async () => {
    const { sims, value, progress } = await setUp('autotask');
    await value('saveSettings', { autotask: { materialBillingCodeId: 29682801 } });
    const mapped = Object.keys(demoMappings(sims, 'autotask', { keepInactive: true })).length;

    await value('runSync', { dryRun: true });
    const overviewAfterPreview = await value<CustomerOverview>('getCustomerOverview');
    expect(overviewAfterPreview.customers.every((c) => c.lastResult === null)).toBe(true);

    progress.length = 0;
    await value('runSync', { dryRun: false });
    expect(progress[0]).toEqual({ kind: 'sync', dryRun: false, done: 0, total: mapped, finished: false });
    const counting = progress.filter((p) => !p.finished).map((p) => p.done);
    expect(counting).toEqual(Array.from({ length: mapped + 1 }, (_, i) => i));
    expect(progress.at(-1)).toMatchObject({ kind: 'sync', finished: true });

    const overview = await value<CustomerOverview>('getCustomerOverview');
    const byName = new Map(overview.customers.map((c) => [c.name, c.lastResult]));
    expect(byName.get('Acme Corporation')).toMatchObject({ status: 'created' });
    expect(byName.get('Summit Realty Group')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/inactive/) as unknown });
    expect(overview.customers.filter((c) => c.lastResult?.status === 'skipped').length).toBe(sims.world.customers.length - mapped);
  });

  it('a ticket check reports progress too', async () => {
    const { value, progress } = await setUp('connectwise');
    await value('saveSettings', { ticketing: { enabled: true, threshold: 3, connectwise: { boardId: 1 }, autotask: {} } });
    await value('checkTickets');
    const ticketEvents = progress.filter((p) => p.kind === 'tickets');
    expect(ticketEvents[0]).toMatchObject({ done: 0, finished: false });
    const total = ticketEvents[0]?.total ?? 0;
    expect(total).toBeGreaterThan(0);
    expect(ticketEvents.filter((p) => !p.finished).at(-1)).toMatchObject({ done: total, total });
    expect(ticketEvents.at(-1)).toMatchObject({ finished: true });
  });
});

describe('saving the mapping CSV', () => {
  it('writes where the save dialog points, writes nothing when it is cancelled, and needs a dialog', async () => {
    const dir = tempDir();
    const answers: (string | null)[] = [path.join(dir, 'chosen.csv'), null, path.join(dir, 'chosen.csv', 'x.csv')];
    const { call } = await setUp('connectwise', { chooseSavePath: (name) => { expect(name).toBe('mapping.csv'); return Promise.resolve(answers.shift() ?? null); } });
    const contents = '\uFEFFumbrella_org_id,psa_company\r\n1,Acme\r\n';
    expect(await call('saveCsvFile', { fileName: 'mapping.csv', contents })).toEqual({ ok: true, value: { saved: true, path: path.join(dir, 'chosen.csv') } });
    expect(fs.readFileSync(path.join(dir, 'chosen.csv'), 'utf8')).toBe(contents);
    expect(await call('saveCsvFile', { fileName: 'mapping.csv', contents: 'other' })).toEqual({ ok: true, value: { saved: false, path: null } });
    expect(fs.readFileSync(path.join(dir, 'chosen.csv'), 'utf8')).toBe(contents);
    // A file where a folder should be: the error says where and why, not "something went wrong".
    const failed = await call('saveCsvFile', { fileName: 'mapping.csv', contents });
    expect(failed).toMatchObject({ ok: false, error: { code: 'FILE_ERROR' } });
    const message = failed.ok ? '' : failed.error.message;
    expect(message.startsWith(`The file could not be saved to ${path.join(dir, 'chosen.csv', 'x.csv')} (`)).toBe(true);
    expect(message).toMatch(/ENOTDIR.*\): choose another folder\.$/);
    const noDialog = await setUp('connectwise');
    expect(await noDialog.call('saveCsvFile', { fileName: 'mapping.csv', contents })).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } });
  });
});
