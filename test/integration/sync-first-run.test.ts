/**
 * A first run, and a run that knows no configuration ids (a state database started afresh): the customers'
 * Umbrella figures are read while the PSA's set-up is made (only their writes wait for it), and the PSA is
 * searched for existing configurations before anything is created, in a few requests that carry many
 * companies, not one search per customer (on Autotask a search and a create share the endpoint's 3 threads
 * and the tenant's hourly budget).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { STATE_DATABASE } from '../../main/adapters/store/state-database';
import type { Exchange } from '../../simulators/kit';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { checkExchanges } from '../contract/openapi';

let h: SyncHarness;
afterEach(async () => {
  expect(checkExchanges([...h.connectwise.exchanges, ...h.autotask.exchanges])).toEqual([]);
  await h.stop();
});

const DAY_LATER = ANCHOR + 86_400_000;

/** The searches for configurations: one company's, or several companies' at once. */
function searches(kind: PsaKind, exchanges: readonly Exchange[]): { single: number; many: number } {
  const found = kind === 'connectwise'
    ? exchanges.filter((e) => e.method === 'GET' && e.path.endsWith('/company/configurations')).map((e) => e.query.conditions ?? '')
    : exchanges.filter((e) => e.method === 'POST' && /\/ConfigurationItems\/query$/.test(e.path)).map((e) => JSON.stringify(e.requestBody));
  const many = (text: string) => (kind === 'connectwise' ? / in \(/.test(text) : text.includes('"op":"in"'));
  const byCompany = (text: string) => (kind === 'connectwise' ? /company\/id = \d+/.test(text) : text.includes('"field":"companyID"'));
  return { single: found.filter((text) => byCompany(text) && !many(text)).length, many: found.filter(many).length };
}

function configurationsPerCompany(kind: PsaKind): number[] {
  const companies = kind === 'connectwise'
    ? h.connectwise.configurations.map((c) => c.company.id)
    : h.autotask.configurationItems.filter((ci) => ci.isActive !== false).map((ci) => Number(ci.companyID));
  const counts = new Map<number, number>();
  for (const id of companies) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.values()];
}

const exchangesOf = (kind: PsaKind) => (kind === 'connectwise' ? h.connectwise.exchanges : h.autotask.exchanges);

describe.each(['connectwise', 'autotask'] as const)('configurations searched in bulk (%s)', (kind) => {
  it('a first run searches every company in one request, then creates each configuration once', async () => {
    h = await startSyncHarness(kind);
    const { record } = await h.engine().engine.run();
    expect(record.counts.created).toBeGreaterThan(15);
    expect(searches(kind, exchangesOf(kind))).toEqual({ single: 0, many: 1 });
    expect(configurationsPerCompany(kind).every((n) => n === 1)).toBe(true);
  });

  it('the customers\' Umbrella figures are read while the PSA set-up is made; their writes come after it', async () => {
    h = await startSyncHarness(kind);
    const psaServer = kind === 'connectwise' ? h.connectwise.server : h.autotask.server;
    psaServer.setFaults({ latencyMs: 15 });
    const { record } = await h.engine().engine.run();
    expect(record.error).toBeUndefined();
    const setUp = exchangesOf(kind).filter((e) => e.method === 'POST' && /\/questions$|\/UserDefinedFieldDefinitions$/.test(e.path));
    expect(setUp).toHaveLength(16);
    const setUpDone = Math.max(...setUp.map((e) => e.receivedAt));
    const customerReports = h.umbrella.exchanges.filter((e) => e.path.startsWith('/reports/v2/') && e.path !== '/reports/v2/categories');
    expect(Math.min(...customerReports.map((e) => e.receivedAt))).toBeLessThan(setUpDone);
    const writes = exchangesOf(kind).filter((e) => e.method === 'POST' && /\/company\/configurations$|\/ConfigurationItems$/.test(e.path));
    expect(writes).toHaveLength(record.counts.created);
    expect(Math.min(...writes.map((e) => e.receivedAt))).toBeGreaterThan(setUpDone);
  });

  it('with the state database gone, the next run finds every configuration in one request and updates it: nothing is created twice', async () => {
    h = await startSyncHarness(kind);
    const first = h.engine();
    const created = (await first.engine.run()).record.counts.created;
    first.state.close();
    for (const name of fs.readdirSync(h.dir).filter((n) => n.startsWith(STATE_DATABASE))) fs.rmSync(path.join(h.dir, name));

    const before = exchangesOf(kind).length;
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(record.counts.created).toBe(0);
    expect(record.counts.updated + record.counts.unchanged).toBe(created);
    expect(searches(kind, exchangesOf(kind).slice(before))).toEqual({ single: 0, many: 1 });
    expect(configurationsPerCompany(kind).every((n) => n === 1)).toBe(true);
    expect(configurationsPerCompany(kind)).toHaveLength(created);
  });

  it('a customer whose stored configuration is gone is searched on its own, at the moment it is written', async () => {
    h = await startSyncHarness(kind);
    await h.engine().engine.run();
    if (kind === 'connectwise') h.connectwise.configurations.splice(2, 1);
    else h.autotask.configurationItems[2]!.isActive = false;
    const before = exchangesOf(kind).length;
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(record.counts.created).toBe(1);
    expect(searches(kind, exchangesOf(kind).slice(before))).toEqual({ single: 1, many: 0 });
    expect(configurationsPerCompany(kind).every((n) => n === 1)).toBe(true);
  });
});
