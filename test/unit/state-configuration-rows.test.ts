/**
 * A steady sync's result for a customer is its audit row: the configuration entry that row implies is not written
 * again beside it (state-database.ts, configuration-overlay.ts). What a user relies on: every process reads the
 * entry as last written, through restarts, retention, damage and an older database; and a customer's result costs
 * one small row rather than a rewrite of its whole entry.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import type { ConfigurationState, PsaWrite, StateStore } from '../../main/adapters/store/state';
import { openStateStore, STATE_DATABASE } from '../../main/adapters/store/state-database';
import { tempDir } from '../helpers/fixtures';

const DAY = 86_400_000;
const START = Date.UTC(2026, 11, 2, 0, 5);
const dayAt = (day: number) => new Date(START + day * DAY);
const key = (org: number) => `connectwise:${String(org)}`;
type Values = ConfigurationState['values'];

/**
 * What the sync engine does for one customer on `day`: the PSA received `values`; the old values are the
 * stored ones unless `psaHad` says what the PSA held (a configuration read from the PSA).
 */
function syncCustomer(store: StateStore, org: number, day: number, values: Values, psaHad?: Values): void {
  const runAt = dayAt(day).toISOString();
  const stored = store.get().configurations[key(org)];
  const before = psaHad ?? stored?.values ?? null;
  const fields = Object.keys(values) as (keyof Values)[];
  const changes = fields.filter((f) => before === null || String(before[f] ?? '') !== String(values[f])).map((f) => ({ field: f, old: before?.[f] ?? null, new: values[f] ?? null }));
  const write: PsaWrite = {
    runId: `sync-${runAt}`, psa: 'connectwise', orgId: org, customer: `Customer ${String(org)}`, companyId: 200 + org, company: `Company ${String(org)}`,
    entity: 'configuration', entityId: String(1000 + org), action: before === null ? 'created' : 'updated', changes, detail: null,
  };
  store.updateNow((s) => { s.configurations[key(org)] = { configurationId: 1000 + org, companyId: 200 + org, values, syncedAt: runAt }; }, [write]);
}

const valuesOn = (day: number, seats = 25): Values => ({ organizationId: '8100001', seats, topDomains: 'zoom.us\nslack.com', lastUpdated: `day ${String(day)}` });
const entryOn = (org: number, day: number, values: Values): ConfigurationState => ({ configurationId: 1000 + org, companyId: 200 + org, values, syncedAt: dayAt(day).toISOString() });
const raw = (dir: string) => new DatabaseSync(path.join(dir, STATE_DATABASE));
const open = (dir: string, now = dayAt(0), historyDays = 365) => openStateStore({ dir, log: memoryLogger(), now: () => now, historyDays: () => historyDays });

