/**
 * The botnet check at MSP scale: one provider-wide report per window, then per-customer calls only
 * for the customers over the threshold. It must open exactly the tickets the per-customer check
 * opens, whatever the provider report does (refused, an org left out, an answer cut short).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { WINDOW_MS } from '../../main/domain/windows';
import { buildWorld, HOUR } from '../../simulators/seed';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { AFTER_W0, expectedHits, markerOf, notesOf, ticketEngine, ticketsOf, W0 } from '../helpers/tickets';

const harnesses: SyncHarness[] = [];
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const h of harnesses.splice(0)) await h.stop();
});

/** `count` blocked Command-and-Control requests from the i-th customer's first identity at `ts`. */
function botnetHit(h: SyncHarness, i: number, ts: number, count: number): void {
  const c = h.world.customers[i]!;
  h.umbrella.addActivity(c.customerId, { ts, identityId: (c.roamingComputers[0] ?? c.networks[0]!).originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count });
}

/** Orgs (mapped or not) with more blocked Command-and-Control requests in the window than the threshold of 3. */
function orgsOverIn(h: SyncHarness, window: number): number {
  return h.world.customers.filter((c) => c.activity.filter((b) => b.ts >= window && b.ts < window + WINDOW_MS && b.verdict === 'blocked' && b.categories.includes(65)).reduce((n, b) => n + b.count, 0) > 3).length;
}

/** A generated MSP with identities at, below and above the threshold in W0. */
async function world(kind: PsaKind, setUp: (h: SyncHarness) => void = () => undefined) {
  const h = await startSyncHarness(kind, { world: buildWorld({ anchor: ANCHOR, customers: 40, seed: 7 }) });
  harnesses.push(h);
  const add = (i: number, count: number) => { botnetHit(h, i, W0 + HOUR, count); };
  add(3, 2); add(7, 3); add(11, 4); add(19, 9); add(23, 3); add(31, 12);
  setUp(h);
  const built = ticketEngine(h, kind, AFTER_W0);
  closers.push(() => { built.state.close(); });
  const run = await built.engine.run();
  // What a PSA user would compare: which ticket, its title, what it says.
  const tickets = ticketsOf(h, kind).map((t) => {
    const raw: unknown = kind === 'connectwise' ? notesOf(h, kind, t.id)[0]?.text : (t as { description?: unknown }).description;
    const text = typeof raw === 'string' ? raw : '';
    return `${markerOf(t)} | ${String(t.summary ?? t.title)} | ${text}`;
  }).sort();
  return { h, run, tickets };
}

