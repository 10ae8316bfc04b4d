/**
 * Approved billing write-back from the command line, both PSAs, on the real keychain, against the simulators'
 * agreements (ConnectWise) and Recurring Service contracts (Autotask): a plan writes only the lines approved,
 * never a price, never into a cancelled agreement, an expired contract or a closed period; a change the PSA
 * made since the plan is not overwritten; a lost answer, a kill -9 after the write and two processes at once
 * each end with exactly one change in the PSA; undo puts the quantity back. What the PSA holds is computed from
 * the simulators' rows here, independently of the app.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BillingChange, BillingPlan, DriftReport, PsaKind } from '../../preload/contract';
import { demoMappings } from '../../main/app/demo';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore } from '../../main/adapters/store/settings';
import type { ApplyOutcome } from '../../main/jobs/billing/writeback';
import { DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import type { Exchange } from '../../simulators/kit';
import { UMBRELLA_PRODUCT } from '../../simulators/seed';
import { checkExchanges } from '../contract/openapi';
import { realSecretStore, tempDir } from '../helpers/fixtures';
import { cliCaptured, DEMO_CREDENTIALS_ENV } from '../helpers/cli';

let sims: DemoSimulators;
beforeAll(async () => {
  process.env.UMBRELLA_PSA_KEYCHAIN_SERVICE = (await realSecretStore()).service;
  process.env.UMBRELLA_PSA_TEST_LIMIT_SCALE = '60';
  sims = await startDemoSimulators({ rateLimits: false });
});
afterAll(async () => { await sims.stop(); });

// Each test starts from the seeded PSA: the simulators are shared, so the rows a test changed are put back.
let seeded: { additions: string; units: string; agreements: string; contracts: string } | null = null;
const restore = (rows: unknown[], text: string) => { rows.splice(0, Infinity, ...(JSON.parse(text) as unknown[])); };
beforeEach(() => {
  seeded ??= {
    additions: JSON.stringify(sims.connectwise.additions), units: JSON.stringify(sims.autotask.contractServiceUnits),
    agreements: JSON.stringify(sims.connectwise.agreements), contracts: JSON.stringify(sims.autotask.contracts),
  };
  restore(sims.connectwise.additions, seeded.additions);
  restore(sims.autotask.contractServiceUnits, seeded.units);
  restore(sims.connectwise.agreements, seeded.agreements);
  restore(sims.autotask.contracts, seeded.contracts);
  sims.autotask.adjustments.length = 0;
  sims.autotask.contractNotes.length = 0;
  sims.setFaults({ dropCreateResponses: 0, holdCreateResponses: 0 });
});

const cli = cliCaptured;
const PRODUCT_ID = { connectwise: UMBRELLA_PRODUCT.connectwise.id, autotask: UMBRELLA_PRODUCT.autotask.id } as const;

async function configured(kind: PsaKind): Promise<string[]> {
  const dir = tempDir();
  const at = ['--data-dir', dir];
  const psaTarget = kind === 'connectwise' ? ['--site', sims.urls.connectwiseSite] : ['--autotask-url', sims.urls.autotaskDiscovery, '--billing-code', String(DEMO_MATERIAL_BILLING_CODE)];
  expect((await cli(['configure', '--psa', kind, ...psaTarget, '--umbrella-url', sims.urls.umbrella, ...at], DEMO_CREDENTIALS_ENV)).code).toBe(0);
  openSettingsStore({ dir, log: memoryLogger() }).update({ mappings: demoMappings(sims, kind) });
  const reference = kind === 'connectwise' ? UMBRELLA_PRODUCT.connectwise.identifier : UMBRELLA_PRODUCT.autotask.name;
  expect((await cli(['configure', '--billing-product', reference, ...at])).code).toBe(0);
  return at;
}

async function plan(at: string[], effective: 'today' | 'next-month'): Promise<BillingPlan> {
  const made = await cli(['billing', 'plan', '--effective', effective, '--json', ...at]);
  expect(made.err).toBe('');
  expect(made.code).toBe(0);
  return JSON.parse(made.out) as BillingPlan;
}

async function apply(at: string[], args: string[]): Promise<{ code: number; outcomes: ApplyOutcome[] }> {
  const result = await cli(['billing', 'apply', ...args, '--json', ...at]);
  expect(result.err).toBe('');
  return { code: result.code, outcomes: JSON.parse(result.out) as ApplyOutcome[] };
}

const dayOf = (value: unknown, none: string) => (typeof value === 'string' ? value.slice(0, 10) : none);

/** What the PSA bills on the line's agreement or contract on the day, read from the simulator's rows. */
function billedOn(kind: PsaKind, agreementId: number, day: string): number[] {
  if (kind === 'connectwise') {
    return sims.connectwise.additions
      .filter((a) => a.agreementId === agreementId && (a.product as { id: number }).id === PRODUCT_ID.connectwise && a.agreementStatus === 'Active')
      .filter((a) => dayOf(a.effectiveDate, '0000') <= day && dayOf(a.cancelledDate, '9999') > day)
      .map((a) => Number(a.quantity));
  }
  const rows = sims.autotask.contractServiceUnits
    .filter((u) => u.contractID === agreementId && u.serviceID === PRODUCT_ID.autotask && String(u.startDate).slice(0, 10) <= day && String(u.endDate).slice(0, 10) >= day)
    .sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)));
  return rows.length > 0 ? [Number(rows[0]?.units)] : [];
}

