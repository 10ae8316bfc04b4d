import { afterEach, describe, expect, it } from 'vitest';
import { FIELDS } from '../../main/domain/fields';
import { SyncAlreadyRunningError } from '../../main/jobs/sync/engine';
import { ANCHOR, expectedValues, startSyncHarness, type SyncHarness } from '../helpers/sync';
import { checkExchanges } from '../contract/openapi';

let h: SyncHarness;
afterEach(async () => {
  expect(checkExchanges([...h.connectwise.exchanges, ...h.umbrella.exchanges])).toEqual([]);
  await h.stop();
});

const DAY_LATER = ANCHOR + 86_400_000;

/** Configurations per company in the simulator. */
function perCompany(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const c of h.connectwise.configurations) counts.set(c.company.id, (counts.get(c.company.id) ?? 0) + 1);
  return counts;
}

describe('Daily sync into ConnectWise', () => {
  it('first run: creates the type, the 16 questions in order, and one configuration per mapped active company, with the right values', async () => {
    h = await startSyncHarness('connectwise');
    const { engine } = h.engine();
    const { record, outcomes } = await engine.run();

    expect(h.connectwise.configurationTypes.map((t) => t.name)).toEqual(['OpenDNS_Umbrella']);
    expect(h.connectwise.questions.sort((a, b) => a.sequenceNumber - b.sequenceNumber).map((q) => q.question)).toEqual(FIELDS.map((f) => f.question));
    const mappedActive = h.world.customers.filter((c) => h.mappings[String(c.customerId)] && c.customerName !== 'Summit Realty Group');
    expect(record.counts).toEqual({ created: mappedActive.length, updated: 0, unchanged: 0, skipped: 3, failed: 1 });
    expect(record.problems.find((p) => p.status === 'failed')?.reason).toMatch(/"Summit Realty Group" \(SummitRealtyGroup\) is inactive/);
    expect(record.notes).toContain('Created the configuration type "OpenDNS_Umbrella".');
    expect([...perCompany().values()].every((n) => n === 1)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'created')).toHaveLength(mappedActive.length);

    for (const customer of mappedActive) {
      const company = h.connectwise.companies.find((c) => c.identifier === h.mappings[String(customer.customerId)]?.psaCompany)!;
      const configuration = h.connectwise.configurations.find((c) => c.company.id === company.id)!;
      const written = Object.fromEntries(configuration.questions.map((q) => [FIELDS.find((f) => f.question === q.question)!.key, q.answer]));
      expect(written, customer.customerName).toEqual(expectedValues(h.world, customer, ANCHOR));
    }
  });

  it('a sync stopped while its first calls wait for a rate limit is recorded as stopped (run at the next start), not as a failed sync', async () => {
    h = await startSyncHarness('connectwise');
    const stopping = new AbortController();
    stopping.abort();
    const { engine } = h.engine({ stopSignal: stopping.signal });
    const { record } = await engine.run();
    expect(record.stopped).toBe(true);
    expect(record.error).toMatch(/^Stopped before the end/);
    expect(h.connectwise.configurations).toHaveLength(0);
  });

  it('second run: updates in place with one ConnectWise request per customer and creates nothing', async () => {
    h = await startSyncHarness('connectwise');
    await h.engine().engine.run();
    const before = h.connectwise.exchanges.length;
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    const synced = record.counts.unchanged + record.counts.updated;
    expect(record.counts.created).toBe(0);
    expect(synced).toBeGreaterThan(15);
    const calls = h.connectwise.exchanges.slice(before);
    expect(calls.filter((e) => e.method === 'POST')).toEqual([]);
    // one PATCH per customer, plus one page of companies for the whole run
    expect(calls.filter((e) => e.method === 'PATCH')).toHaveLength(synced);
    expect(record.requests.psa).toBe(synced + 2);
    expect([...perCompany().values()].every((n) => n === 1)).toBe(true);
    const lastUpdated = h.connectwise.configurations[0]!.questions.find((q) => q.question === 'Last Updated')?.answer;
    expect(lastUpdated).toBe('2026-11-26 00:05 UTC');
  });

  it('a configuration deleted in ConnectWise is created again, once', async () => {
    h = await startSyncHarness('connectwise');
    await h.engine().engine.run();
    const victim = h.connectwise.configurations[3]!;
    h.connectwise.deleteConfiguration(victim.id);
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(record.counts.created).toBe(1);
    expect(h.connectwise.configurations.filter((c) => c.company.id === victim.company.id)).toHaveLength(1);
    const { record: third } = await h.engine({ now: DAY_LATER + 86_400_000 }).engine.run();
    expect(third.counts.created).toBe(0);
  });

  it('injected faults (5xx, 429 bursts, resets, dropped create answers) never produce duplicates, and a re-run syncs everyone', async () => {
    h = await startSyncHarness('connectwise');
    h.connectwise.server.setFaults({ errorRate: 0.15, resetRate: 0.05, dropCreateResponses: 4 });
    h.umbrella.server.setFaults({ errorRate: 0.1, rateLimitBurst: 3 });
    await h.engine().engine.run();
    h.connectwise.server.resetFaults();
    h.umbrella.server.resetFaults();
    const { record } = await h.engine({ now: DAY_LATER }).engine.run();
    expect(record.counts.failed).toBe(1); // the inactive company
    expect(h.connectwise.configurationTypes).toHaveLength(1);
    expect(new Set(h.connectwise.questions.map((q) => q.question)).size).toBe(h.connectwise.questions.length);
    expect([...perCompany().values()].every((n) => n === 1)).toBe(true);
    expect(perCompany().size).toBe(record.counts.created + record.counts.updated + record.counts.unchanged);
  });

  it('an unmapped, missing or inactive company is a per-customer error while the others sync', async () => {
    h = await startSyncHarness('connectwise');
    const [first, second] = h.world.customers;
    h.mappings[String(first!.customerId)] = { psaCompany: 'NoSuchCompany', excluded: false };
    h.mappings[String(second!.customerId)] = { psaCompany: h.mappings[String(second!.customerId)]!.psaCompany, excluded: true };
    const { record, outcomes } = await h.engine().engine.run();
    const missing = outcomes.find((o) => o.orgId === first!.customerId);
    expect(missing?.status).toBe('failed');
    expect(missing?.reason).toMatch(/"NoSuchCompany" was not found/);
    expect(outcomes.find((o) => o.orgId === second!.customerId)).toMatchObject({ status: 'skipped', reason: 'Excluded from the sync.' });
    expect(outcomes.filter((o) => o.reason === 'Not mapped to a PSA company.').map((o) => o.name)).toEqual(['Maple Street Bakery', 'Oakwood Elementary PTA', 'Westbrook Law Office']);
    expect(record.counts.created).toBe(h.world.customers.length - 6);
  });

  it('a dry run writes nothing; after a run it previews field by field what would change', async () => {
    h = await startSyncHarness('connectwise');
    const dry = await h.engine().engine.run({ dryRun: true });
    expect(h.connectwise.exchanges.filter((e) => e.method !== 'GET')).toEqual([]);
    expect(dry.record.notes[0]).toMatch(/Would create the configuration type "OpenDNS_Umbrella" with 16 questions/);
    expect(dry.record.counts.created).toBeGreaterThan(15);

    await h.engine().engine.run();
    // A network that was silent for the last 7 days is seen again.
    const customer = h.world.customers.find((c) => h.mappings[String(c.customerId)] && c.customerName !== 'Summit Realty Group' && expectedValues(h.world, c, ANCHOR).inactiveNetworks !== '')!;
    const silent = customer.networks.find((n) => String(expectedValues(h.world, customer, ANCHOR).inactiveNetworks).split('\n').includes(n.name))!;
    h.umbrella.addActivity(customer.customerId, { ts: DAY_LATER - 3_600_000, identityId: silent.originId, domain: 'example.com', categories: [], verdict: 'allowed', count: 10 });
    const writesBefore = h.connectwise.exchanges.filter((e) => e.method !== 'GET').length;
    const preview = await h.engine({ now: DAY_LATER }).engine.run({ dryRun: true });
    expect(h.connectwise.exchanges.filter((e) => e.method !== 'GET')).toHaveLength(writesBefore);
    const changed = preview.outcomes.find((o) => o.orgId === customer.customerId)!;
    expect(changed.status).toBe('updated');
    expect(changed.changes?.map((c) => c.field)).toEqual(['activeNetworks', 'inactiveNetworks', 'lastUpdated']);
    expect(preview.outcomes.filter((o) => o.status === 'unchanged').length).toBeGreaterThan(15);
    // Last month's figures were read yesterday: the preview says it kept them.
    expect(preview.record.notes).toContain(`Last month's figures (fields 10-15) of ${String(preview.record.counts.created + preview.record.counts.updated + preview.record.counts.unchanged)} customer(s) are those read on 2026-11-25: they cannot change until the 1st, so they were not asked for again.`);
  });

  it('reads last month\'s figures once a month: again on the 1st and the 2nd, kept from the 3rd (two Reporting calls a customer instead of seven)', async () => {
    h = await startSyncHarness('connectwise');
    const day = (d: number) => Date.UTC(2026, 11, d, 0, 5);
    const perCustomer = async (at: number) => {
      const { record } = await h.engine({ now: at }).engine.run();
      const synced = record.counts.created + record.counts.updated + record.counts.unchanged;
      return { record, umbrella: record.requests.umbrella / synced };
    };
    const first = await perCustomer(day(1));
    const second = await perCustomer(day(2));
    // November's data changes after the 2nd (as it cannot for real): the kept figures are used all the same.
    const customer = h.world.customers.find((c) => h.mappings[String(c.customerId)] && c.customerName !== 'Summit Realty Group')!;
    h.umbrella.addActivity(customer.customerId, { ts: Date.UTC(2026, 10, 15), identityId: customer.networks[0]!.originId, domain: 'late.example', categories: [], verdict: 'allowed', count: 1_000_000 });
    const third = await perCustomer(day(3));
    const thirtyFirst = await perCustomer(day(31));
    expect(first.record.notes.join(' ')).not.toMatch(/Last month's figures/);
    expect(second.record.notes.join(' ')).not.toMatch(/Last month's figures/);
    expect(third.record.notes.join(' ')).toMatch(/Last month's figures \(fields 10-15\) of \d+ customer\(s\) are those read on 2026-12-02/);
    expect(third.umbrella).toBeLessThanOrEqual(3.5);
    expect(thirtyFirst.umbrella).toBeLessThanOrEqual(3.5);
    expect(second.umbrella).toBeGreaterThan(6);
    const written = () => h.connectwise.configurations.find((c) => c.company.identifier === h.mappings[String(customer.customerId)]?.psaCompany)!
      .questions.find((q) => q.question === 'Top Domains Last Month')?.answer;
    expect(String(written())).not.toContain('late.example');
    // January 1st: December's figures are read.
    const january = await perCustomer(Date.UTC(2027, 0, 1, 0, 5));
    expect(january.umbrella).toBeGreaterThan(6);
  });

  it('runs one sync at a time: a second request joins it, a dry run meanwhile is refused clearly', async () => {
    h = await startSyncHarness('connectwise');
    const { engine } = h.engine();
    const first = engine.run();
    const second = engine.run();
    expect(() => engine.run({ dryRun: true })).toThrow(SyncAlreadyRunningError);
    expect(await second).toBe(await first);
  });

  it('adopts an existing type and near-identical questions instead of adding duplicates', async () => {
    h = await startSyncHarness('connectwise');
    const type = { id: 77, name: 'OpenDNS Umbrella', inactiveFlag: false, systemFlag: false };
    h.connectwise.configurationTypes.push(type);
    h.connectwise.questions.push({ id: 78, configurationType: { id: 77, name: type.name }, fieldType: 'Number', entryType: 'EntryField', sequenceNumber: 10, question: 'DNS Requests Last Month', numberOfDecimals: 0, requiredFlag: false, inactiveFlag: false });
    const { record } = await h.engine().engine.run();
    expect(record.notes).toEqual(expect.arrayContaining(['Adopted the existing configuration type "OpenDNS Umbrella".', 'Adopted the existing question "DNS Requests Last Month" for "DNS Queries Last Month".']));
    expect(h.connectwise.configurationTypes).toHaveLength(1);
    expect(h.connectwise.questions).toHaveLength(16);
  });

  it('stops with the fix when no configuration status is marked default', async () => {
    h = await startSyncHarness('connectwise', { noDefaultStatus: true });
    const { record } = await h.engine().engine.run();
    expect(record.error).toMatch(/No configuration status is marked as default.*System > Setup Tables > Configuration Status/);
    expect(h.connectwise.configurations).toHaveLength(0);
  });
});
