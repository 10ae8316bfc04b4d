import { afterEach, describe, expect, it } from 'vitest';
import { FIELDS } from '../../main/domain/fields';
import { ANCHOR, expectedValues, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { checkExchanges } from '../contract/openapi';

let h: SyncHarness;
afterEach(async () => {
  expect(checkExchanges([...h.autotask.exchanges, ...h.umbrella.exchanges])).toEqual([]);
  await h.stop();
});

const DAY_LATER = ANCHOR + 86_400_000;

function perCompany(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const ci of h.autotask.configurationItems) counts.set(Number(ci.companyID), (counts.get(Number(ci.companyID)) ?? 0) + 1);
  return counts;
}

describe('Daily sync into Autotask', () => {
  it('first run: creates the product with the chosen material code, the 16 UDFs, and one configuration item per mapped active company, with the right values', async () => {
    h = await startSyncHarness('autotask');
    const { record } = await h.engine().engine.run();
    expect(h.autotask.products.map((p) => [p.name, p.productBillingCodeID])).toEqual([['OpenDNS_Umbrella', 29682801]]);
    expect(h.autotask.udfDefinitions.map((d) => d.name)).toEqual([...FIELDS].sort((a, b) => a.udfNumber - b.udfNumber).map((f) => f.udf));
    expect(h.autotask.udfDefinitions.filter((d) => d.displayFormat === 3).map((d) => d.name)).toEqual(FIELDS.filter((f) => f.multiLine).sort((a, b) => a.udfNumber - b.udfNumber).map((f) => f.udf));
    const mapped = Object.keys(h.mappings).length;
    expect(record.counts).toMatchObject({ created: mapped - 1, failed: 1 });
    expect([...perCompany().values()].every((n) => n === 1)).toBe(true);

    for (const customer of h.world.customers) {
      const reference = h.mappings[String(customer.customerId)]?.psaCompany;
      const item = h.autotask.configurationItems.find((ci) => String(ci.companyID) === reference);
      if (!item) continue;
      const written = Object.fromEntries((item.userDefinedFields ?? []).map((u) => [FIELDS.find((f) => f.udf === u.name)!.key, u.value]));
      const expected = Object.fromEntries(Object.entries(expectedValues(h.world, customer, ANCHOR)).map(([k, v]) => [k, String(v)]));
      expect(written, customer.customerName).toEqual(expected);
    }
  });

  it('second run: one PATCH per customer, nothing created', async () => {
    h = await startSyncHarness('autotask');
    await h.engine().engine.run();
    const before = h.autotask.exchanges.length;
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    const synced = record.counts.updated + record.counts.unchanged;
    const calls = h.autotask.exchanges.slice(before);
    expect(record.counts.created).toBe(0);
    expect(calls.filter((e) => e.method === 'POST' && !e.path.includes('/query'))).toEqual([]);
    expect(calls.filter((e) => e.method === 'PATCH')).toHaveLength(synced);
    // zone discovery, the tenant's API usage (read before the run), one page of companies and one
    // query for deactivated items, for the whole run
    expect(record.requests.psa).toBe(synced + 4);
  });

  it('a configuration item deactivated in Autotask is replaced by one new item', async () => {
    h = await startSyncHarness('autotask');
    await h.engine().engine.run();
    const victim = h.autotask.configurationItems[2]!;
    victim.isActive = false;
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(record.counts.created).toBe(1);
    expect(h.autotask.configurationItems.filter((ci) => ci.companyID === victim.companyID && ci.isActive === true)).toHaveLength(1);
  });

  it('faults (5xx, thread-limit 429s, resets, dropped create answers) never produce duplicates', async () => {
    h = await startSyncHarness('autotask');
    h.autotask.server.setFaults({ errorRate: 0.1, resetRate: 0.05, dropCreateResponses: 5, rateLimitBurst: 3 });
    await h.engine().engine.run();
    h.autotask.server.resetFaults();
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(h.autotask.products).toHaveLength(1);
    expect(new Set(h.autotask.udfDefinitions.map((d) => d.name)).size).toBe(16);
    expect(h.autotask.udfDefinitions).toHaveLength(16);
    expect([...perCompany().values()].every((n) => n === 1)).toBe(true);
    expect(perCompany().size).toBe(record.counts.created + record.counts.updated + record.counts.unchanged);
  });

  it('adopts existing UDFs with slightly different wording and says so', async () => {
    h = await startSyncHarness('autotask');
    h.autotask.defineUdf('DNS Requests Last Month');
    h.autotask.defineUdf('Umbrella Agents Active in Last 7 Days');
    const { record } = await h.engine().engine.run();
    expect(record.notes).toContain('Adopted the existing user-defined field "DNS Requests Last Month" for "DNS Queries Last Month".');
    expect(h.autotask.udfDefinitions).toHaveLength(16);
  });

  it('asks for the material billing code when the product must be created and none is chosen', async () => {
    h = await startSyncHarness('autotask', { billingCode: null });
    const { record } = await h.engine().engine.run();
    expect(record.error).toMatch(/no material billing code is chosen: pick one in step 2 of the setup wizard/);
    expect(h.autotask.products).toHaveLength(0);
  });
});
