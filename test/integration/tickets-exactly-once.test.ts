/**
 * Every botnet hit reported exactly once, whatever fails, crashes or runs beside the app: faults at
 * one customer, the state database deleted, damaged or overwritten, hits at customers without an active PSA
 * company. Both PSAs, against the simulators. (Two real processes: tickets-processes.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_DATABASE } from '../../main/adapters/store/state-database';
import type { PsaKind } from '../../preload/contract';
import { WINDOW_MS } from '../../main/domain/windows';
import { HOUR } from '../../simulators/seed';
import { startSyncHarness, type SyncHarness } from '../helpers/sync';
import { AFTER_W0, duplicates, expectedHits, markerOf, notesOf, ticketEngine, ticketsOf, W0 } from '../helpers/tickets';

let h: SyncHarness;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await h.stop();
});

function engine(kind: PsaKind, now: number, options: Parameters<typeof ticketEngine>[3] = {}) {
  const built = ticketEngine(h, kind, now, { retries: 1, ...options });
  closers.push(() => { built.state.close(); });
  return built.engine;
}

/** A customer (not the first: its org also answers the categories lookup) with hits in W0. */
function hitCustomer(kind: PsaKind) {
  const hits = expectedHits(h, kind).filter((hit) => hit.orgId !== h.world.customers[0]!.customerId);
  const orgId = hits[0]!.orgId;
  return { orgId, hits: hits.filter((hit) => hit.orgId === orgId), customer: h.world.customers.find((c) => c.customerId === orgId)! };
}

const ticketsFor = (kind: PsaKind, orgId: number) => ticketsOf(h, kind).filter((t) => markerOf(t).startsWith(`umbrella-psa-sync/${String(orgId)}/`));

