/**
 * The billing ledger in the state database: the plans shown to the administrator, and every seat change the
 * app sends to the PSA, recorded before it is sent. A change in state "sending" is also the lock on its PSA
 * line: one per line at a time, across the app, the CLI and the service (a unique index). A "sending" change
 * whose process is gone (a kill -9, a crash, a lost answer) is taken over by the next process, which reads the
 * PSA to decide whether it landed; nothing is sent blindly twice. Written at once, with a full sync, because
 * the intent must outlive the machine, not only the process.
 */
import os from 'node:os';
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { z } from 'zod';
import { BillingChangeSchema, BillingPlanSchema, type BillingChange, type BillingPlan } from '../../../preload/contract';
import { connectStateDatabase } from './state-database';

/** A plan older than this is not applied: the seats and the PSA have moved on; make a new one. */
export const PLAN_VALID_MS = 24 * 3_600_000;
/** Plans are kept this long (a plan is small; the changes made from it are kept with the history). */
const PLAN_RETENTION_MS = 30 * 86_400_000;
/** A "sending" change not touched for this long is abandoned even if a process with its pid runs (pid reuse). */
const LEASE_MS = 10 * 60_000;

/** What a change is before the ledger records it. */
export type ChangeIntent = Omit<BillingChange, 'id' | 'state' | 'createdAt' | 'updatedAt' | 'detail'>;

export type Claim = { claimed: BillingChange } | { busy: BillingChange };

export interface BillingLedger {
  savePlan(plan: Omit<BillingPlan, 'id'>): BillingPlan;
  /** The plan, or null if there is none with that id (or it was pruned). */
  plan(id: number): BillingPlan | null;
  /** Records the intent as "sending", holding the line; or answers the change that holds it now. */
  claim(intent: ChangeIntent): Claim;
  /** "sending" changes whose process is gone: each must be settled from the PSA before its line is written again. */
  abandoned(): BillingChange[];
  /** Makes this process the owner of an abandoned change; false if another process took it first. */
  takeOver(change: BillingChange): boolean;
  settle(id: number, state: 'applied' | 'not-needed' | 'refused', detail: string): BillingChange;
  /** This process stopped writing the change (settled, or left "sending" for a later attempt to settle from the PSA). */
  release(id: number): void;
  /** Marks an applied change as undone by a later one. */
  markUndone(id: number, undoneBy: number): void;
  /** The change that applied (or is applying) this plan line, if any. */
  forPlanLine(planId: number, line: number): BillingChange | null;
  get(id: number): BillingChange | null;
  list(query?: { customer?: string; limit?: number }): BillingChange[];
  close(): void;
}

export interface OpenLedgerOptions {
  dir: string;
  now?: () => Date;
  /** Days changes are kept (the history retention). */
  historyDays: number;
}

const ChangeRowSchema = z.object({
  id: z.number(), plan_id: z.number().nullable(), plan_line: z.number().nullable(), psa: z.string(), org_id: z.number(), customer: z.string(),
  company_id: z.number(), company: z.string(), agreement_id: z.number(), line_id: z.number(), product_id: z.number(), line_where: z.string(),
  from_qty: z.number(), to_qty: z.number(), effective: z.string(), method: z.string(), state: z.string(), owner: z.string().nullable(),
  undo_of: z.number().nullable(), run_id: z.string(), created_at: z.string(), updated_at: z.string(), detail: z.string().nullable(),
});

/** A row as the ledger reads it: the change, and (for the ledger alone) the process writing it. */
function toRow(raw: unknown): { change: BillingChange; owner: string | null } {
  const row = ChangeRowSchema.parse(raw);
  return {
    change: BillingChangeSchema.parse({
      id: row.id, planId: row.plan_id, planLine: row.plan_line, psa: row.psa, orgId: row.org_id, customer: row.customer, companyId: row.company_id,
      company: row.company, agreementId: row.agreement_id, lineId: row.line_id, productId: row.product_id, where: row.line_where, from: row.from_qty,
      to: row.to_qty, effective: row.effective, method: row.method, state: row.state, undoOf: row.undo_of, runId: row.run_id,
      createdAt: row.created_at, updatedAt: row.updated_at, detail: row.detail,
    }),
    owner: row.owner,
  };
}

/** The PSA line a change writes: one change in flight per line. */
const lineKey = (intent: Pick<ChangeIntent, 'psa' | 'agreementId' | 'productId'>) => `${intent.psa}:${String(intent.agreementId)}:${String(intent.productId)}`;

const toChange = (raw: unknown): BillingChange => toRow(raw).change;

const ME = `${String(process.pid)}@${os.hostname()}`;
/** The changes this process is writing now: one of its own that is not among them was left by an attempt that ended (an error, a lost answer). */
const settling = new Set<number>();

