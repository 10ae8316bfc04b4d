/**
 * Umbrella limits token minting per API key, not per client: the daily sync and the 4-hourly
 * ticket check both start at 00:00 UTC, each with its own Umbrella client.
 */
import { afterEach, expect, it } from 'vitest';
import { demoMappings, DEMO_TICKETING } from '../../main/cli-sync';
import { UMBRELLA_LIMITS, type UmbrellaLimits } from '../../main/umbrella/client';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { wiredApp } from '../helpers/app';

const SCALE = 300; // Umbrella's minute becomes 200 ms, in the simulator and in the app alike
let sims: DemoSimulators | null = null;

afterEach(async () => {
  await sims?.stop();
});

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
