/**
 * The seat drift report from the command line against the simulators' agreements (ConnectWise) and
 * Recurring Service contracts (Autotask), both PSAs, on the real keychain: every status of the demo MSP's
 * billing cases, each customer's seats and billed quantity computed from the seed independently of the app,
 * the totals, the product chosen and checked with the PSA, the CSV, and the usage errors. Read only: no
 * request but GET and queries.
 */
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingPlan, PsaKind } from '../../preload/contract';
import { demoMappings } from '../../main/app/demo';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore } from '../../main/adapters/store/settings';
import type { DriftReport, DriftStatus } from '../../main/jobs/billing/drift';
import { DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { UMBRELLA_PRODUCT, type BillingCase } from '../../simulators/seed';
import { checkExchanges } from '../contract/openapi';
import { realSecretStore, tempDir } from '../helpers/fixtures';
import { cliCaptured, DEMO_CREDENTIALS_ENV } from '../helpers/cli';

const CREDENTIALS_ENV = DEMO_CREDENTIALS_ENV;

let sims: DemoSimulators;
beforeAll(async () => {
  process.env.UMBRELLA_PSA_KEYCHAIN_SERVICE = (await realSecretStore()).service;
  process.env.UMBRELLA_PSA_TEST_LIMIT_SCALE = '60';
  sims = await startDemoSimulators({ rateLimits: false });
  // The day the demo's under-billed lines changed: the old line and the new one both touch it, only the new one is in force.
  DAY = new Date(sims.world.anchor).toISOString().slice(0, 10);
});
let DAY = '';
afterAll(async () => { await sims.stop(); });

const cli = cliCaptured;

async function configured(kind: PsaKind): Promise<string[]> {
  const dir = tempDir();
  const at = ['--data-dir', dir];
  const psaTarget = kind === 'connectwise' ? ['--site', sims.urls.connectwiseSite] : ['--autotask-url', sims.urls.autotaskDiscovery, '--billing-code', String(DEMO_MATERIAL_BILLING_CODE)];
  expect((await cli(['configure', '--psa', kind, ...psaTarget, '--umbrella-url', sims.urls.umbrella, ...at], CREDENTIALS_ENV)).code).toBe(0);
  openSettingsStore({ dir, log: memoryLogger() }).update({ mappings: demoMappings(sims, kind, { keepInactive: true }) });
  return at;
}

const STATUS_OF: Record<BillingCase, DriftStatus> = {
  'in-step': 'in-step', under: 'under-billed', over: 'over-billed', 'no-line': 'no-line', 'no-agreement': 'no-agreement', ambiguous: 'several-lines', ended: 'ended',
};

/** What each customer's row must say, from the seed alone. */
function expectedRows(kind: PsaKind) {
  return sims.world.customers.map((customer) => {
    const match = sims.world.expectedMatches[customer.customerId];
    const reference = kind === 'connectwise' ? match?.connectwise : match?.autotask?.toString();
    const active = kind === 'connectwise'
      ? sims.world.connectwise.companies.find((c) => c.identifier === reference)?.status.name === 'Active'
      : sims.world.autotask.companies.find((c) => String(c.id) === reference)?.isActive === true;
    const billing = sims.world.billing[customer.customerId];
    if (!reference) return { orgId: customer.customerId, status: 'not-mapped', billed: null, difference: null };
    if (!active) return { orgId: customer.customerId, status: 'no-company', billed: null, difference: null };
    const status = STATUS_OF[billing?.case ?? 'no-agreement'];
    const single = status === 'in-step' || status === 'under-billed' || status === 'over-billed';
    const billed = single ? billing?.quantities[0] ?? null : null;
    return { orgId: customer.customerId, status, billed, difference: billed === null ? null : customer.seats - billed };
  });
}

describe.each(['connectwise', 'autotask'] as const)('billing drift (%s)', (kind) => {
  it('reports every customer\'s seats against what the PSA bills, with every status, the totals, and only reads', async () => {
    const at = await configured(kind);
    const before = kind === 'connectwise' ? sims.connectwise.exchanges.length : sims.autotask.exchanges.length;

    const unset = await cli(['billing', '--date', DAY, ...at]);
    expect(unset.code).toBe(2);
    expect(unset.err).toMatch(/is chosen for Umbrella seats: run "umbrella-psa-sync configure --billing-product REF"/);

    const wrong = await cli(['configure', '--billing-product', 'NO-SUCH-SKU', ...at]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(kind === 'connectwise' ? /ConnectWise has no procurement catalog item \(identifier or id\) "NO-SUCH-SKU"/ : /Autotask has no service \(id or exact name\) "NO-SUCH-SKU"/);
    const reference = kind === 'connectwise' ? UMBRELLA_PRODUCT.connectwise.identifier : UMBRELLA_PRODUCT.autotask.name;
    const chosen = await cli(['configure', '--billing-product', reference, ...at]);
    expect(chosen.out).toMatch(/^Saved the product that bills Umbrella seats: .+ \(\d+\)\.$/m);
    expect(chosen.code).toBe(0);

    const json = await cli(['billing', '--date', DAY, '--json', ...at]);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as DriftReport;
    const expected = expectedRows(kind);
    expect(report.rows.map(({ orgId, status, billed, difference }) => ({ orgId, status, billed, difference })).sort((a, b) => a.orgId - b.orgId))
      .toEqual(expected.sort((a, b) => a.orgId - b.orgId));
    // Every status the demo MSP can show is there.
    expect(new Set(report.rows.map((r) => r.status))).toEqual(new Set(['in-step', 'under-billed', 'over-billed', 'no-line', 'several-lines', 'no-agreement', 'ended', 'no-company', 'not-mapped']));
    const seats = (orgId: number) => sims.world.customers.find((c) => c.customerId === orgId)?.seats ?? 0;
    const compared = expected.filter((r) => r.billed !== null);
    expect(report.totals).toEqual({
      umbrellaSeats: expected.filter((r) => r.status !== 'not-mapped' && r.status !== 'no-company').reduce((n, r) => n + seats(r.orgId), 0),
      compared: compared.length,
      comparedSeats: compared.reduce((n, r) => n + seats(r.orgId), 0),
      billedSeats: compared.reduce((n, r) => n + (r.billed ?? 0), 0),
      inStep: expected.filter((r) => r.status === 'in-step').length,
      underBilled: { customers: expected.filter((r) => r.status === 'under-billed').length, seats: expected.filter((r) => r.status === 'under-billed').reduce((n, r) => n + (r.difference ?? 0), 0) },
      overBilled: { customers: expected.filter((r) => r.status === 'over-billed').length, seats: -expected.filter((r) => r.status === 'over-billed').reduce((n, r) => n + (r.difference ?? 0), 0) },
      toReview: expected.length - compared.length,
      trials: 0,
    });

    const text = await cli(['billing', '--date', DAY, ...at]);
    expect(text.out).toMatch(/^\+ .+ \(\d+\): \d+ seat\(s\), under-billed by \d+\. Billed \d+ on (agreement|contract) \d+ \(Managed Services\): \d+ seat\(s\) not billed\.$/m);
    expect(text.out).toMatch(/^! .+: \d+ seat\(s\), several lines\. 2 lines bill .+; which one is Umbrella's is not guessed\.$/m);
    // The third side: what Cisco bills the MSP, from the provider's console.
    const used = sims.world.customers.reduce((n, c) => n + c.seats, 0);
    expect(report.console).toEqual({ packageName: 'Umbrella DNS Essentials', seatsTotal: Math.ceil((used + 1) / 100) * 100, seatsUsed: used, customerCount: sims.world.customers.length });
    expect(text.out).toContain(`Cisco bills you for Umbrella DNS Essentials: ${String(Math.ceil((used + 1) / 100) * 100)} seats allocated, ${String(used)} used by ${String(sims.world.customers.length)} customer(s).`);
    expect(text.out).toMatch(kind === 'connectwise' ? /not in force\. No agreement of .+ is in force on \d{4}-\d{2}-\d{2}: agreement \d+ \(Managed Services\) cancelled on 2026-10-31\./ : /not in force\. No Recurring Service contract of .+ is in force on \d{4}-\d{2}-\d{2}: contract \d+ \(Managed Services\) inactive\./);
    expect(text.out).toMatch(/^Umbrella seats of the customers with a PSA company: \d+\. On the 10 compared: \d+ in Umbrella, \d+ billed by the PSA\.$/m);
    expect(text.out).toMatch(/^\d+ in step, \d+ under-billed \(\d+ seat\(s\) not billed\), \d+ over-billed \(\d+ seat\(s\) too many\), \d+ to review\.$/m);

    const csv = await cli(['billing', '--date', DAY, '--csv', ...at]);
    const parsed = Papa.parse<Record<string, string>>(csv.out.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(report.rows.length);
    expect(parsed.data.find((r) => r.status === 'under-billed')?.difference).toMatch(/^\d+$/);

    // Read only: GETs and queries, every one as the vendor documents it.
    const exchanges = (kind === 'connectwise' ? sims.connectwise.exchanges : sims.autotask.exchanges).slice(before);
    expect(exchanges.filter((e) => e.method !== 'GET' && !/\/query(\/next)?$/.test(e.path)).map((e) => `${e.method} ${e.path}`)).toEqual([]);
    expect(checkExchanges([...exchanges])).toEqual([]);
  });
});

describe('billing totals without the console report', () => {
  it('a console that does not answer it still gets the report, and says what is missing', async () => {
    const at = await configured('autotask');
    await cli(['configure', '--billing-product', UMBRELLA_PRODUCT.autotask.name, ...at]);
    sims.umbrella.server.failNext(/\/providers\/consoles$/, { status: 404 });
    const text = await cli(['billing', '--date', DAY, ...at]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^This Umbrella console does not answer the providers console report, so what Cisco bills you is not shown\.$/m);
    expect(text.out).toMatch(/^\d+ in step, /m);
  });
});

describe('billing on an MSSP console', () => {
  it('a customer on a trial is neither compared, nor counted in the seats, nor ever in a plan', async () => {
    const mssp = await startDemoSimulators({ rateLimits: false, umbrellaConsole: 'mssp' });
    try {
      const dir = tempDir();
      const at = ['--data-dir', dir];
      expect((await cli(['configure', '--psa', 'connectwise', '--site', mssp.urls.connectwiseSite, '--umbrella-url', mssp.urls.umbrella, ...at], CREDENTIALS_ENV)).code).toBe(0);
      openSettingsStore({ dir, log: memoryLogger() }).update({ mappings: demoMappings(mssp, 'connectwise') });
      await cli(['configure', '--billing-product', UMBRELLA_PRODUCT.connectwise.identifier, ...at]);
      const trials = mssp.world.customers.filter((c) => c.isTrial && demoMappings(mssp, 'connectwise')[String(c.customerId)]);
      expect(trials.length).toBeGreaterThan(0);
      const report = JSON.parse((await cli(['billing', '--json', ...at])).out) as DriftReport;
      const trialRows = report.rows.filter((r) => r.status === 'trial');
      expect(trialRows.map((r) => r.orgId).sort()).toEqual(trials.map((c) => c.customerId).sort());
      expect(report.totals.trials).toBe(trials.length);
      expect(trialRows[0]?.detail).toMatch(/On a trial: Cisco does not bill its seats yet/);
      const counted = report.rows.filter((r) => !['not-mapped', 'no-company', 'trial'].includes(r.status));
      expect(report.totals.umbrellaSeats).toBe(counted.reduce((n, r) => n + r.seats, 0));
      const plan = JSON.parse((await cli(['billing', 'plan', '--json', ...at])).out) as BillingPlan;
      expect(plan.lines.filter((l) => trials.some((c) => c.customerId === l.orgId))).toEqual([]);
      expect((await cli(['billing', ...at])).out).toMatch(/^~ .+ \(\d+\): \d+ seat\(s\), trial\. On a trial/m);
    } finally {
      await mssp.stop();
    }
  });
});

describe('billing usage', () => {
  it('refuses a day that is not one, and --json with --csv, in words', async () => {
    const at = await configured('connectwise');
    const bad = await cli(['billing', '--date', '2026-02-30', ...at]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--date takes a day such as 2026-12-01, not "2026-02-30"/);
    const both = await cli(['billing', '--json', '--csv', ...at]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/Choose one of --json and --csv/);
  });
});
