/**
 * Approved billing write-back. A plan (per drifting customer: the PSA line, what it bills on the effective day,
 * Umbrella's seats, how the change would be written, or why it cannot be) is saved and shown; the administrator
 * approves lines of it; each approved line is recorded in the billing ledger before anything is sent, written,
 * read back and recorded in the audit trail. The PSA decides every doubt: a line is re-read before it is written
 * (changed since the plan: refused), and after an error, a lost answer or a crash the units in force say whether
 * the change landed. Nothing is sent twice, and two processes never write one line at once (the ledger's lock).
 */
import path from 'node:path';
import type { ApplyOutcome, BillingChange, BillingPlan, BillingPlanLine, EffectiveChoice, PsaWrite } from '../../../preload/contract';
import { companyKey } from '../../adapters/psa/adapter';
import type { BillingWriter, LineTarget, SeatChange } from '../../adapters/psa/billing';
import { openBillingLedger, PLAN_VALID_MS, type BillingLedger, type ChangeIntent } from '../../adapters/store/billing-ledger';
import { describeError, NotConfiguredError } from '../../domain/errors';
import { createBillingClients, type BillingClients, type SyncSetup } from '../setup';
import { readDrift } from './report';

export type { ApplyOutcome, EffectiveChoice };

/** The effective day of a plan: today (UTC), or the first of next month. */
export function effectiveDay(choice: EffectiveChoice, now: Date): string {
  if (choice === 'today') return now.toISOString().slice(0, 10);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

const nowOf = (setup: SyncSetup) => (setup.now ?? (() => new Date()))();

function ledgerOf(setup: SyncSetup): BillingLedger {
  return openBillingLedger({ dir: path.dirname(setup.state.path), historyDays: setup.settings().history.retentionDays, ...(setup.now ? { now: setup.now } : {}) });
}

/** Makes and saves the plan for every drifting customer with one line that can carry it, on the effective day. */
export async function makeBillingPlan(setup: SyncSetup, effective: string, source: 'fresh' | 'recent' = 'fresh'): Promise<BillingPlan> {
  const clients = await createBillingClients(setup);
  const { reader, writer } = clients;
  const { report, companies } = await readDrift(setup, clients, effective, source);
  const { product } = report;
  const lines: BillingPlanLine[] = [];
  let toReview = 0;
  for (const row of [...report.rows].sort((a, b) => a.customer.localeCompare(b.customer))) {
    const [line] = row.lines;
    const company = row.psaCompany ? companies.get(companyKey(row.psaCompany)) : undefined;
    if (row.status !== 'under-billed' && row.status !== 'over-billed') {
      if (row.status !== 'in-step' && row.status !== 'not-mapped' && row.status !== 'trial') toReview++;
      continue;
    }
    if (!line || !company) continue;
    const productId = row.product?.id ?? product.id;
    const reading = await writer.read({ agreementId: line.agreementId, productId, lineId: line.id }, effective);
    lines.push({
      line: lines.length + 1, orgId: row.orgId, customer: row.customer, companyId: company.id, company: company.name,
      agreementId: line.agreementId, lineId: reading.lineId ?? line.id, productId, where: line.where, from: reading.quantity ?? Math.round(line.quantity), to: row.seats,
      method: reading.method, detail: reading.detail, blocked: reading.blocked,
    });
  }
  const ledger = ledgerOf(setup);
  try {
    return ledger.savePlan({ createdAt: nowOf(setup).toISOString(), effective, psa: reader.kind, product: { id: product.id, name: product.name }, lines, toReview });
  } finally {
    ledger.close();
  }
}

/** Which lines of a plan the administrator approves. */
export type Approval = { lines: number[] } | { all: true; within?: { seats: number } | { percent: number } };

function within(line: BillingPlanLine, tolerance: { seats: number } | { percent: number } | undefined): boolean {
  if (!tolerance) return true;
  const difference = Math.abs(line.to - line.from);
  return 'seats' in tolerance ? difference <= tolerance.seats : difference <= (line.from * tolerance.percent) / 100;
}

/** The plan lines an approval names; a line that does not exist is an error, a blocked one is answered as refused. */
export function approvedLines(plan: BillingPlan, approval: Approval): BillingPlanLine[] {
  if ('lines' in approval) {
    const unknown = approval.lines.filter((n) => !plan.lines.some((l) => l.line === n));
    if (unknown.length > 0) {
      throw new NotConfiguredError(`Plan ${String(plan.id)} has no line ${unknown.join(', ')} (it has ${plan.lines.length === 0 ? 'none' : `1 to ${String(plan.lines.length)}`}).`);
    }
    return plan.lines.filter((l) => approval.lines.includes(l.line));
  }
  return plan.lines.filter((l) => l.blocked === null && within(l, approval.within));
}

interface Context {
  writer: BillingWriter;
  ledger: BillingLedger;
  setup: SyncSetup;
}

const noteOf = (change: BillingChange): SeatChange['note'] => {
  const title = `Umbrella PSA Sync: seats ${String(change.from)} -> ${String(change.to)} from ${change.effective} (change ${String(change.id)})`;
  const why = change.undoOf !== null
    ? `Undo of change ${String(change.undoOf)}, as the administrator asked.`
    : `Umbrella bills the MSP for ${String(change.to)} seats of ${change.customer} (Umbrella org ${String(change.orgId)}); the PSA billed ${String(change.from)} on ${change.effective}.${change.planId !== null ? ` Approved in plan ${String(change.planId)}, line ${String(change.planLine)}.` : ''}`;
  return { title, text: `${why} Run ${change.runId}.` };
};

function seatChange(change: BillingChange): SeatChange {
  return {
    target: { agreementId: change.agreementId, productId: change.productId, lineId: change.lineId }, from: change.from, to: change.to,
    effective: change.effective, method: change.method, note: noteOf(change),
    audit: { runId: change.runId, orgId: change.orgId, customer: change.customer, companyId: change.companyId, company: change.company },
  };
}

/**
 * Settles one "sending" change from what the PSA holds: writes it (a fresh claim, or a half-done change being
 * finished), or finds it there, or refuses it. `resuming`: the change was left by a process that stopped.
 */
async function settle(context: Context, change: BillingChange, resuming: boolean): Promise<ApplyOutcome> {
  const { writer, ledger, setup } = context;
  const seat = seatChange(change);
  const base = { line: change.planLine, customer: change.customer };
  const recorded = (write: PsaWrite) => { setup.state.record([write]); };
  const done = async (kind: 'applied' | 'found' | 'not-needed', message: string): Promise<ApplyOutcome> => {
    if (kind !== 'not-needed') await writer.annotate?.(seat, recorded);
    setup.state.flush();
    const settled = ledger.settle(change.id, kind === 'not-needed' ? 'not-needed' : 'applied', message);
    if (change.undoOf !== null && kind !== 'not-needed') ledger.markUndone(change.undoOf, change.id);
    return { ...base, outcome: kind, message, change: settled };
  };
  const refuse = (message: string): ApplyOutcome => {
    setup.state.flush();
    return { ...base, outcome: 'refused', message, change: ledger.settle(change.id, 'refused', message) };
  };
  const target = `${change.where}, from ${change.effective}`;

  const before = await writer.read(seat.target, change.effective);
  if (before.quantity === change.to && !before.halfDone) {
    return resuming
      ? done('found', `Found in the PSA: ${target} bills ${String(change.to)}; the earlier attempt landed before its process stopped or its answer was lost. Nothing sent again.`)
      : done('not-needed', `Nothing written: ${target} already bills ${String(change.to)}.`);
  }
  if (before.blocked !== null) return refuse(`Nothing written: ${before.blocked}.`);
  // A line ended on the day is only this app's unfinished change when this change was already being written.
  if (before.halfDone && !resuming) return refuse(`Nothing written: the line was ended on ${change.effective} since the plan (changed since the plan): make a new plan.`);
  if (!before.halfDone && before.quantity !== change.from) {
    return refuse(`Nothing written: ${target} bills ${before.quantity === null ? 'nothing' : String(before.quantity)}, not ${String(change.from)} as planned (changed since the plan): make a new plan.`);
  }
  if (resuming && !before.halfDone) {
    return refuse(`Nothing written: the earlier attempt did not reach the PSA before its process stopped (${target} still bills ${String(change.from)}); approve it again in a new plan.`);
  }
  try {
    await writer.write(seat, recorded);
  } catch (error) {
    // The outcome is unknown until the PSA is read: it decides, and nothing is sent again blindly.
    const reason = describeError(error);
    let after;
    try {
      after = await writer.read(seat.target, change.effective);
    } catch {
      setup.state.flush();
      return { ...base, outcome: 'unknown', message: `Not confirmed (${reason}), and the PSA could not be read: the next "billing apply" reads it and settles change ${String(change.id)} before anything else is written.`, change };
    }
    if (after.quantity === change.to && !after.halfDone) return done('applied', `Applied: ${target} bills ${String(change.to)} (read back after the answer was lost: ${reason}).`);
    if (after.quantity === change.from && !after.halfDone) return refuse(`Not written (${reason}); the PSA still bills ${String(change.from)}. Approve it again in a new plan.`);
    setup.state.flush();
    return { ...base, outcome: 'unknown', message: `Half done (${reason}): the next "billing apply" finishes change ${String(change.id)} from what the PSA holds.`, change };
  }
  const after = await writer.read(seat.target, change.effective);
  if (after.quantity !== change.to || after.halfDone) {
    setup.state.flush();
    return { ...base, outcome: 'unknown', message: `Written, but ${target} reads ${String(after.quantity)} instead of ${String(change.to)}: the next "billing apply" settles change ${String(change.id)} from what the PSA holds.`, change };
  }
  return done('applied', `Applied: ${target} now bills ${String(change.to)} (read back).`);
}

/** Settles the changes left "sending" by processes that stopped, from what the PSA holds. */
async function settleAbandoned(context: Context): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const change of context.ledger.abandoned()) {
    if (!context.ledger.takeOver(change)) continue;
    try {
      outcomes.push(await settle(context, change, true));
    } finally {
      context.ledger.release(change.id);
    }
  }
  return outcomes;
}

