import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { memoryLogger } from '../../main/log';
import { AutotaskClient } from '../../main/psa/autotask/client';
import { ConnectWiseClient } from '../../main/psa/connectwise/client';
import { AutotaskSyncAdapter } from '../../main/psa/autotask/adapter';
import { ConnectWiseSyncAdapter } from '../../main/psa/connectwise/adapter';
import { AutotaskTicketAdapter, ConnectWiseTicketAdapter, type PsaTicketAdapter } from '../../main/psa/tickets';
import { openStateStore, type StateStore } from '../../main/store/state';
import { TicketEngine, WINDOW_MS, windowOf } from '../../main/tickets/engine';
import { UmbrellaClient } from '../../main/umbrella/client';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { HOUR } from '../../simulators/seed';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { checkExchanges } from '../contract/openapi';

const W0 = windowOf(ANCHOR); // the window holding the seeded botnet hits
const AFTER_W0 = W0 + WINDOW_MS + 5 * 60_000;
let h: SyncHarness;
let state: StateStore;

afterEach(async () => {
  expect(checkExchanges([...h.connectwise.exchanges, ...h.autotask.exchanges, ...h.umbrella.exchanges])).toEqual([]);
  state.close();
  await h.stop();
});

function ticketEngine(kind: PsaKind, now: number, wrap: (psa: PsaTicketAdapter) => PsaTicketAdapter = (p) => p) {
  state = openStateStore({ dir: h.dir, log: memoryLogger(), flushMs: 10 });
  const fetchLike = (u: string, i: RequestInit) => fetch(u, i);
  const umbrella = new UmbrellaClient({ ...DEMO_CREDENTIALS.umbrella, fetch: fetchLike, baseUrl: h.umbrella.url, limits: { token: [], admin: [], reportsPerOrg: [] } });
  let psa: PsaTicketAdapter;
  let companies: () => Promise<Map<string, { id: number; name: string; active: boolean }>>;
  if (kind === 'connectwise') {
    const client = new ConnectWiseClient({ ...DEMO_CREDENTIALS.connectwise, site: h.connectwise.url, fetch: fetchLike });
    psa = new ConnectWiseTicketAdapter(client, { boardId: 1, statusId: null, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40 });
    const sync = new ConnectWiseSyncAdapter(client, state);
    companies = () => sync.companies();
  } else {
    const client = new AutotaskClient({ ...DEMO_CREDENTIALS.autotask, discoveryUrl: h.autotask.discoveryUrl, fetch: fetchLike });
    psa = new AutotaskTicketAdapter(client, { queueId: 29682969, statusId: 1, priorityId: 2, issueTypeId: 12, subIssueTypeId: 136 });
    const sync = new AutotaskSyncAdapter(client, state, null);
    companies = () => sync.companies();
  }
  return new TicketEngine({ umbrella, psa: wrap(psa), companies, state, mappings: () => h.mappings, threshold: () => 3, log: memoryLogger(), now: () => new Date(now) });
}

/** Identities over the threshold in W0, computed from the seed: customer id -> identity ids. */
function expectedHits(kind: PsaKind): { orgId: number; identityId: number; count: number }[] {
  const c2 = h.world.categories.find((c) => c.label === 'Command and Control')!.id;
  const inactive = kind === 'connectwise' ? h.world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.identifier) : h.world.autotask.companies.filter((c) => !c.isActive).map((c) => String(c.id));
  const hits: { orgId: number; identityId: number; count: number }[] = [];
  for (const customer of h.world.customers) {
    const reference = h.mappings[String(customer.customerId)]?.psaCompany;
    if (!reference || inactive.includes(reference)) continue;
    const counts = new Map<number, number>();
    for (const b of customer.activity) if (b.ts >= W0 && b.ts < W0 + WINDOW_MS && b.verdict === 'blocked' && b.categories.includes(c2)) counts.set(b.identityId, (counts.get(b.identityId) ?? 0) + b.count);
    for (const [identityId, count] of counts) if (count > 3) hits.push({ orgId: customer.customerId, identityId, count });
  }
  return hits;
}