/** The changes that landed on one agreement or contract: Autotask adjustments, ConnectWise lines added. */
function landed(kind: PsaKind, agreementId: number, day: string): number {
  if (kind === 'autotask') return sims.autotask.adjustments.filter((a) => a.contractID === agreementId).length;
  const seededIds = new Set((JSON.parse(seeded?.additions ?? '[]') as { id: number }[]).map((a) => a.id));
  return sims.connectwise.additions.filter((a) => a.agreementId === agreementId && String(a.effectiveDate).slice(0, 10) === day && !seededIds.has(a.id)).length;
}

const exchangesOf = (kind: PsaKind) => (kind === 'connectwise' ? sims.connectwise.exchanges : sims.autotask.exchanges);
const writesIn = (exchanges: Exchange[]) => exchanges.filter((e) => e.method !== 'GET' && !/\/query$/i.test(e.path));
const PRICE_FIELDS = /"(unitPrice|unitCost|adjustedUnitPrice|adjustedUnitCost|price|cost|extPrice|extCost)"/;

describe.each(['connectwise', 'autotask'] as const)('billing write-back (%s)', (kind) => {
  it('writes only the lines approved, never a price, never into a closed period; undo puts the quantity back', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    // Every drifting customer of the report on that day has its line in the plan.
    const report = JSON.parse((await cli(['billing', '--date', next.effective, '--json', ...at])).out) as DriftReport;
    expect(next.lines.map((l) => l.orgId).sort()).toEqual(report.rows.filter((r) => r.status === 'under-billed' || r.status === 'over-billed').map((r) => r.orgId).sort());
    expect(next.lines.length).toBeGreaterThanOrEqual(6);
    for (const line of next.lines) {
      expect(billedOn(kind, line.agreementId, next.effective)).toEqual([line.from]);
      expect(line.to).toBe(sims.world.customers.find((c) => c.customerId === line.orgId)?.seats);
      expect(line.blocked).toBeNull();
    }
    const before = exchangesOf(kind).length;
    const [first, , third] = next.lines;
    if (!first || !third) throw new Error('the plan is too short');
    const applied = await apply(at, [String(next.id), '--line', `${String(first.line)},${String(third.line)}`]);
    expect(applied.outcomes.map((o) => [o.line, o.outcome])).toEqual([[first.line, 'applied'], [third.line, 'applied']]);
    expect(applied.code).toBe(0);
    // Only the approved lines moved; every other line still bills what it did.
    for (const line of next.lines) {
      const approved = line.line === first.line || line.line === third.line;
      expect(billedOn(kind, line.agreementId, next.effective), line.customer).toEqual([approved ? line.to : line.from]);
    }
    const writes = writesIn(exchangesOf(kind).slice(before));
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.method).not.toMatch(/DELETE|PUT/);
      expect(JSON.stringify(write.requestBody)).not.toMatch(PRICE_FIELDS);
      expect([first.agreementId, third.agreementId].some((id) => write.path.includes(`/${String(id)}/`))).toBe(true);
    }
    expect(checkExchanges(exchangesOf(kind).slice(before))).toEqual([]);
    if (kind === 'autotask') {
      expect(sims.autotask.adjustments).toHaveLength(2);
      expect(sims.autotask.contractNotes.map((n) => n.title)).toEqual([expect.stringMatching(/^Umbrella PSA Sync: seats \d+ -> \d+ from \d{4}-\d{2}-01 \(change 1\)$/), expect.stringMatching(/\(change 2\)$/)]);
    }
    const history = await cli(['history', '--json', ...at]);
    const entities = (JSON.parse(history.out) as { entity: string; changes: { field: string; old: unknown; new: unknown }[] }[]).map((w) => w.entity);
    expect(entities).toContain(kind === 'connectwise' ? 'agreement addition' : 'service adjustment');

    // The same approval again writes nothing.
    const again = await apply(at, [String(next.id), '--line', String(first.line)]);
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['already']);

    // Undo: the quantity the change replaced, from the same day; the change is marked undone.
    const change = applied.outcomes[0]?.change as BillingChange;
    const undone = await cli(['billing', 'undo', String(change.id), ...at]);
    expect(undone.out).toMatch(new RegExp(`^✓ change \\d+, ${first.customer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Applied: .+ now bills ${String(first.from)} \\(read back\\)\\.$`));
    expect(billedOn(kind, first.agreementId, next.effective)).toEqual([first.from]);
    const ledger = JSON.parse((await cli(['billing', 'changes', '--json', ...at])).out) as BillingChange[];
    expect(ledger.find((c) => c.id === change.id)?.state).toBe('undone');
    expect(ledger.find((c) => c.undoOf === change.id)).toMatchObject({ state: 'applied', from: first.to, to: first.from });
    expect((await cli(['billing', 'undo', String(change.id), ...at])).err).toMatch(/is undone, not applied: there is nothing to undo/);

    // Today: the demo's closed period (ConnectWise: invoiced; Autotask: approved and posted) is shown and never written.
    const today = await plan(at, 'today');
    const closed = today.lines.filter((l) => l.blocked !== null);
    expect(closed.map((l) => l.orgId)).toEqual(sims.world.customers.filter((c) => sims.world.billing[c.customerId]?.posted === true).map((c) => c.customerId));
    expect(closed[0]?.blocked).toMatch(kind === 'connectwise' ? /has invoiced the period before \d{4}-\d{2}-01/ : /was approved and posted on/);
    const beforeToday = exchangesOf(kind).length;
    const refused = await apply(at, [String(today.id), '--line', String(closed[0]?.line)]);
    expect(refused.outcomes.map((o) => o.outcome)).toEqual(['refused']);
    expect(refused.code).toBe(1);
    expect(writesIn(exchangesOf(kind).slice(beforeToday))).toEqual([]);
  }, 60_000);

  it('never overwrites a change the PSA made since the plan, and says what to approve', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    const line = next.lines[1];
    if (!line) throw new Error('no line');
    // Someone edits the line in the PSA after the plan was shown.
    if (kind === 'connectwise') {
      for (const a of sims.connectwise.additions) if (a.agreementId === line.agreementId && (a.product as { id: number }).id === PRODUCT_ID.connectwise) a.quantity = line.from + 1;
    } else {
      for (const u of sims.autotask.contractServiceUnits) if (u.contractID === line.agreementId && u.serviceID === PRODUCT_ID.autotask) u.units = line.from + 1;
    }
    const before = exchangesOf(kind).length;
    const result = await apply(at, [String(next.id), '--line', String(line.line)]);
    expect(result.outcomes[0]?.outcome).toBe('refused');
    expect(result.outcomes[0]?.message).toMatch(new RegExp(`bills ${String(line.from + 1)}, not ${String(line.from)} as planned \\(changed since the plan\\): make a new plan`));
    expect(writesIn(exchangesOf(kind).slice(before))).toEqual([]);

    // An agreement cancelled (ConnectWise) or a contract ended (Autotask) since the plan is never written into.
    const ended = next.lines[2];
    if (!ended) throw new Error('no third line');
    if (kind === 'connectwise') {
      const agreement = sims.connectwise.agreements.find((a) => a.id === ended.agreementId);
      if (agreement) Object.assign(agreement, { cancelledFlag: true, agreementStatus: 'Cancelled', dateCancelled: `${new Date().toISOString().slice(0, 10)}T00:00:00Z` });
    } else {
      const contract = sims.autotask.contracts.find((c) => c.id === ended.agreementId);
      if (contract) contract.endDate = `${new Date().toISOString().slice(0, 10)}T00:00:00`;
    }
    const beforeEnded = exchangesOf(kind).length;
    const refusedEnded = await apply(at, [String(next.id), '--line', String(ended.line)]);
    expect(refusedEnded.outcomes[0]?.outcome).toBe('refused');
    expect(refusedEnded.outcomes[0]?.message).toMatch(kind === 'connectwise' ? /agreement \d+ \(Managed Services\) is cancelled: nothing is written into it/ : /contract \d+ \(Managed Services\) is not in force on \d{4}-\d{2}-01/);
    expect(writesIn(exchangesOf(kind).slice(beforeEnded))).toEqual([]);

    for (const [args, error] of [
      [[String(next.id)], /Say which lines to apply: --line 1,3/],
      [[String(next.id), '--line', '99'], new RegExp(`Plan ${String(next.id)} has no line 99`)],
      [['9999', '--all'], /There is no billing plan 9999/],
      [[String(next.id), '--line', '1', '--all'], /Approve either --line/],
      [[String(next.id), '--all', '--within', 'ten'], /--within takes a number of seats \(5\) or a percentage \(10%\)/],
    ] as const) {
      const usage = await cli(['billing', 'apply', ...args, ...at]);
      expect(usage.err).toMatch(error);
      expect(usage.code).toBe(2);
    }
    // --within approves only the small changes.
    const small = await apply(at, [String(next.id), '--all', '--within', '3']);
    expect(small.outcomes.length).toBeGreaterThan(0);
    for (const o of small.outcomes) expect(Math.abs((o.change?.to ?? 0) - (o.change?.from ?? 0))).toBeLessThanOrEqual(3);
  }, 60_000);

  it('a lost answer to the write: the PSA is read, the change is recorded once, nothing is sent again', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    // A line written with a POST: every Autotask line; on ConnectWise one whose agreement prorates (a new dated line).
    const line = next.lines.find((l) => l.method !== 'set-quantity');
    if (!line) throw new Error('no line written with a POST');
    sims.setFaults({ dropCreateResponses: 1 });
    const result = await apply(at, [String(next.id), '--line', String(line.line)]);
    expect(result.outcomes[0]?.outcome).toBe('applied');
    expect(result.outcomes[0]?.message).toMatch(/read back after the answer was lost/);
    expect(landed(kind, line.agreementId, next.effective)).toBe(1);
    expect(billedOn(kind, line.agreementId, next.effective)).toEqual([line.to]);
    if (kind === 'autotask') expect(sims.autotask.contractNotes).toHaveLength(1);
  }, 60_000);

  it('kill -9 after the write was sent: the next process reads the PSA and finds it done, exactly once', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    const line = next.lines.find((l) => l.method !== 'set-quantity');
    if (!line) throw new Error('no line written with a POST');
    sims.setFaults({ holdCreateResponses: 1 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'billing', 'apply', String(next.id), '--line', String(line.line), ...at], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Killed once the PSA has carried the write out and the answer is still on its way.
    for (let i = 0; i < 400 && landed(kind, line.agreementId, next.effective) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(landed(kind, line.agreementId, next.effective)).toBe(1);
    child.kill('SIGKILL');
    await exited;
    const left = JSON.parse((await cli(['billing', 'changes', '--json', ...at])).out) as BillingChange[];
    expect(left.map((c) => c.state)).toEqual(['sending']);

    const result = await apply(at, [String(next.id), '--line', String(line.line)]);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['found', 'already']);
    expect(result.outcomes[0]?.message).toMatch(/Found in the PSA: .+ bills \d+; the earlier attempt landed before its process stopped or its answer was lost\. Nothing sent again\./);
    expect(landed(kind, line.agreementId, next.effective)).toBe(1);
    expect(billedOn(kind, line.agreementId, next.effective)).toEqual([line.to]);
    if (kind === 'autotask') expect(sims.autotask.contractNotes).toHaveLength(1);
  }, 60_000);

  it('two processes applying one plan at once write each line once', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    const run = () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'billing', 'apply', String(next.id), '--all', ...at], { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      child.once('exit', () => { resolve(text); });
    });
    const outputs = await Promise.all([run(), run()]);
    for (const line of next.lines) {
      expect(billedOn(kind, line.agreementId, next.effective), line.customer).toEqual([line.to]);
      if (line.method !== 'set-quantity') expect(landed(kind, line.agreementId, next.effective), line.customer).toBe(1);
      // Applied by exactly one of the two; the other says it was done or in hand.
      const applied = outputs.join('\n').split('\n').filter((l) => l.startsWith(`✓ line ${String(line.line)},`));
      expect(applied, outputs.join('\n')).toHaveLength(1);
    }
    expect(outputs.join('\n')).not.toMatch(/Error|✗|\?/);
  }, 90_000);

  it('after the daily sync: the drift goes into the run, and increases within the tolerance are applied without asking, once', async () => {
    const at = await configured(kind);
    const set = await cli(['configure', '--billing-auto-apply', '5', ...at]);
    expect(set.out).toBe('Saved settings: billing.');
    const settings = openSettingsStore({ dir: at[1] ?? '', log: memoryLogger() }).get().billing;
    expect(settings).toMatchObject({ checkAfterSync: true, autoApply: { enabled: true, maxSeats: 5 } });
    expect((await cli(['configure', '--billing-auto-apply', 'lots', ...at])).err).toMatch(/--billing-auto-apply takes a number of seats/);
    const next = await plan(at, 'next-month');

    const sync = await cli(['sync', ...at]);
    expect(sync.out).toMatch(/^note: Billing on \d{4}-\d{2}-\d{2}: \d+ customers? under-billed \(\d+ seats? not billed\), \d+ customers? over-billed \(\d+ seats? too many\), \d+ to review\.$/m);
    const increases = next.lines.filter((l) => l.to > l.from && l.to - l.from <= 5);
    expect(increases.length).toBeGreaterThan(0);
    expect(sync.out).toMatch(new RegExp(`^note: Billing: ${String(increases.length)} increases? of at most 5 seats applied from ${next.effective} without asking \\(plan \\d+\\)\\.$`, 'm'));
    for (const line of next.lines) {
      const applied = increases.includes(line);
      expect(billedOn(kind, line.agreementId, next.effective), line.customer).toEqual([applied ? line.to : line.from]);
    }
    const runs = JSON.parse((await cli(['status', '--json', ...at])).out) as { runs: { kind: string; billing?: { autoApplied: number; underBilled: { customers: number } } }[] };
    const last = runs.runs.find((r) => r.kind === 'sync');
    expect(last?.billing).toMatchObject({ autoApplied: increases.length });

    // The next day's sync finds them in step from next month: nothing is applied twice.
    const writesBefore = writesIn(exchangesOf(kind)).length;
    const again = await cli(['sync', ...at]);
    expect(again.out).toMatch(/^note: Billing on /m);
    expect(again.out).not.toMatch(/applied from .+ without asking/);
    for (const line of increases) expect(landed(kind, line.agreementId, next.effective) <= 1).toBe(true);
    const billingWrites = writesIn(exchangesOf(kind)).slice(writesBefore).filter((e) => /additions|ServiceAdjustments|Contracts\/\d+\/Notes/i.test(e.path));
    expect(billingWrites).toEqual([]);
  }, 120_000);

  it('a customer billed with another product (an override) is compared and written on that product\'s line', async () => {
    const at = await configured(kind);
    const other = kind === 'connectwise' ? { ref: 'M365-BP', id: 502 } : { ref: 'Microsoft 365 Business Premium', id: 29_684_002 };
    // The demo bills every company with an agreement 10 seats of the other product: an in-step customer becomes over-billed or under-billed there.
    const customer = sims.world.customers.find((c) => sims.world.billing[c.customerId]?.case === 'in-step' && demoMappings(sims, kind)[String(c.customerId)] && !c.isTrial);
    if (!customer) throw new Error('no in-step customer');
    const wrong = await cli(['configure', '--billing-product', other.ref, '--customer', 'Acme', ...at]);
    expect(wrong.err).toMatch(/--customer takes the customer's Umbrella organization id/);
    expect((await cli(['configure', '--customer', String(customer.customerId), ...at])).err).toMatch(/configure --customer goes with --billing-product/);
    const set = await cli(['configure', '--billing-product', other.ref, '--customer', String(customer.customerId), ...at]);
    expect(set.out).toMatch(new RegExp(`^Saved the product that bills customer ${String(customer.customerId)}'s Umbrella seats: .+ \\(${String(other.id)}\\)\\.$`));

    const report = JSON.parse((await cli(['billing', '--json', ...at])).out) as DriftReport;
    const row = report.rows.find((r) => r.orgId === customer.customerId);
    expect(row).toMatchObject({ billed: 10, difference: customer.seats - 10, product: { id: other.id } });
    const next = await plan(at, 'next-month');
    const line = next.lines.find((l) => l.orgId === customer.customerId);
    expect(line).toMatchObject({ productId: other.id, from: 10, to: customer.seats });
    const applied = await apply(at, [String(next.id), '--line', String(line?.line)]);
    expect(applied.outcomes.map((o) => o.outcome)).toEqual(['applied']);
    if (kind === 'connectwise') {
      const lines = sims.connectwise.additions.filter((a) => a.agreementId === line?.agreementId && (a.product as { id: number }).id === other.id && dayOf(a.cancelledDate, '9999') > next.effective && dayOf(a.effectiveDate, '0000') <= next.effective);
      expect(lines.map((a) => a.quantity)).toEqual([customer.seats]);
    } else {
      expect(sims.autotask.adjustments.map((a) => [a.serviceID, a.unitChange])).toEqual([[other.id, customer.seats - 10]]);
    }
    // Its Umbrella line (the default product) was not touched.
    expect(billedOn(kind, line?.agreementId ?? 0, next.effective)).toEqual([customer.seats]);

    expect((await cli(['configure', '--billing-product', 'default', '--customer', String(customer.customerId), ...at])).out).toMatch(/is billed with the product every customer uses/);
    const back = JSON.parse((await cli(['billing', '--json', ...at])).out) as DriftReport;
    expect(back.rows.find((r) => r.orgId === customer.customerId)).toMatchObject({ status: 'in-step', product: null });
  }, 60_000);
});