describe.each(['connectwise', 'autotask'] as const)('the botnet check, provider-wide first, in %s', (kind) => {
  it('opens exactly the tickets of the per-customer check, with the same counts and domains, at a fraction of the Umbrella calls', async () => {
    const first = await world(kind);
    const perCustomer = await world(kind, (h) => { h.umbrella.providerReports = false; });
    expect(first.tickets.length).toBeGreaterThanOrEqual(3);
    expect(first.tickets).toEqual(perCustomer.tickets);
    expect(first.tickets.length).toBe(expectedHits(first.h, kind).length);
    expect(perCustomer.run.record.notes.join('\n')).toMatch(/the provider-wide report could not be used \(.*403.*\); every customer was checked one by one/);
    // Calls grow with the customers over the threshold, not with all of them.
    const overOrgs = new Set(expectedHits(first.h, kind).map((hit) => hit.orgId)).size;
    const tokens = (h: SyncHarness) => h.umbrella.exchanges.filter((e) => e.path === '/auth/v2/token' && e.status === 200).length;
    expect(tokens(first.h)).toBeLessThanOrEqual(2 + overOrgs);
    expect(tokens(perCustomer.h)).toBeGreaterThanOrEqual(30);
    // Per check: the customer list and its token, the categories and their token, the provider report;
    // then per org over the threshold a token and top-identities, and top-destinations per hit.
    const hits = expectedHits(first.h, kind);
    const orgsOver = orgsOverIn(first.h, W0);
    expect(first.run.record.requests.umbrella).toBeLessThanOrEqual(5 + 2 * orgsOver + hits.length);
    expect(first.run.record.requests.umbrella).toBeLessThan(perCustomer.run.record.requests.umbrella);
    expect(first.run.record.notes.join('\n')).toMatch(/the provider-wide report showed \d+ customer\(s\) over the threshold; the other \d+ needed no per-customer call/);
  });

  it('an org left out of the provider answer, or an answer cut short, is checked one by one: the same tickets', async () => {
    const reference = await world(kind);
    const hitOrg = expectedHits(reference.h, kind).map((hit) => hit.orgId).find((id) => id !== reference.h.world.customers[0]!.customerId)!;
    const omitted = await world(kind, (h) => { h.umbrella.providerOmits.add(hitOrg); });
    expect(omitted.tickets).toEqual(reference.tickets);
    expect(omitted.run.record.notes.join('\n')).toMatch(/; 1 not in it were checked one by one/);
    const cut = await world(kind, (h) => { h.umbrella.providerMaxRows = 5; });
    expect(cut.tickets).toEqual(reference.tickets);
    expect(cut.run.record.notes.join('\n')).toMatch(/; \d+ not in it were checked one by one/);
  });

  it('a later check reuses the saved customer list: Umbrella requests <= 2 + 3 per org over the threshold + the provider report', async () => {
    // 250 customers: three pages of the customer list, which a 4-hourly check must not read again.
    const h = await startSyncHarness(kind, { world: buildWorld({ anchor: ANCHOR, customers: 250, seed: 11 }) });
    harnesses.push(h);
    const W1 = W0 + WINDOW_MS;
    for (const i of [5, 60, 170]) botnetHit(h, i, W1 + HOUR, 8);
    const first = ticketEngine(h, kind, AFTER_W0);
    closers.push(() => { first.state.close(); });
    await first.engine.run();
    const later = ticketEngine(h, kind, AFTER_W0 + WINDOW_MS);
    closers.push(() => { later.state.close(); });
    const before = h.umbrella.exchanges.length;
    const run = await later.engine.run();
    expect(run.processedWindows).toEqual([W1]);
    const paths = h.umbrella.exchanges.slice(before).map((e) => e.path);
    expect(paths.filter((p) => p.includes('/customers'))).toEqual([]);
    const over = orgsOverIn(h, W1);
    const hits = expectedHits(h, kind, W1).length;
    expect(over).toBeGreaterThanOrEqual(3);
    // Provider token, categories, the provider report; per org over: its token and top-identities; per hit: top-destinations.
    expect(run.record.requests.umbrella).toBeLessThanOrEqual(3 + 2 * over + hits);
    expect(run.record.requests.umbrella).toBeLessThanOrEqual(2 + 3 * over + 1 + (hits - over));
  });

  it('a customer created in Umbrella after the list was saved is still checked (the report names it, or no report vouches for it)', async () => {
    for (const refused of [false, true]) {
      const h = await startSyncHarness(kind, { world: buildWorld({ anchor: ANCHOR, customers: 30, seed: 7 }) });
      harnesses.push(h);
      const first = ticketEngine(h, kind, AFTER_W0);
      closers.push(() => { first.state.close(); });
      await first.engine.run();
      // Created in the console since, not mapped yet, with a botnet hit in the next window.
      const template = h.world.customers[2]!;
      const newcomer = { ...structuredClone(template), customerId: 9_900_001, customerName: 'Newcomer Dental', activity: [] };
      h.umbrella.addCustomer(newcomer);
      botnetHit(h, h.world.customers.length - 1, W0 + WINDOW_MS + HOUR, 9);
      h.umbrella.providerReports = !refused;
      const later = ticketEngine(h, kind, AFTER_W0 + WINDOW_MS);
      closers.push(() => { later.state.close(); });
      const run = await later.engine.run();
      const named = run.actions.filter((a) => a.orgId === newcomer.customerId);
      expect(named.map((a) => a.action)).toEqual(['unticketed']);
      expect(run.record.problems.map((p) => p.name)).toContain('Newcomer Dental');
      expect(run.record.notes.join('\n')).toMatch(refused ? /customer list saved at .* was read again .*incomplete/ : /customer list saved at .* was read again .*names a customer it does not hold/);
    }
  });

  it('a catch-up of several missed windows asks the provider report once per window', async () => {
    const h = await startSyncHarness(kind, { world: buildWorld({ anchor: ANCHOR, customers: 20, seed: 7 }) });
    harnesses.push(h);
    const first = ticketEngine(h, kind, AFTER_W0);
    closers.push(() => { first.state.close(); });
    await first.engine.run();
    const before = h.umbrella.exchanges.length;
    const later = ticketEngine(h, kind, W0 + 4 * WINDOW_MS + 60_000);
    closers.push(() => { later.state.close(); });
    const run = await later.engine.run();
    expect(run.processedWindows).toHaveLength(3);
    expect(h.umbrella.exchanges.slice(before).filter((e) => e.path === '/reports/v2/providers/category-requests-by-org')).toHaveLength(3);
  });
});