function ownerGone(id: number, owner: string | null, updatedAt: string, nowMs: number): boolean {
  if (owner === ME) return !settling.has(id);
  if (owner === null || nowMs - Date.parse(updatedAt) > LEASE_MS) return true;
  const [pid, host] = owner.split('@');
  if (host !== os.hostname()) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function openBillingLedger(options: OpenLedgerOptions): BillingLedger {
  const now = options.now ?? (() => new Date());
  const db: DatabaseSync = connectStateDatabase(options.dir);
  db.exec('PRAGMA synchronous = FULL');
  const iso = () => now().toISOString();
  const one = (sql: string, ...params: SQLInputValue[]) => {
    const row = db.prepare(sql).get(...params);
    return row ? toChange(row) : null;
  };
  const byId = (id: number) => one('SELECT * FROM billing_changes WHERE id = ?', id);

  {
    const nowMs = now().getTime();
    db.prepare('DELETE FROM billing_plans WHERE created_at < ?').run(new Date(nowMs - PLAN_RETENTION_MS).toISOString());
    db.prepare("DELETE FROM billing_changes WHERE updated_at < ? AND state <> 'sending'").run(new Date(nowMs - options.historyDays * 86_400_000).toISOString());
  }

  return {
    savePlan(plan) {
      const text = JSON.stringify(plan);
      const { lastInsertRowid } = db.prepare('INSERT INTO billing_plans (created_at, plan) VALUES (?, ?)').run(plan.createdAt, text);
      return BillingPlanSchema.parse({ ...plan, id: Number(lastInsertRowid) });
    },
    plan(id) {
      const row = db.prepare('SELECT id, plan FROM billing_plans WHERE id = ?').get(id) as { id: number; plan: string } | undefined;
      if (!row) return null;
      const parsed = BillingPlanSchema.safeParse({ ...(JSON.parse(row.plan) as object), id: row.id });
      return parsed.success ? parsed.data : null;
    },
    claim(intent) {
      const at = iso();
      try {
        const { lastInsertRowid } = db.prepare(
          `INSERT INTO billing_changes (line_key, plan_id, plan_line, psa, org_id, customer, company_id, company, agreement_id, line_id, product_id,
             line_where, from_qty, to_qty, effective, method, state, owner, undo_of, run_id, created_at, updated_at, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?, ?, NULL)`,
        ).run(
          lineKey(intent), intent.planId, intent.planLine, intent.psa, intent.orgId, intent.customer, intent.companyId, intent.company, intent.agreementId,
          intent.lineId, intent.productId, intent.where, intent.from, intent.to, intent.effective, intent.method, ME, intent.undoOf, intent.runId, at, at,
        );
        const claimed = byId(Number(lastInsertRowid));
        if (!claimed) throw new Error('The billing ledger lost a change it had just recorded');
        settling.add(claimed.id);
        return { claimed };
      } catch (error) {
        if ((error as { errcode?: number }).errcode !== 2067) throw error;
        const holder = one("SELECT * FROM billing_changes WHERE line_key = ? AND state = 'sending'", lineKey(intent));
        if (!holder) throw error;
        return { busy: holder };
      }
    },
    abandoned() {
      const nowMs = now().getTime();
      return (db.prepare("SELECT * FROM billing_changes WHERE state = 'sending' ORDER BY id").all() as unknown[]).map(toRow)
        .filter(({ change, owner }) => ownerGone(change.id, owner, change.updatedAt, nowMs)).map(({ change }) => change);
    },
    takeOver(change) {
      const current = db.prepare("SELECT owner FROM billing_changes WHERE id = ? AND state = 'sending'").get(change.id) as { owner: string | null } | undefined;
      if (!current) return false;
      const { changes } = db.prepare("UPDATE billing_changes SET owner = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND owner IS ?").run(ME, iso(), change.id, current.owner);
      if (Number(changes) !== 1) return false;
      settling.add(change.id);
      return true;
    },
    settle(id, state, detail) {
      settling.delete(id);
      db.prepare('UPDATE billing_changes SET state = ?, detail = ?, owner = NULL, updated_at = ? WHERE id = ?').run(state, detail, iso(), id);
      const settled = byId(id);
      if (!settled) throw new Error(`The billing ledger has no change ${String(id)}`);
      return settled;
    },
    release(id) {
      settling.delete(id);
    },
    markUndone(id, undoneBy) {
      db.prepare("UPDATE billing_changes SET state = 'undone', detail = ?, updated_at = ? WHERE id = ? AND state = 'applied'").run(`Undone by change ${String(undoneBy)}.`, iso(), id);
    },
    forPlanLine(planId, line) {
      return one("SELECT * FROM billing_changes WHERE plan_id = ? AND plan_line = ? AND state IN ('sending', 'applied', 'undone') ORDER BY id DESC LIMIT 1", planId, line);
    },
    get: byId,
    list(query = {}) {
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (query.customer !== undefined) {
        where.push('(CAST(org_id AS TEXT) = ? OR lower(customer) = lower(?))');
        params.push(query.customer, query.customer);
      }
      params.push(query.limit ?? -1);
      return (db.prepare(`SELECT * FROM billing_changes${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`).all(...params) as unknown[]).map(toChange);
    },
    close() {
      db.close();
    },
  };
}