describe('billing write-back (ConnectWise: a line ended and added)', () => {
  const kind = 'connectwise' as const;
  it('a line ended and not yet replaced (the new line refused) is finished by the next apply, never added twice; one ended by someone else is not', async () => {
    const at = await configured(kind);
    const next = await plan(at, 'next-month');
    const line = next.lines.find((l) => l.method === 'end-and-add');
    if (!line) throw new Error('no line ended and added');
    sims.connectwise.server.failNext(/\/additions$/, { status: 503, method: 'POST' });
    const first = await apply(at, [String(next.id), '--line', String(line.line)]);
    expect(first.outcomes.map((o) => o.outcome)).toEqual(['unknown']);
    expect(first.outcomes[0]?.message).toMatch(/^Half done \(.+\): the next "billing apply" finishes change \d+ from what the PSA holds\.$/);
    expect(billedOn(kind, line.agreementId, next.effective)).toEqual([]);
    // The same process (the app) or another one: the change is finished from what the PSA holds.
    const second = await apply(at, [String(next.id), '--line', String(line.line)]);
    expect(second.outcomes.map((o) => o.outcome)).toEqual(['applied', 'already']);
    expect(billedOn(kind, line.agreementId, next.effective)).toEqual([line.to]);
    expect(landed(kind, line.agreementId, next.effective)).toBe(1);
    // A line someone else ended on the day since the plan is not "finished" by this app: refused.
    const later = await plan(at, 'next-month');
    const other = later.lines.find((l) => l.method === 'end-and-add');
    if (!other) throw new Error('no other line ended and added');
    const planned = sims.connectwise.additions.find((a) => a.id === other.lineId);
    if (planned) planned.cancelledDate = `${later.effective}T00:00:00Z`;
    const refused = await apply(at, [String(later.id), '--line', String(other.line)]);
    expect(refused.outcomes.map((o) => o.outcome)).toEqual(['refused']);
    expect(refused.outcomes[0]?.message).toMatch(/the line was ended on \d{4}-\d{2}-01 since the plan/);
    expect(landed(kind, other.agreementId, later.effective)).toBe(0);
  }, 60_000);

});
