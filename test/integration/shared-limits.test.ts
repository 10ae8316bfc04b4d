/**
 * Umbrella limits token minting per API key, not per client: the daily sync and the 4-hourly
 * ticket check both start at 00:00 UTC, each with its own Umbrella client.
 */
import { afterEach, expect, it } from 'vitest';
import { demoMappings, DEMO_TICKETING } from '../../main/app/demo';
import { UMBRELLA_LIMITS, type UmbrellaLimits } from '../../main/adapters/umbrella/client';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { wiredApp } from '../helpers/app';
import { SettingsSchema } from '../../preload/contract';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openStateStore } from '../../main/adapters/store/state-database';
import { createSyncEngine, createTicketEngine } from '../../main/jobs/setup';
import type { SyncEngine } from '../../main/jobs/sync/engine';
import type { TicketEngine } from '../../main/jobs/tickets/engine';
import { scaleUmbrellaLimits, UmbrellaLimiters } from '../../main/adapters/umbrella/limits';
import { UmbrellaTokenCache } from '../../main/adapters/umbrella/tokens';
import { realSecretStore, tempDir } from '../helpers/fixtures';

const SCALE = 300; // Umbrella's minute becomes 200 ms, in the simulator and in the app alike
let sims: DemoSimulators | null = null;

afterEach(async () => {
  await sims?.stop();
});

/**
 * Runs the sync, and the ticket check once the sync has minted 30 tokens (a window filled and many more queued);
 * `stopSync` ends the sync after the check. What was minted while the check ran: the tokens of the customers the
 * check acted on, the sync's tokens between its first and last, and the order ('T' the check's, 's' another).
 */
async function checkDuringSync(sync: SyncEngine, check: TicketEngine, stopSync?: AbortController) {
  const minted = () => sims!.umbrella.exchanges.filter((e) => e.path === '/auth/v2/token' && e.status === 200);
  const syncing = sync.run();
  while (minted().length < 30) await new Promise((resolve) => setTimeout(resolve, 5));
  const startedAt = minted().length;
  const tickets = await check.run({ checkNow: true });
  const doneAt = minted().length;
  stopSync?.abort();
  await syncing;
  const checked = new Set(tickets.actions.map((a) => a.orgId));
  const during = minted().slice(startedAt, doneAt).map((e) => Number(e.headers['x-umbrella-orgid']));
  const forCheck = during.filter((org) => checked.has(org));
  const first = during.findIndex((org) => checked.has(org));
  const last = during.lastIndexOf(forCheck.at(-1)!);
  const syncBetween = during.slice(first, last).filter((org) => !checked.has(org)).length;
  return { tickets, forCheck, syncBetween, trace: during.map((org) => (checked.has(org) ? 'T' : 's')).join('') };
}

it('a sync and a ticket check running at once share the token budget: Umbrella never answers 429', async () => {
  sims = await startDemoSimulators({ rateLimits: true, limitScale: SCALE });
  const scaled = (windows: UmbrellaLimits['token']) => windows.map((w) => ({ ...w, ms: w.ms / SCALE, marginMs: Math.max(5, (w.marginMs ?? w.ms * 0.05) / SCALE) }));
  const limits: UmbrellaLimits = { token: scaled(UMBRELLA_LIMITS.token), admin: scaled(UMBRELLA_LIMITS.admin), reportsPerOrg: scaled(UMBRELLA_LIMITS.reportsPerOrg) };
  const { service } = (await wiredApp({ umbrellaLimits: limits })).services;
  service.saveSettings({
    psa: { kind: 'connectwise' }, connectwise: { site: sims.urls.connectwiseSite }, ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: null }, mappings: demoMappings(sims, 'connectwise'),
  });
  await service.setCredentials({ kind: 'umbrella', values: { ...DEMO_CREDENTIALS.umbrella } });
  await service.setCredentials({ kind: 'connectwise', values: { ...DEMO_CREDENTIALS.connectwise } });

  const [sync, tickets] = await Promise.all([service.runSync(false), service.checkTickets()]);
  expect(sync.record.counts.created).toBe(21);
  expect(tickets.record.counts.created).toBe(9);
  const tokenRequests = sims.umbrella.exchanges.filter((e) => e.path === '/auth/v2/token');
  // At most one token per org (and the provider), shared by both engines (the process's token
  // cache), and still more than one window's 20 (the shared limiter paces them).
  const orgs = tokenRequests.map((e) => String(e.headers['x-umbrella-orgid'] ?? 'provider'));
  expect(new Set(orgs).size).toBe(orgs.length);
  expect(tokenRequests.length).toBeGreaterThan(20);
  expect(tokenRequests.filter((e) => e.status === 429)).toEqual([]);
});

