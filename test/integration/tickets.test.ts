import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import type { PsaTicketAdapter } from '../../main/adapters/psa/tickets';
import type { StateStore } from '../../main/adapters/store/state';
import { WINDOW_MS, windowOf } from '../../main/domain/windows';
import { HOUR } from '../../simulators/seed';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { AFTER_W0, expectedHits as seededHits, ticketEngine as buildEngine, W0 } from '../helpers/tickets';
import { checkExchanges } from '../contract/openapi';

let h: SyncHarness;
let state: StateStore;

afterEach(async () => {
  expect(checkExchanges([...h.connectwise.exchanges, ...h.autotask.exchanges, ...h.umbrella.exchanges])).toEqual([]);
  state.close();
  await h.stop();
});

function ticketEngine(kind: PsaKind, now: number, wrap?: (psa: PsaTicketAdapter) => PsaTicketAdapter) {
  const built = buildEngine(h, kind, now, wrap ? { wrap } : {});
  state = built.state;
  return built.engine;
}

const expectedHits = (kind: PsaKind) => seededHits(h, kind);
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

  it('a check stopped while its first calls wait for Umbrella\'s rate limit is recorded as stopped (done again at the next start), not as a failure retried in 15 minutes', async () => {
    h = await startSyncHarness(kind);
    const stopping = new AbortController();
    stopping.abort();
    const built = buildEngine(h, kind, AFTER_W0, { stopSignal: stopping.signal });
    state = built.state;
    const run = await built.engine.run();
    expect(run.record.stopped).toBe(true);
    expect(run.record.error).toMatch(/^Stopped before the end/);
    expect(tickets(kind)).toHaveLength(0);
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
      kind: psa.kind, requestCount: () => psa.requestCount(), apiUsage: () => psa.apiUsage(), findTicketByMarker: (m) => psa.findTicketByMarker(m), findOpenTicket: (p) => psa.findOpenTicket(p), ticketState: (id) => psa.ticketState(id), addNote: (id, t, x) => psa.addNote(id, t, x),
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

  it('a check with no identity over the threshold asks the PSA nothing (not even its company list)', async () => {
    h = await startSyncHarness(kind);
    await ticketEngine(kind, AFTER_W0).run();
    state.close();
    const psaCalls = () => (kind === 'connectwise' ? h.connectwise.exchanges : h.autotask.exchanges).length;
    const before = psaCalls();
    const quiet = await ticketEngine(kind, W0 + 2 * WINDOW_MS + 60_000).run();
    expect(quiet.processedWindows).toEqual([W0 + WINDOW_MS]);
    expect(quiet.actions).toEqual([]);
    expect(quiet.record.requests.psa).toBe(0);
    expect(psaCalls()).toBe(before);
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
    expect(full.actions.filter((a) => a.action !== 'unticketed').every((a) => a.action === 'unchanged')).toBe(true);
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