/** Claims a change (recording it before anything is sent) and settles it. */
async function claimAndSettle(context: Context, intent: ChangeIntent): Promise<ApplyOutcome> {
  const base = { line: intent.planLine, customer: intent.customer };
  const claim = context.ledger.claim(intent);
  if ('busy' in claim) {
    return { ...base, outcome: 'busy', change: claim.busy, message: `Not written now: change ${String(claim.busy.id)} (started ${claim.busy.createdAt}) is writing this line in another process; it is settled there, or by the next "billing apply" if that process stopped.` };
  }
  try {
    return await settle(context, claim.claimed, false);
  } finally {
    // Settled, or left "sending" for the next attempt (this process's too) to settle from the PSA.
    context.ledger.release(claim.claimed.id);
  }
}

const runIdOf = (setup: SyncSetup) => `billing-${nowOf(setup).toISOString()}`;

async function withContext<T>(setup: SyncSetup, body: (context: Context, clients: BillingClients) => Promise<T>): Promise<T> {
  const clients = await createBillingClients(setup);
  const ledger = ledgerOf(setup);
  try {
    return await body({ writer: clients.writer, ledger, setup }, clients);
  } finally {
    ledger.close();
  }
}

/** Applies the approved lines of a saved plan; answers, per line, what happened (and first, any change left by a stopped process). */
export async function applyBillingPlan(setup: SyncSetup, planId: number, approval: Approval): Promise<{ plan: BillingPlan; outcomes: ApplyOutcome[] }> {
  return withContext(setup, async (context, clients) => {
    const plan = context.ledger.plan(planId);
    if (!plan) throw new NotConfiguredError(`There is no billing plan ${String(planId)} (plans are kept 30 days): make one with "umbrella-psa-sync billing plan".`);
    const age = nowOf(setup).getTime() - Date.parse(plan.createdAt);
    if (age > PLAN_VALID_MS) throw new NotConfiguredError(`Plan ${String(planId)} was made on ${plan.createdAt}, more than a day ago: seats and the PSA may have changed since; make a new one with "umbrella-psa-sync billing plan".`);
    if (plan.psa !== clients.reader.kind) throw new NotConfiguredError(`Plan ${String(planId)} was made for ${plan.psa}, and the PSA is now ${clients.reader.kind}: make a new plan.`);
    const chosen = approvedLines(plan, approval);
    const outcomes = await settleAbandoned(context);
    const runId = runIdOf(setup);
    for (const line of chosen) {
      const base = { line: line.line, customer: line.customer };
      if (line.blocked !== null) {
        outcomes.push({ ...base, outcome: 'refused', change: null, message: `Not written: ${line.blocked}.` });
        continue;
      }
      const prior = context.ledger.forPlanLine(plan.id, line.line);
      if (prior && prior.state !== 'sending') {
        outcomes.push({ ...base, outcome: 'already', change: prior, message: `Already done: change ${String(prior.id)}, ${prior.state} on ${prior.updatedAt.slice(0, 16).replace('T', ' ')} UTC; see "umbrella-psa-sync billing changes".` });
        continue;
      }
      outcomes.push(await claimAndSettle(context, {
        planId: plan.id, planLine: line.line, psa: plan.psa, orgId: line.orgId, customer: line.customer, companyId: line.companyId, company: line.company,
        agreementId: line.agreementId, lineId: line.lineId, productId: line.productId, where: line.where, from: line.from, to: line.to,
        effective: plan.effective, method: line.method, undoOf: null, runId,
      }));
    }
    return { plan, outcomes };
  });
}