it('a ticket check started while the sync is minting tokens goes first: its customers wait for no queued sync token', async () => {
  sims = await startDemoSimulators({ customers: 150, botnetShare: 0.05, rateLimits: true, limitScale: SCALE });
  const scaled = (windows: UmbrellaLimits['token']) => windows.map((w) => ({ ...w, ms: w.ms / SCALE, marginMs: Math.max(5, (w.marginMs ?? w.ms * 0.05) / SCALE) }));
  const settings = SettingsSchema.parse({
    psa: { kind: 'connectwise' }, connectwise: { site: sims.urls.connectwiseSite }, ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: null }, mappings: demoMappings(sims, 'connectwise'),
  });
  const { store: secrets } = await realSecretStore();
  await secrets.set('umbrella', { ...DEMO_CREDENTIALS.umbrella });
  await secrets.set('connectwise', { ...DEMO_CREDENTIALS.connectwise });
  const state = openStateStore({ dir: tempDir(), log: memoryLogger() });
  // As in the app: one set of limiters and one token cache for both engines; the sync keeps many customers in flight.
  const setup = {
    settings: () => settings, secrets, state, log: memoryLogger(), fetch: (u: string, i: RequestInit) => fetch(u, i), concurrency: 100,
    umbrellaLimiters: new UmbrellaLimiters({ token: scaled(UMBRELLA_LIMITS.token), admin: scaled(UMBRELLA_LIMITS.admin), reportsPerOrg: scaled(UMBRELLA_LIMITS.reportsPerOrg) }),
    umbrellaTokens: new UmbrellaTokenCache(),
  };
  const [syncEngine, ticketEngine] = await Promise.all([createSyncEngine(setup), createTicketEngine(setup)]);
  const { tickets, forCheck, syncBetween, trace } = await checkDuringSync(syncEngine, ticketEngine);
  state.close();
  expect(forCheck.length).toBeGreaterThanOrEqual(3);
  // Once the check asks for its tokens, they are minted next: the sync's queued requests wait. Only
  // tokens already in flight when it asked may land in between (without priority: the sync's whole queue).
  expect(syncBetween, trace).toBeLessThanOrEqual(3);
  expect(tickets.record.error).toBeUndefined();
});

it('a ticket check with more customers than a token window holds takes whole windows while a sync runs beside it', async () => {
  // As the benchmark's "check during the sync": responses take 20 ms and Umbrella's minute is 3 s, so a customer's
  // check takes a while and the sync's queued requests are there whenever the check has none waiting.
  const scale = 20;
  sims = await startDemoSimulators({ customers: 150, botnetShare: 0.25, rateLimits: true, limitScale: scale, faults: { latencyMs: 20 } });
  const settings = SettingsSchema.parse({
    psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 }, ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: sims.urls.autotaskDiscovery }, mappings: demoMappings(sims, 'autotask'),
  });
  const { store: secrets } = await realSecretStore();
  await secrets.set('umbrella', { ...DEMO_CREDENTIALS.umbrella });
  await secrets.set('autotask', { ...DEMO_CREDENTIALS.autotask });
  const state = openStateStore({ dir: tempDir(), log: memoryLogger() });
  const setup = {
    settings: () => settings, secrets, state, log: memoryLogger(), fetch: (u: string, i: RequestInit) => fetch(u, i),
    umbrellaLimiters: new UmbrellaLimiters(scaleUmbrellaLimits(UMBRELLA_LIMITS, scale)), umbrellaTokens: new UmbrellaTokenCache(),
  };
  const stop = new AbortController();
  const [syncEngine, ticketEngine] = await Promise.all([createSyncEngine({ ...setup, stopSignal: stop.signal }), createTicketEngine(setup)]);
  const { tickets, forCheck, syncBetween, trace } = await checkDuringSync(syncEngine, ticketEngine, stop);
  state.close();
  expect(tickets.record.error).toBeUndefined();
  expect(forCheck.length).toBeGreaterThan(UMBRELLA_LIMITS.token[0]!.limit);
  // Each window the check spans is the check's, but for requests of the sync already on their way when it began: at
  // most half a window's worth in all (measured 6; with 8 customers at once the sync took 12 of every 20: 24).
  expect(syncBetween, trace).toBeLessThanOrEqual(UMBRELLA_LIMITS.token[0]!.limit / 2);
}, 60_000);