const tickets = (kind: PsaKind) => (kind === 'connectwise' ? h.connectwise.tickets : h.autotask.tickets);
const notesOf = (kind: PsaKind, id: number) => (kind === 'connectwise' ? h.connectwise.notes.filter((n) => n.ticketId === id) : h.autotask.notes.filter((n) => n.ticketID === id));
const close = (kind: PsaKind, id: number) => { if (kind === 'connectwise') h.connectwise.closeTicket(id); else h.autotask.completeTicket(id); };
const move = (kind: PsaKind, id: number) => { if (kind === 'connectwise') h.connectwise.moveTicket(id, 2); else h.autotask.moveTicket(id, 29682970); };
const remove = (kind: PsaKind, id: number) => { if (kind === 'connectwise') h.connectwise.deleteTicket(id); else h.autotask.removeTicket(id); };

describe.each(['connectwise', 'autotask'] as const)('botnet tickets in %s', (kind) => {
  it('opens one ticket per identity above the threshold (none at exactly the threshold, none for malware)', async () => {
    h = await startSyncHarness(kind);
    const run = await ticketEngine(kind, AFTER_W0).run();
    const expected = expectedHits(kind);
    expect(expected.length).toBeGreaterThan(3);
    expect(run.processedWindows).toEqual([W0]);
    expect(run.actions.filter((a) => a.action === 'created')).toHaveLength(expected.length);
    expect(tickets(kind)).toHaveLength(expected.length);
    const customer = h.world.customers[0]!;
    const action = run.actions.find((a) => a.orgId === customer.customerId)!;
    const ticket = tickets(kind).find((t) => t.id === action.ticketId)!;
    const title = String(kind === 'connectwise' ? ticket.summary : ticket.title);
    expect(title).toBe(`Umbrella: botnet activity on ${customer.roamingComputers[0]!.name} (Acme Corporation)`);
    // exactly 3 in the window (customer index 1) opens nothing
    expect(run.actions.some((a) => a.orgId === h.world.customers[1]!.customerId)).toBe(false);
    const description = kind === 'connectwise' ? String(h.connectwise.notes.find((n) => n.ticketId === ticket.id)?.text) : String(ticket.description);
    expect(description).toMatch(/blocked 6 request\(s\) from .* between 2026-11-25 00:00 and 2026-11-25 04:00 UTC/);
    expect(description).toMatch(/Top blocked domains:\n {2}gate\.darkcomet-relay\.net \(4\)\n {2}cnc\.emotet-panel\.ru \(2\)/);
  });

  it('adds a note while the ticket is open, even after it moved; opens a new one after close and after delete', async () => {
    h = await startSyncHarness(kind);
    await ticketEngine(kind, AFTER_W0).run();
    const [first, second] = h.world.customers.filter((c, i) => i % 4 === 0);
    const firstTicket = tickets(kind).find((t) => String(t.summary ?? t.title).includes(first!.customerName))!;
    const secondTicket = tickets(kind).find((t) => String(t.summary ?? t.title).includes(second!.customerName))!;
    move(kind, firstTicket.id);
    close(kind, secondTicket.id);
    const W1 = W0 + WINDOW_MS;
    for (const customer of [first!, second!]) h.umbrella.addActivity(customer.customerId, { ts: W1 + HOUR, identityId: customer.roamingComputers[0]!.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 5 });
    const run = await ticketEngine(kind, W1 + WINDOW_MS + 60_000).run();
    expect(run.processedWindows).toEqual([W1]);
    expect(run.actions.map((a) => [a.customer, a.action])).toEqual(expect.arrayContaining([[first!.customerName, 'noted'], [second!.customerName, 'created']]));
    expect(notesOf(kind, firstTicket.id).length).toBeGreaterThanOrEqual(1);

    remove(kind, firstTicket.id);
    const W2 = W1 + WINDOW_MS;
    h.umbrella.addActivity(first!.customerId, { ts: W2 + HOUR, identityId: first!.roamingComputers[0]!.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 7 });
    const third = await ticketEngine(kind, W2 + WINDOW_MS + 60_000).run();
    expect(third.actions.map((a) => [a.customer, a.action])).toEqual([[first!.customerName, 'created']]);
  });

  it('a create whose answer was lost yields exactly one ticket', async () => {
    h = await startSyncHarness(kind);
    (kind === 'connectwise' ? h.connectwise : h.autotask).server.setFaults({ dropCreateResponses: 2 });
    const run = await ticketEngine(kind, AFTER_W0).run();
    expect(run.actions.filter((a) => a.action === 'failed')).toEqual([]);
    expect(tickets(kind)).toHaveLength(expectedHits(kind).length);
  });

  it('a crash between the create and the ledger write yields exactly one ticket', async () => {
    h = await startSyncHarness(kind);
    let crashed = false;
    const crashing = (psa: PsaTicketAdapter): PsaTicketAdapter => ({
      kind: psa.kind, requestCount: () => psa.requestCount(), findTicketByMarker: (m) => psa.findTicketByMarker(m), ticketState: (id) => psa.ticketState(id), addNote: (id, t, x) => psa.addNote(id, t, x),
      createTicket: async (ticket) => {
        const id = await psa.createTicket(ticket);
        if (!crashed) { crashed = true; throw new Error('process killed'); }
        return id;
      },
    });
    await ticketEngine(kind, AFTER_W0, crashing).run();
    // A real kill would not have finished the window either.
    state.updateNow((s) => { s.tickets.lastProcessedWindow = null; });
    state.close();
    const again = await ticketEngine(kind, AFTER_W0).run();
    expect(tickets(kind)).toHaveLength(expectedHits(kind).length);
    expect(again.actions.filter((a) => a.action === 'created')).toHaveLength(0);
  });

  it('after a 10-hour sleep processes each missed window once, in order; a 3-day gap processes only the last 48 hours', async () => {
    h = await startSyncHarness(kind);
    await ticketEngine(kind, AFTER_W0).run();
    state.close();
    const woke = W0 + WINDOW_MS + 10 * HOUR;
    const run = await ticketEngine(kind, woke).run();
    expect(run.processedWindows).toEqual([W0 + WINDOW_MS, W0 + 2 * WINDOW_MS]);
    state.close();
    expect((await ticketEngine(kind, woke).run()).processedWindows).toEqual([]);
    state.close();
    const later = W0 + 3 * WINDOW_MS + 72 * HOUR;
    const gap = await ticketEngine(kind, later).run();
    expect(gap.processedWindows).toHaveLength(12);
    expect(gap.processedWindows[0]).toBe(windowOf(later) - 12 * WINDOW_MS);
    expect(gap.skippedWindows).toHaveLength(6);
    expect(gap.record.notes[0]).toMatch(/Skipped 6 window\(s\) older than 48 hours/);
  });

  it('"Check now" reports the current partial window without marking it done, and nothing is counted twice', async () => {
    h = await startSyncHarness(kind);
    const partial = await ticketEngine(kind, ANCHOR).run({ checkNow: true });
    expect(partial.actions.filter((a) => a.action === 'created')).toHaveLength(expectedHits(kind).length);
    expect(state.get().tickets.lastProcessedWindow).toBeNull();
    state.close();
    const full = await ticketEngine(kind, AFTER_W0).run();
    expect(full.processedWindows).toEqual([W0]);
    expect(full.actions.every((a) => a.action === 'unchanged')).toBe(true);
    expect(tickets(kind)).toHaveLength(expectedHits(kind).length);
  });

  it('runs one check at a time: a second request joins the running one', async () => {
    h = await startSyncHarness(kind);
    const engine = ticketEngine(kind, AFTER_W0);
    const [a, b] = [engine.run(), engine.run()];
    expect(await a).toBe(await b);
    expect(tickets(kind)).toHaveLength(expectedHits(kind).length);
  });

  it('"Send test ticket" creates one labelled ticket without touching the ledger', async () => {
    h = await startSyncHarness(kind);
    const { ticketId: id } = await ticketEngine(kind, AFTER_W0).sendTestTicket();
    const ticket = tickets(kind).find((t) => t.id === id)!;
    expect(String(ticket.summary ?? ticket.title)).toMatch(/^\[TEST\] Umbrella PSA Sync test ticket/);
    expect(state.get().tickets.ledger).toEqual({});
  });
});
