/**
 * The vendors' limits and transient faults as real tenants see them, enforced by the simulators
 * where the vendors enforce them: Umbrella Reporting counted after the regional redirect, the token
 * budget shared by every client of the key, 429s without Retry-After, Autotask 5xx with its error
 * body on reads, the thread limit, and the tenant's shared hourly budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { UMBRELLA_LIMITS, UmbrellaClient, UmbrellaLimiters, type UmbrellaLimits } from '../../main/adapters/umbrella/client';
import { AutotaskClient } from '../../main/adapters/psa/autotask/client';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { buildWorld } from '../../simulators/seed';
import { UmbrellaSimulator } from '../../simulators/umbrella';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { AFTER_W0, duplicates, expectedHits, ticketEngine, ticketsOf } from '../helpers/tickets';

let h: SyncHarness | null = null;
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await h?.stop();
  h = null;
});
const fetchLike = (u: string, i: RequestInit) => fetch(u, i);
const rateLimited = (exchanges: { status: number; path: string }[], prefix: string) => exchanges.filter((e) => e.status === 429 && e.path.startsWith(prefix)).length;

describe('Umbrella limits where Umbrella counts them', () => {
  it('a sync of 8 customers gets no Reporting 429: the per-org limit is counted where the request lands after the 302', async () => {
    h = await startSyncHarness('connectwise', { world: buildWorld({ anchor: ANCHOR, customers: 8 }), umbrella: { rateLimits: true, redirectReports: true } });
    // The first hop's latency varies, as on a real network: the regional host sees bunched arrivals.
    h.umbrella.server.setFaults({ latencyMs: 2, latencyJitterMs: 120 });
    const limits: UmbrellaLimits = { ...UMBRELLA_LIMITS, admin: [] };
    const { engine, state } = h.engine({ umbrellaLimits: limits });
    stops.push(() => { state.close(); });
    const run = await engine.run();
    expect(run.record.counts.failed).toBe(0);
    expect(rateLimited(h.umbrella.exchanges, '/reports')).toBe(0);
  }, 60_000);

  it('a second client of the key (a CLI run started within a minute of the app) waits for the token window instead of failing', async () => {
    const world = buildWorld({ anchor: ANCHOR, customers: 19 });
    // Umbrella's windows compressed 2x (a 30 s minute): far longer than a few quick retries.
    const sim = new UmbrellaSimulator({ world, ...DEMO_CREDENTIALS.umbrella, rateLimits: true, limitScale: 2, now: () => ANCHOR });
    await sim.start();
    stops.push(() => sim.stop());
    const limits: UmbrellaLimits = { token: [{ limit: 20, ms: 30_000, countFrom: 'response', marginMs: 200 }], admin: [], reportsPerOrg: [] };
    // Each with its own limiters and token cache, as in two processes.
    const [app, cli] = [0, 1].map(() => new UmbrellaClient({ ...DEMO_CREDENTIALS.umbrella, fetch: fetchLike, baseUrl: sim.url, limiters: new UmbrellaLimiters(limits) }));
    const range = { from: ANCHOR - 86_400_000, to: ANCHOR };
    const readAll = async (client: UmbrellaClient, count: number) => {
      await client.listCustomers();
      return Promise.all(world.customers.slice(0, count).map((c) => client.totalDnsRequests(c.customerId, range)));
    };
    // The app has just used the key's whole window: 20 tokens.
    expect(await readAll(app!, 19)).toHaveLength(19);
    const waits: string[] = [];
    cli!.onRateLimitWait((message) => waits.push(message));
    const cliResults = await readAll(cli!, 4);
    // Shown in the run's progress as it happens (the window, the CLI), not only afterwards.
    expect(waits[0]).toMatch(/^Waiting \d+ s for Cisco Umbrella's token limit \(20 a minute per API key, shared with every program using it\)$/);
    expect(cliResults).toHaveLength(4);
    const tokenCalls = sim.exchanges.filter((e) => e.path === '/auth/v2/token');
    expect(tokenCalls.filter((e) => e.status === 200)).toHaveLength(25);
    expect(tokenCalls.some((e) => e.status === 429)).toBe(true);
    expect(cli!.stats.rateLimitWaitMs).toBeGreaterThan(10_000);
  }, 120_000);
});

describe.each(['connectwise', 'autotask'] as const)('transient faults on reads recover in %s', (kind: PsaKind) => {
  it('a 500 or 503 on the zone or codebase lookup, the companies list and GET ticket: no failed customer, no duplicate', async () => {
    h = await startSyncHarness(kind);
    const server = kind === 'connectwise' ? h.connectwise.server : h.autotask.server;
    if (kind === 'autotask') {
      server.failNext(/zoneInformation/i, { status: 500, times: 2 });
      server.failNext(/\/Companies\/query$/i, { status: 503, times: 2 });
    } else {
      server.failNext(/\/login\/companyinfo\//i, { status: 500, times: 2 });
      server.failNext(/\/company\/companies$/i, { status: 503, times: 2 });
    }
    const { engine, state } = h.engine();
    stops.push(() => { state.close(); });
    const sync = await engine.run();
    expect(sync.record.error).toBeUndefined();
    expect(sync.record.problems.filter((p) => p.status === 'failed').map((p) => p.reason)).toEqual([expect.stringMatching(/inactive/)]);

    const first = ticketEngine(h, kind, AFTER_W0);
    stops.push(() => { first.state.close(); });
    await first.engine.run();
    const created = ticketsOf(h, kind).length;
    expect(created).toBe(expectedHits(h, kind).length);
    // The next window: each open ticket is read by id (GET), which fails twice before it answers.
    server.failNext(kind === 'autotask' ? /\/Tickets\/\d+$/i : /\/service\/tickets\/\d+$/i, { status: 500, times: 2, method: 'GET' });
    const customer = h.world.customers[0]!;
    h.umbrella.addActivity(customer.customerId, { ts: AFTER_W0 + 3_600_000, identityId: customer.roamingComputers[0]!.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 5 });
    const next = ticketEngine(h, kind, AFTER_W0 + 4 * 3_600_000);
    stops.push(() => { next.state.close(); });
    const run = await next.engine.run();
    expect(run.actions.filter((a) => a.action === 'failed')).toEqual([]);
    expect(run.actions.filter((a) => a.action === 'noted')).toHaveLength(1);
    expect(ticketsOf(h, kind)).toHaveLength(created);
    expect(duplicates(h, kind)).toEqual([]);
  }, 60_000);
});

describe('Autotask\'s shared limits', () => {
  it('the hourly budget cap slows a run that would pass it, and the tenant never goes over this app\'s share', async () => {
    h = await startSyncHarness('autotask');
    // Other integrations already used 4,980 of 10,000 this hour; this app may bring the tenant to 50%.
    h.autotask.otherUsage = 4_980;
    const { engine, state, psa } = h.engine({ autotaskBudget: { share: 0.5, pauseMs: 150, checkEvery: 5 } });
    stops.push(() => { state.close(); });
    const running = engine.run();
    // Usage falls as the rolling hour moves on, once the run has had to wait.
    const relief = setInterval(() => { if (psa.apiUsage().pausedMs > 0) h!.autotask.otherUsage = 0; }, 20);
    stops.push(() => { clearInterval(relief); });
    const run = await running;
    expect(run.record.error).toBeUndefined();
    expect(h.autotask.peakUsage).toBeLessThanOrEqual(5_000);
    expect(run.record.notes.join('\n')).toMatch(/Paused \d+ s: the PSA tenant's API usage reached 50% of its 10000 requests an hour/);
    expect(run.record.psaUsage).toMatchObject({ limit: 10_000, cap: 0.5 });
  }, 60_000);

  it('three requests at most per endpoint: the thread limit answers 429 "Thread Threshold Exceeded", and clients recover', async () => {
    h = await startSyncHarness('autotask');
    h.autotask.serviceTimeMs = 40;
    // Two clients of one tracking identifier (the app and the CLI, say), each keeping to 3 in flight: 6 at once.
    const clients = [0, 1].map(() => new AutotaskClient({ ...DEMO_CREDENTIALS.autotask, discoveryUrl: h!.autotask.discoveryUrl, fetch: fetchLike }));
    const ids = h.world.autotask.companies.slice(0, 8).map((c) => c.id);
    const results = await Promise.all(clients.map((client) => Promise.all(ids.map((id) => client.getCompany(id)))));
    expect(results.flat().map((c) => c?.id)).toEqual([...ids, ...ids]);
    expect(h.autotask.exchanges.filter((e) => e.status === 429 && JSON.stringify(e.responseBody).includes('Thread Threshold Exceeded')).length).toBeGreaterThan(0);
  }, 60_000);
});