/** Undoes an applied change: the previous quantity on the same effective day (the opposite adjustment on Autotask), itself recorded. */
export async function undoBillingChange(setup: SyncSetup, changeId: number): Promise<ApplyOutcome> {
  return withContext(setup, async (context) => {
    await settleAbandoned(context);
    const original = context.ledger.get(changeId);
    if (!original) throw new NotConfiguredError(`The billing ledger has no change ${String(changeId)}: see "umbrella-psa-sync billing changes".`);
    if (original.undoOf !== null) throw new NotConfiguredError(`Change ${String(changeId)} is itself an undo (of change ${String(original.undoOf)}): make a new plan instead.`);
    if (original.state !== 'applied') throw new NotConfiguredError(`Change ${String(changeId)} is ${original.state}, not applied: there is nothing to undo.`);
    const target: LineTarget = { agreementId: original.agreementId, productId: original.productId, lineId: original.lineId };
    const reading = await context.writer.read(target, original.effective);
    return claimAndSettle(context, {
      ...original, planId: null, planLine: null, lineId: reading.lineId ?? original.lineId, from: original.to, to: original.from, method: reading.method,
      undoOf: original.id, runId: runIdOf(setup),
    });
  });
}

/** The billing ledger, newest first. */
export function billingChanges(setup: SyncSetup, query: { customer?: string; limit?: number } = {}): BillingChange[] {
  const ledger = ledgerOf(setup);
  try {
    return ledger.list(query);
  } finally {
    ledger.close();
  }
}