describe('configuration entries carried by their audit rows', () => {
  it('a customer\'s daily result is its audit row alone: the entry is not rewritten, and another process and a restart read it as written', () => {
    const dir = tempDir();
    const store = open(dir);
    const other = open(dir);
    for (let day = 0; day < 3; day++) {
      syncCustomer(store, 1, day, valuesOn(day));
      // Another process (the app, the CLI) reads each day's entry as it is written.
      expect(other.get().configurations[key(1)]).toEqual(entryOn(1, day, valuesOn(day)));
    }
    const db = raw(dir);
    expect(db.prepare("SELECT count(*) AS n FROM entries WHERE section = 'configurations'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM psa_writes WHERE holds_entry = 1').get()).toEqual({ n: 3 });
    db.close();
    store.close();
    expect(open(dir).get().configurations[key(1)]).toEqual(entryOn(1, 2, valuesOn(2)));
    // The audit trail is the PSA's view, unchanged by what the rows also carry.
    expect(open(dir).history({ customer: '1' }).map((w) => w.changes.map((c) => `${c.field}: ${String(c.old)} -> ${String(c.new)}`))[0]).toEqual(['lastUpdated: day 1 -> day 2']);
  });

  it('a row that does not say the whole entry (values read from the PSA) leaves it written whole, and the rows before it do not apply over it', () => {
    const dir = tempDir();
    const store = open(dir);
    syncCustomer(store, 1, 0, valuesOn(0, 25));
    // The PSA held other values than stored (someone edited it): the row says only what changed from those.
    syncCustomer(store, 1, 1, valuesOn(1, 30), { ...valuesOn(1, 28), lastUpdated: 'day 1' });
    expect(open(dir).get().configurations[key(1)]).toEqual(entryOn(1, 1, valuesOn(1, 30)));
    syncCustomer(store, 1, 2, valuesOn(2, 30));
    store.close();
    expect(open(dir).get().configurations[key(1)]).toEqual(entryOn(1, 2, valuesOn(2, 30)));
  });

  it('folds the rows into the entries on its own after about a week of daily syncs; what is read does not change', () => {
    const dir = tempDir();
    const customers = Array.from({ length: 110 }, (_, i) => i + 1);
    const through = () => {
      const db = raw(dir);
      const row = db.prepare("SELECT value FROM meta WHERE key = 'configurationsThrough'").get() as { value: string };
      db.close();
      return Number(row.value);
    };
    let read: Record<string, ConfigurationState> = {};
    let foldedOn = -1;
    for (let day = 0; day < 10 && foldedOn < 0; day++) {
      // One process a day, as the service's sync does after a restart; retention and folding come at its first write.
      const store = open(dir, dayAt(day));
      for (const org of customers) syncCustomer(store, org, day, valuesOn(day, org));
      if (through() > 0) foldedOn = day;
      read = { ...store.get().configurations };
      store.close();
    }
    // 110 customers: the fold waits for 880 rows (8 a customer), which the 9th day's first write finds.
    expect(foldedOn).toBe(8);
    const db = raw(dir);
    expect(db.prepare("SELECT count(*) AS n FROM entries WHERE section = 'configurations'").get()).toEqual({ n: 110 });
    db.close();
    expect(open(dir).get().configurations).toEqual(read);
    expect(Object.keys(read)).toHaveLength(110);
  });

  it('folds rows before the history retention takes them: a customer synced 40 days ago keeps its entry with a 30-day history', () => {
    const dir = tempDir();
    const store = open(dir, dayAt(0), 30);
    syncCustomer(store, 1, 0, valuesOn(0));
    store.close();
    const later = open(dir, dayAt(40), 30);
    later.updateNow(() => undefined);
    later.close();
    const reopened = open(dir, dayAt(40), 30);
    expect(reopened.history()).toEqual([]);
    expect(reopened.get().configurations[key(1)]).toEqual(entryOn(1, 0, valuesOn(0)));
  });

  it('a customer forgotten after 90 days stays forgotten: its rows still in the history do not bring it back', () => {
    const dir = tempDir();
    const store = open(dir, dayAt(0));
    syncCustomer(store, 1, 0, valuesOn(0));
    syncCustomer(store, 2, 0, valuesOn(0));
    store.close();
    const later = open(dir, dayAt(95));
    syncCustomer(later, 2, 95, valuesOn(95));
    later.close();
    const reopened = open(dir, dayAt(95));
    expect(Object.keys(reopened.get().configurations)).toEqual([key(2)]);
    expect(reopened.history({ customer: '1' })).toHaveLength(1);
  });

  it('a damaged audit row costs at most its own customer\'s entry (looked up in the PSA again), never another\'s', () => {
    const dir = tempDir();
    const store = open(dir);
    for (const day of [0, 1]) for (const org of [1, 2]) syncCustomer(store, org, day, valuesOn(day, org));
    store.close();
    const db = raw(dir);
    db.prepare("UPDATE psa_writes SET changes = '{not json' WHERE org_id = 1 AND run_id = ?").run(`sync-${dayAt(1).toISOString()}`);
    db.close();
    const read = open(dir).get().configurations;
    expect(read[key(2)]).toEqual(entryOn(2, 1, valuesOn(1, 2)));
    expect([undefined, entryOn(1, 1, valuesOn(1, 1))]).toContainEqual(read[key(1)]);
  });

  it('a database written by the previous version keeps its entries as they were; its audit rows are history only', () => {
    const dir = tempDir();
    const db = raw(dir);
    // Schema 2, as the previous version left it: an entry, and an audit row that does not match it.
    db.exec(`CREATE TABLE entries (id INTEGER PRIMARY KEY, section TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (section, key));
      CREATE TABLE runs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL, record TEXT NOT NULL);
      CREATE INDEX runs_started ON runs (started_at);
      CREATE TABLE psa_writes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, run_id TEXT, psa TEXT NOT NULL, org_id INTEGER, customer TEXT,
        company_id INTEGER, company TEXT, entity TEXT NOT NULL, entity_id TEXT, action TEXT NOT NULL, changes TEXT NOT NULL, detail TEXT);
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE billing_plans (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, plan TEXT NOT NULL);
      CREATE TABLE billing_changes (id INTEGER PRIMARY KEY, line_key TEXT NOT NULL, plan_id INTEGER, plan_line INTEGER, psa TEXT NOT NULL, org_id INTEGER NOT NULL,
        customer TEXT NOT NULL, company_id INTEGER NOT NULL, company TEXT NOT NULL, agreement_id INTEGER NOT NULL, line_id INTEGER NOT NULL,
        product_id INTEGER NOT NULL, line_where TEXT NOT NULL, from_qty INTEGER NOT NULL, to_qty INTEGER NOT NULL, effective TEXT NOT NULL,
        method TEXT NOT NULL, state TEXT NOT NULL, owner TEXT, undo_of INTEGER, run_id TEXT NOT NULL, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, detail TEXT);
      INSERT INTO meta (key, value) VALUES ('legacyImport', 'none');
      PRAGMA user_version = 2;`);
    db.prepare("INSERT INTO entries (section, key, value) VALUES ('configurations', ?, ?)").run(key(1), JSON.stringify(entryOn(1, 0, valuesOn(0))));
    db.prepare("INSERT INTO psa_writes (at, run_id, psa, org_id, company_id, entity, entity_id, action, changes) VALUES (?, ?, 'connectwise', 1, 201, 'configuration', '1001', 'created', ?)")
      .run(dayAt(0).toISOString(), `sync-${dayAt(0).toISOString()}`, JSON.stringify([{ field: 'seats', old: null, new: 99 }]));
    db.close();
    // A read-only opening (status) before any writer has brought it to this version's schema.
    expect(openStateStore({ dir, log: memoryLogger(), readOnly: true }).get().configurations[key(1)]).toEqual(entryOn(1, 0, valuesOn(0)));
    const store = open(dir);
    expect(store.get().configurations[key(1)]).toEqual(entryOn(1, 0, valuesOn(0)));
    syncCustomer(store, 1, 1, valuesOn(1));
    store.close();
    const reopened = open(dir);
    expect(reopened.get().configurations[key(1)]).toEqual(entryOn(1, 1, valuesOn(1)));
    expect(reopened.history({ customer: '1' })).toHaveLength(2);
  });
});