describe.each(['connectwise', 'autotask'] as const)('botnet hits exactly once in %s', (kind) => {
  it('a customer whose Umbrella calls fail in a window is ticketed at the next check after the fault clears, exactly once', async () => {
    h = await startSyncHarness(kind);
    const { orgId, hits, customer } = hitCustomer(kind);
    h.umbrella.failReportsFor(orgId);
    const first = await engine(kind, AFTER_W0).run();
    expect(first.actions.filter((a) => a.orgId === orgId).map((a) => a.action)).toEqual(['failed']);
    expect(first.retries).toEqual([{ orgId, customer: customer.customerName, window: W0 }]);
    expect(first.processedWindows).toEqual([]);
    expect(first.record.problems.find((p) => p.orgId === orgId)?.reason).toMatch(/2026-11-25 00:00-04:00 UTC: .*500.*checked again at the next check/);
    expect(ticketsFor(kind, orgId)).toHaveLength(0);
    const othersBefore = ticketsOf(h, kind).length;

    h.umbrella.clearReportFailures();
    const retry = await engine(kind, AFTER_W0 + 15 * 60_000).run();
    expect(retry.actions.filter((a) => a.action === 'created').map((a) => a.orgId)).toEqual(hits.map(() => orgId));
    expect(retry.processedWindows).toEqual([W0]);
    expect(ticketsFor(kind, orgId)).toHaveLength(hits.length);
    expect(ticketsOf(h, kind)).toHaveLength(othersBefore + hits.length);
    // Nothing more at the next window's check, and no duplicate anywhere.
    await engine(kind, AFTER_W0 + WINDOW_MS).run();
    expect(ticketsOf(h, kind)).toHaveLength(othersBefore + hits.length);
    expect(duplicates(h, kind)).toEqual([]);
  });

  it('a customer failing for more than 48 hours is reported as lost, by name and window, once', async () => {
    h = await startSyncHarness(kind);
    const { orgId, customer } = hitCustomer(kind);
    h.umbrella.failReportsFor(orgId);
    await engine(kind, AFTER_W0).run();
    h.umbrella.clearReportFailures();
    const late = AFTER_W0 + 49 * HOUR;
    const run = await engine(kind, late).run();
    const lost = run.actions.filter((a) => a.action === 'lost');
    expect(lost.map((a) => [a.customer, a.window])).toEqual([[customer.customerName, W0]]);
    expect(run.record.problems.find((p) => p.orgId === orgId)?.reason).toMatch(/botnet activity in 2026-11-25 00:00-04:00 UTC could not be checked within 48 hours \(last error: .*500.*\); hits in that window were not ticketed/);
    expect(run.record.counts.failed).toBeGreaterThanOrEqual(1);
    expect(ticketsFor(kind, orgId)).toHaveLength(0);
    const again = await engine(kind, late + 60_000).run();
    expect(again.actions.filter((a) => a.action === 'lost')).toEqual([]);
  });

  it.each([
    ['deleted', (file: string) => { for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true }); }],
    ['damaged (one invalid field in every ledger entry)', (file: string) => {
      const db = new DatabaseSync(file);
      const rows = db.prepare("SELECT key, value FROM entries WHERE section = 'ledger'").all() as { key: string; value: string }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) db.prepare("UPDATE entries SET value = ? WHERE section = 'ledger' AND key = ?").run(JSON.stringify({ ...JSON.parse(row.value) as object, ticketId: 'lost' }), row.key);
      db.close();
    }],
    ['overwritten with something that is not a database', (file: string) => {
      for (const suffix of ['-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
      fs.writeFileSync(file, '{}');
    }],
  ])('the state database %s between a create and the next window gives a note on the open ticket, not a second ticket', async (_how, damage) => {
    h = await startSyncHarness(kind);
    await engine(kind, AFTER_W0).run();
    for (const close of closers.splice(0)) close();
    const created = ticketsOf(h, kind).length;
    damage(path.join(h.dir, STATE_DATABASE));
    const customer = h.world.customers[0]!;
    const identity = customer.roamingComputers[0]!;
    const W1 = W0 + WINDOW_MS;
    h.umbrella.addActivity(customer.customerId, { ts: W1 + HOUR, identityId: identity.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 5 });
    const run = await engine(kind, W1 + WINDOW_MS + 60_000).run();
    expect(run.actions.filter((a) => a.action === 'created')).toEqual([]);
    const noted = run.actions.filter((a) => a.action === 'noted');
    expect(noted.map((a) => a.identity)).toEqual([identity.name]);
    expect(notesOf(h, kind, noted[0]!.ticketId!).length).toBeGreaterThanOrEqual(kind === 'connectwise' ? 2 : 1);
    expect(ticketsOf(h, kind)).toHaveLength(created);
    expect(duplicates(h, kind)).toEqual([]);
  });

  it('a hit at a customer whose PSA company is inactive is a named problem; with a fallback company it is ticketed there', async () => {
    h = await startSyncHarness(kind);
    const inactive = kind === 'connectwise'
      ? h.world.connectwise.companies.find((c) => c.status.name === 'Inactive')!.identifier
      : String(h.world.autotask.companies.find((c) => !c.isActive)!.id);
    const customer = h.world.customers.find((c) => h.mappings[String(c.customerId)]?.psaCompany === inactive)!;
    const identity = customer.roamingComputers[0] ?? customer.networks[0]!;
    const name = 'name' in identity ? identity.name : '';
    h.umbrella.addActivity(customer.customerId, { ts: W0 + HOUR, identityId: identity.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 7 });
    const run = await engine(kind, AFTER_W0).run();
    const problem = run.record.problems.find((p) => p.orgId === customer.customerId);
    expect(problem?.reason).toMatch(new RegExp(`^${name}: \\d+ blocked botnet request\\(s\\) in 2026-11-25 00:00-04:00 UTC could not be ticketed: its PSA company`));
    expect(problem?.reason).toMatch(/is inactive\. Map the customer to an active PSA company, or choose a fallback company/);
    expect(ticketsFor(kind, customer.customerId)).toHaveLength(0);
    await h.stop();
    h = await startSyncHarness(kind);
    h.umbrella.addActivity(customer.customerId, { ts: W0 + HOUR, identityId: identity.originId, domain: 'cnc.emotet-panel.ru', categories: [65], verdict: 'blocked', count: 7 });
    const fallback = h.mappings[String(h.world.customers[0]!.customerId)]!.psaCompany!;
    const withFallback = await engine(kind, AFTER_W0, { fallbackCompany: fallback }).run();
    const created = withFallback.actions.find((a) => a.orgId === customer.customerId && a.action === 'created')!;
    const ticket = ticketsOf(h, kind).find((t) => t.id === created.ticketId)!;
    expect(String(ticket.summary ?? ticket.title)).toContain(`(${customer.customerName})`);
    const companyId = kind === 'connectwise' ? (ticket.company as { id: number }).id : ticket.companyID;
    const fallbackId = kind === 'connectwise' ? h.world.connectwise.companies.find((c) => c.identifier === fallback)!.id : Number(fallback);
    expect(companyId).toBe(fallbackId);
    expect(withFallback.record.problems.find((p) => p.orgId === customer.customerId)).toBeUndefined();
  });
});
