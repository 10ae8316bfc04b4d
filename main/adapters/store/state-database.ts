/**
 * The state database (state.db, SQLite through node:sqlite) beside settings.json, shared by the app, the
 * CLI and the service. WAL, so readers never wait for a writer; a busy timeout, so that writers wait for
 * each other instead of failing. Each change is written at once in its own short transaction holding only
 * the rows it changed (a customer's result, a ledger entry) and the PSA writes it records, so a kill -9
 * loses at most the change being written. Another process's writes are seen at the next `get`
 * (PRAGMA data_version says when there are any).
 *
 * The first open imports a state.json written by an earlier version (state-file.ts) and keeps it as
 * state.json.migrated. A database that cannot be opened or fails its integrity check is moved aside with
 * a notice, and the app starts from an empty one: configurations and open tickets are looked up in the
 * PSA before anything is created, so nothing is created twice. An entry that fails its schema loses only
 * itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { PsaWriteRecordSchema, WrittenFieldSchema } from '../../../preload/contract';
import { describeError } from '../../domain/errors';
import { overlayKey, replayConfiguration, storedChanges } from './configuration-overlay';
import { noticingLog, withFileErrors, type StoreFileOptions } from './file-lock';
import {
  ConfigurationStateSchema, HISTORY_LIMIT, type ConfigurationState, KeptMonthlyFiguresSchema, LastResultSchema, pruneState, RunRecordSchema, StateSchema,
  TicketLedgerEntrySchema, TicketProgressSchema, type AppState, type HistoryQuery, type PsaWrite,
  type PsaWriteRecord, type RunRecord, type StateChange, type StateStore,
} from './state';
import { LEGACY_STATE_FILE, readLegacyState } from './state-file';
import { threadBytesWritten } from './write-meter';

export const STATE_DATABASE = 'state.db';
/** How long the run history and the audit trail are kept unless the settings say otherwise. */
export const DEFAULT_HISTORY_DAYS = 365;

export interface OpenStateOptions extends StoreFileOptions {
  /** How long a write waits for another process's transaction (default 15 s; tests shorten it). */
  lockWaitMs?: number;
  /** Days the run history and the audit trail are kept (default DEFAULT_HISTORY_DAYS); asked at each daily pruning, so a changed setting applies. */
  historyDays?: () => number;
}

/** A change that could not be written is tried again after this long, then twice as long, up to a minute. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
/**
 * Page size of a new database (an existing one keeps its own). A transaction writes each page it changes whole,
 * and a customer's result is an audit row of 200 to 600 bytes, so small pages write least: measured, a steady
 * sync 1.4 KB per customer at 512 bytes, 1.8 at 1 KB, 2.8 at 2 KB.
 */
const PAGE_SIZE = 512;
const WAL_LIMIT_BYTES = 4 * 1024 * 1024;
/** Retention is applied at a process's first write and then once a day. */
const PRUNE_EVERY_MS = 86_400_000;
/**
 * The audit rows that stand for configuration entries are folded into the entries once there are this many per
 * entry (about a week of daily syncs): what reading the configurations costs stays bounded, and the fold, which
 * writes each entry once, is spread over that many syncs.
 */
export const FOLD_AFTER_ROWS_PER_ENTRY = 8;
/** ...and not before this many rows in all: a few hundred customers' rows cost little to read. */
const FOLD_AFTER_ROWS_AT_LEAST = 800;
const FOLDED_THROUGH = 'configurationsThrough';
/** The schema version that added the columns above (a read-only opening may find an older database). */
const OVERLAY_SCHEMA = 3;

/** The schema, one step per version (PRAGMA user_version); a step is never changed once released. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE entries (id INTEGER PRIMARY KEY, section TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, UNIQUE (section, key));
   CREATE TABLE runs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL, record TEXT NOT NULL);
   CREATE INDEX runs_started ON runs (started_at);
   CREATE TABLE psa_writes (
     id INTEGER PRIMARY KEY, at TEXT NOT NULL, run_id TEXT, psa TEXT NOT NULL, org_id INTEGER, customer TEXT,
     company_id INTEGER, company TEXT, entity TEXT NOT NULL, entity_id TEXT, action TEXT NOT NULL, changes TEXT NOT NULL, detail TEXT);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Billing write-back: the plans shown to the administrator, and the ledger of seat changes (billing-ledger.ts).
  `CREATE TABLE billing_plans (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, plan TEXT NOT NULL);
   CREATE TABLE billing_changes (
     id INTEGER PRIMARY KEY, line_key TEXT NOT NULL, plan_id INTEGER, plan_line INTEGER, psa TEXT NOT NULL, org_id INTEGER NOT NULL,
     customer TEXT NOT NULL, company_id INTEGER NOT NULL, company TEXT NOT NULL, agreement_id INTEGER NOT NULL, line_id INTEGER NOT NULL,
     product_id INTEGER NOT NULL, line_where TEXT NOT NULL, from_qty INTEGER NOT NULL, to_qty INTEGER NOT NULL, effective TEXT NOT NULL,
     method TEXT NOT NULL, state TEXT NOT NULL, owner TEXT, undo_of INTEGER, run_id TEXT NOT NULL, created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL, detail TEXT);
   CREATE UNIQUE INDEX billing_changes_in_flight ON billing_changes (line_key) WHERE state = 'sending';
   CREATE INDEX billing_changes_plan ON billing_changes (plan_id, plan_line);`,
  // A configuration entry that its audit row reproduces is not written beside it (configuration-overlay.ts): the row
  // says so (holds_entry), an entry written whole says which rows it already holds (as_of), and the rows up to
  // configurationsThrough are folded into the entries.
  `ALTER TABLE entries ADD COLUMN as_of INTEGER;
   ALTER TABLE psa_writes ADD COLUMN holds_entry INTEGER;
   INSERT INTO meta (key, value) SELECT 'configurationsThrough', CAST(COALESCE(MAX(id), 0) AS TEXT) FROM psa_writes;`,
];

type Records = Pick<AppState, 'configurations' | 'lastResults' | 'monthly'> & Pick<AppState['tickets'], 'ledger' | 'progress'>;

/** The keyed parts of the state: one row per entry. */
const RECORD_SECTIONS: { [K in keyof Records]: { schema: z.ZodType<Records[K][string]>; of: (s: AppState) => Records[K] } } = {
  configurations: { schema: ConfigurationStateSchema, of: (s) => s.configurations },
  lastResults: { schema: LastResultSchema, of: (s) => s.lastResults },
  monthly: { schema: KeptMonthlyFiguresSchema, of: (s) => s.monthly },
  ledger: { schema: TicketLedgerEntrySchema, of: (s) => s.tickets.ledger },
  progress: { schema: TicketProgressSchema, of: (s) => s.tickets.progress },
};
type RecordSection = keyof Records;
const RECORD_NAMES = Object.keys(RECORD_SECTIONS) as RecordSection[];

/** The single values, one row each in section "single": their schemas. */
const SINGLES = {
  connectwiseSchema: StateSchema.shape.connectwiseSchema,
  autotaskSchema: StateSchema.shape.autotaskSchema,
  umbrellaCustomers: StateSchema.shape.umbrellaCustomers,
  lastProcessedWindow: StateSchema.shape.tickets.unwrap().shape.lastProcessedWindow,
} as const;
type SingleName = keyof typeof SINGLES;
const SINGLE_NAMES = Object.keys(SINGLES) as SingleName[];
const SINGLE = 'single';

/** A single value's schema by the name stored in its row, if this version knows it. */
const singleSchema = (name: string): z.ZodType | undefined => (Object.hasOwn(SINGLES, name) ? SINGLES[name as SingleName] : undefined);

/**
 * What is in the database, as this process last read or wrote it: the object in memory and its stored text, and
 * for a configuration entry's row, the last audit row it holds (the rows after it that hold an entry apply on top).
 */
interface Persisted { ref: unknown; text: string; asOf: number | null }

interface Row { section: string; key: string; value: string }

/** An audit row that stands for a configuration entry, as read back (the table's column types). */
interface OverlayRow {
  id: number; psa: string; org_id: number | null; company_id: number | null; entity: string; entity_id: string | null; action: string; changes: string; run_id: string | null;
}

type StampedWrite = PsaWrite & { at: string };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const stamp = (date: Date) => date.toISOString().replace(/[:.]/g, '-');

/** SQLite's complaint in the user's words, where a user can act on it. */
function whyNotWritten(error: unknown, lockWaitMs: number): string {
  const code = (error as { errcode?: number } | null)?.errcode;
  if (code === 5 || code === 6) return `another process (the app, the CLI or the service) held it for longer than ${String(lockWaitMs / 1000)} s (database is locked)`;
  if (code === 13) return 'the disk is full (SQLITE_FULL); free some space on the disk that holds the settings folder';
  if (code === 8) return 'it is on a read-only file system or is not writable (SQLITE_READONLY)';
  return describeError(error);
}

function isDamage(error: unknown): boolean {
  const code = (error as { errcode?: number } | null)?.errcode;
  // SQLITE_CORRUPT (11), SQLITE_NOTADB (26), SQLITE_CANTOPEN (14: a folder where the file should be).
  if ((error as NodeJS.ErrnoException | null)?.code === 'EISDIR') return true;
  return code === 11 || code === 26 || code === 14 || /file is not a database|malformed|unable to open database file/i.test(describeError(error));
}

/**
 * The database, opened, brought to this version's schema and checked, or the reason it is unusable. The
 * check covers the tables read at start (the state's entries and the run history); the audit trail, which
 * only grows, is not read through at every start.
 */
function openChecked(file: string, readOnly: boolean, lockWaitMs: number): DatabaseSync {
  // Private to the user: SQLite gives its -wal and -shm files the database file's mode.
  if (!readOnly) fs.closeSync(fs.openSync(file, 'a', 0o600));
  const db = new DatabaseSync(file, { readOnly, timeout: lockWaitMs });
  try {
    if (!readOnly) {
      // Small pages (PAGE_SIZE). The WAL is cut back after a big transaction.
      db.exec(`PRAGMA page_size = ${String(PAGE_SIZE)}; PRAGMA journal_mode = WAL; PRAGMA journal_size_limit = ${String(WAL_LIMIT_BYTES)}`);
      migrate(db, file);
    }
    const tables = new Set((db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    for (const table of ['entries', 'runs'].filter((t) => tables.has(t))) {
      const check = db.prepare(`PRAGMA quick_check(${table})`).all() as { quick_check: string }[];
      if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
        throw Object.assign(new Error(`failed its integrity check (${check.slice(0, 3).map((c) => c.quick_check).join('; ')})`), { errcode: 11 });
      }
    }
    db.exec('PRAGMA synchronous = NORMAL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: DatabaseSync, file: string): void {
  const version = () => (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version() === MIGRATIONS.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = version();
    if (from > MIGRATIONS.length) {
      throw new Error(`The state database ${file} was written by a newer version of Umbrella PSA Sync (schema ${String(from)}; this version knows ${String(MIGRATIONS.length)}). Install the newer version again.`);
    }
    for (const step of MIGRATIONS.slice(from)) db.exec(step);
    db.exec(`PRAGMA user_version = ${String(MIGRATIONS.length)}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Another connection to the state database (which openStateStore has opened, brought to this version's schema
 * and checked), for a part that writes at once and on its own: the billing ledger.
 */
export function connectStateDatabase(dir: string, lockWaitMs = 15_000): DatabaseSync {
  return openChecked(path.join(dir, STATE_DATABASE), false, lockWaitMs);
}

export function openStateStore(options: OpenStateOptions): StateStore {
  const file = path.join(options.dir, STATE_DATABASE);
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  const lockWaitMs = options.lockWaitMs ?? 15_000;
  const historyDays = options.historyDays ?? (() => DEFAULT_HISTORY_DAYS);
  const log = noticingLog(options);

  const open = (): DatabaseSync | null => {
    if (readOnly) {
      if (!fs.existsSync(file)) return null;
      try {
        return openChecked(file, true, lockWaitMs);
      } catch (error) {
        options.log.error(`State database ${file} cannot be read (${describeError(error)}); showing nothing from it, and changing nothing.`);
        return null;
      }
    }
    withFileErrors(file, () => fs.mkdirSync(options.dir, { recursive: true }));
    try {
      return openChecked(file, false, lockWaitMs);
    } catch (error) {
      if (!isDamage(error)) throw error;
      const aside = `${file}.corrupt-${stamp(now())}`;
      for (const suffix of ['', '-wal', '-shm']) {
        try {
          fs.renameSync(`${file}${suffix}`, `${aside}${suffix}`);
        } catch (moveError) {
          if ((moveError as NodeJS.ErrnoException).code !== 'ENOENT') throw moveError;
        }
      }
      log.error(
        `State database ${file} was damaged (${describeError(error)}). It was moved to ${aside} and a new one started; ` +
          'configurations and open tickets are looked up in the PSA before anything is created, so nothing is created twice.',
      );
      return openChecked(file, false, lockWaitMs);
    }
  };

  let db = open();
  /** Whether the database has the configuration rows' columns (schema 3): a read-only opening of an older one reads it as it was. */
  const overlaySchema = db !== null && (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version >= OVERLAY_SCHEMA;
  /** The statements this store runs again and again (every read checks data_version; every write upserts), prepared once. */
  const statements = new Map<string, StatementSync>();
  const sql = (handle: DatabaseSync, text: string): StatementSync => {
    let prepared = statements.get(text);
    if (!prepared) {
      prepared = handle.prepare(text);
      statements.set(text, prepared);
    }
    return prepared;
  };
  /** Changes when another connection (another process) commits; never for this connection's own writes. */
  const currentVersion = (handle: DatabaseSync) => (sql(handle, 'PRAGMA data_version').get() as { data_version: number }).data_version;
  const persisted = new Map<string, Map<string, Persisted>>([...RECORD_NAMES, SINGLE].map((s) => [s, new Map()]));
  /** Ids of the runs in `state.runs` that are in the database, and the runs given and not yet written. */
  let storedRuns = new Set<string>();
  const unsavedRuns = new Map<string, RunRecord>();
  let dataVersion = db ? currentVersion(db) : -1;
  /** Changes made in memory and not yet written: re-applied if another process writes meanwhile. */
  let pending: StateChange[] = [];
  /** PSA writes not yet in the database, each stamped when it was recorded. */
  let pendingWrites: StampedWrite[] = [];
  const stamped = (writes: readonly PsaWrite[]): StampedWrite[] => { const at = now().toISOString(); return writes.map((write) => ({ ...write, at })); };
  let retry: { timer: NodeJS.Timeout; retryMs: number; since: number } | null = null;
  let bytesWritten = 0;
  let lastPrune = 0;
  /** A state.json not imported yet, shown by a read-only opening (status) where there is no database. */
  let legacy: AppState | null = null;

  const metered = <T>(body: () => T): T => {
    const before = threadBytesWritten();
    try {
      return body();
    } finally {
      bytesWritten += threadBytesWritten() - before;
    }
  };

  /**
   * The parts of the state, each read from the database when first used (a command that shows the run
   * history never reads 5,000 configurations) and again after another process has written.
   */
  let parts: Partial<Records> & { singles?: Pick<AppState, 'connectwiseSchema' | 'autotaskSchema' | 'umbrellaCustomers'> & { lastProcessedWindow: number | null }; runs?: RunRecord[] } = {};

  const reportDropped = (handle: DatabaseSync, dropped: (Row & { why: string })[]) => {
    if (dropped.length === 0) return;
    const list = dropped.slice(0, 5).map((d) => `${d.section}.${d.key} (${d.why})`).join(', ');
    const more = dropped.length > 5 ? ` and ${String(dropped.length - 5)} more` : '';
    if (readOnly) {
      options.log.error(`State database ${file}: ${String(dropped.length)} invalid entr${dropped.length === 1 ? 'y' : 'ies'} not shown: ${list}${more}.`);
      return;
    }
    const remove = sql(handle, 'DELETE FROM entries WHERE section = ? AND key = ? AND value = ?');
    for (const d of dropped) remove.run(d.section, d.key, d.value);
    log.error(
      `State database ${file}: dropped ${String(dropped.length)} invalid entr${dropped.length === 1 ? 'y' : 'ies'}: ${list}${more}; everything else was kept. ` +
        'Configurations and open tickets are looked up in the PSA before anything is created, so nothing is created twice.',
    );
  };

  /**
   * One section's rows, each checked against its schema: an invalid one is dropped (and deleted, when writable).
   * `known`: the rows as last read, reused where unchanged.
   */
  const loadSection = (section: string, schemaFor: (key: string) => z.ZodType | undefined, known: ReadonlyMap<string, Persisted> | undefined): Map<string, Persisted> => {
    const loaded = new Map<string, Persisted>();
    if (!db) return loaded;
    const dropped: (Row & { why: string })[] = [];
    for (const row of sql(db, `SELECT key, value, ${overlaySchema ? 'as_of' : 'NULL AS as_of'} FROM entries WHERE section = ?`).all(section) as unknown as (Omit<Row, 'section'> & { as_of: number | null })[]) {
      const same = known?.get(row.key);
      if (same?.text === row.value && same.asOf === row.as_of) {
        loaded.set(row.key, same);
        continue;
      }
      const schema = schemaFor(row.key);
      if (!schema) {
        dropped.push({ section, ...row, why: 'not known to this version' });
        continue;
      }
      let parsed: z.ZodSafeParseResult<unknown>;
      try {
        parsed = schema.safeParse(JSON.parse(row.value));
      } catch (error) {
        dropped.push({ section, ...row, why: `not valid JSON: ${describeError(error)}` });
        continue;
      }
      if (!parsed.success) {
        dropped.push({ section, ...row, why: parsed.error.issues[0]?.message ?? 'invalid' });
        continue;
      }
      loaded.set(row.key, { ref: deepFreeze(parsed.data), text: row.value, asOf: row.as_of });
    }
    reportDropped(db, dropped);
    return loaded;
  };

  /** The configuration entries' rows as last read (persisted holds the entries they and the audit rows after them make). */
  let configurationRows = new Map<string, Persisted>();
  /** The entries as last replayed: from the rows folded through `folded`, and the audit rows up to `lastId`. */
  let replayed: { folded: number; lastId: number; entries: Map<string, Persisted> } | null = null;
  const sameRows = (a: ReadonlyMap<string, Persisted>, b: ReadonlyMap<string, Persisted>) =>
    a.size === b.size && [...b].every(([key, row]) => { const known = a.get(key); return known?.text === row.text && known.asOf === row.asOf; });
  const foldedThrough = (handle: DatabaseSync) => Number((sql(handle, `SELECT value FROM meta WHERE key = '${FOLDED_THROUGH}'`).get() as { value: string } | undefined)?.value ?? 0);
  const lastAuditId = (handle: DatabaseSync) => (sql(handle, 'SELECT COALESCE(MAX(id), 0) AS id FROM psa_writes').get() as { id: number }).id;

  /**
   * The configuration entries: each row, and on top of it the audit rows after it that hold an entry (written
   * since the last fold). A row that cannot be replayed (damaged) leaves its customer unknown: its configuration is
   * looked up in the PSA before anything is created.
   */
  const loadConfigurations = (handle: DatabaseSync): Map<string, Persisted> => {
    const rowsBefore = configurationRows;
    configurationRows = loadSection('configurations', () => ConfigurationStateSchema, configurationRows);
    if (!overlaySchema) return new Map(configurationRows);
    const folded = foldedThrough(handle);
    // Where only audit rows were added since the last reading (a sync under way in another process), only those are read.
    const since = replayed?.folded === folded && sameRows(rowsBefore, configurationRows) ? replayed : null;
    const entries = new Map<string, Persisted>(since?.entries ?? configurationRows);
    let lastId = since?.lastId ?? folded;
    /** Each customer's entry after the rows read now (null: a row could not say it). */
    const replayedNow = new Map<string, ConfigurationState | null>();
    const overlay = sql(handle, 'SELECT id, psa, org_id, company_id, entity, entity_id, action, changes, run_id FROM psa_writes WHERE id > ? AND holds_entry = 1 ORDER BY id');
    for (const row of overlay.all(lastId) as unknown as OverlayRow[]) {
      lastId = row.id;
      const key = overlayKey({ entity: row.entity, psa: row.psa, orgId: row.org_id });
      if (key === null || row.id <= (configurationRows.get(key)?.asOf ?? 0)) continue;
      const changes = storedChanges(row.changes);
      const before = (replayedNow.has(key) ? replayedNow.get(key) : (entries.get(key)?.ref as ConfigurationState | undefined)) ?? null;
      replayedNow.set(key, changes && replayConfiguration(before, {
        psa: row.psa, orgId: row.org_id, companyId: row.company_id, entity: row.entity, entityId: row.entity_id, action: row.action, changes, runId: row.run_id,
      }));
    }
    for (const [key, entry] of replayedNow) {
      if (entry) entries.set(key, { ref: deepFreeze(entry), text: JSON.stringify(entry), asOf: null });
      else entries.delete(key);
    }
    // The map is also what this process's own writes update (persisted): replaying its rows again gives the same entries.
    replayed = { folded, lastId, entries };
    return entries;
  };

  /**
   * Writes the configuration entries that audit rows stand for, whole, and marks those rows folded: each entry is
   * written once for all the syncs since the last fold. Returns how many entries it wrote.
   */
  const fold = (handle: DatabaseSync): number => {
    const through = lastAuditId(handle);
    if (through <= foldedThrough(handle)) return 0;
    const entries = loadConfigurations(handle);
    persisted.set('configurations', entries);
    const upsert = sql(handle, "INSERT INTO entries (section, key, value, as_of) VALUES ('configurations', ?, ?, ?) ON CONFLICT (section, key) DO UPDATE SET value = excluded.value, as_of = excluded.as_of");
    let written = 0;
    for (const [key, entry] of entries) {
      if (configurationRows.get(key)?.ref === entry.ref) continue;
      upsert.run(key, entry.text, through);
      configurationRows.set(key, { ...entry, asOf: through });
      written++;
    }
    const remove = sql(handle, "DELETE FROM entries WHERE section = 'configurations' AND key = ?");
    for (const key of configurationRows.keys()) {
      if (entries.has(key)) continue;
      remove.run(key);
      configurationRows.delete(key);
    }
    sql(handle, `UPDATE meta SET value = ? WHERE key = '${FOLDED_THROUGH}'`).run(String(through));
    replayed = { folded: through, lastId: through, entries };
    return written;
  };

  const legacyState = () => {
    if (legacy === null) {
      const file = path.join(options.dir, LEGACY_STATE_FILE);
      legacy = !db && readOnly && fs.existsSync(file) ? readLegacyState(file).state : StateSchema.parse({});
    }
    return legacy;
  };

  function recordsOf<K extends RecordSection>(name: K): Records[K] {
    const cached = parts[name];
    if (cached) return cached;
    const record: Record<string, unknown> = db ? {} : { ...RECORD_SECTIONS[name].of(legacyState()) };
    if (db) {
      const loaded = name === 'configurations' ? loadConfigurations(db) : loadSection(name, () => RECORD_SECTIONS[name].schema, persisted.get(name));
      persisted.set(name, loaded);
      for (const [key, entry] of loaded) record[key] = entry.ref;
    }
    parts[name] = record as Records[K];
    return record as Records[K];
  }

  const singles = () => {
    if (parts.singles) return parts.singles;
    const loaded = db ? loadSection(SINGLE, singleSchema, persisted.get(SINGLE)) : null;
    if (loaded) persisted.set(SINGLE, loaded);
    const value = <T>(name: SingleName, fallback: T): T => (loaded ? (loaded.get(name)?.ref as T | undefined) ?? fallback : fallback);
    const old = legacyState();
    parts.singles = {
      connectwiseSchema: value('connectwiseSchema', old.connectwiseSchema),
      autotaskSchema: value('autotaskSchema', old.autotaskSchema),
      umbrellaCustomers: value('umbrellaCustomers', old.umbrellaCustomers),
      lastProcessedWindow: value('lastProcessedWindow', old.tickets.lastProcessedWindow),
    };
    return parts.singles;
  };

  const runsOf = (): RunRecord[] => {
    if (parts.runs) return parts.runs;
    const runs: RunRecord[] = [];
    if (db) {
      for (const { record } of sql(db, 'SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(HISTORY_LIMIT) as { record: string }[]) {
        try {
          const parsed = RunRecordSchema.safeParse(JSON.parse(record));
          if (parsed.success) runs.push(deepFreeze(parsed.data));
        } catch {
          // A damaged run record is left out of the list; the rest stays.
        }
      }
    } else {
      runs.push(...legacyState().runs);
    }
    parts.runs = runs;
    storedRuns = new Set(runs.map((r) => r.id));
    return runs;
  };

  const tickets: AppState['tickets'] = {
    get ledger() { return recordsOf('ledger'); },
    set ledger(value) { parts.ledger = value; },
    get progress() { return recordsOf('progress'); },
    set progress(value) { parts.progress = value; },
    get lastProcessedWindow() { return singles().lastProcessedWindow; },
    set lastProcessedWindow(value) { singles().lastProcessedWindow = value; },
  };
  const state: AppState = {
    version: 1,
    get configurations() { return recordsOf('configurations'); },
    set configurations(value) { parts.configurations = value; },
    get lastResults() { return recordsOf('lastResults'); },
    set lastResults(value) { parts.lastResults = value; },
    get monthly() { return recordsOf('monthly'); },
    set monthly(value) { parts.monthly = value; },
    get connectwiseSchema() { return singles().connectwiseSchema; },
    set connectwiseSchema(value) { singles().connectwiseSchema = value; },
    get autotaskSchema() { return singles().autotaskSchema; },
    set autotaskSchema(value) { singles().autotaskSchema = value; },
    get umbrellaCustomers() { return singles().umbrellaCustomers; },
    set umbrellaCustomers(value) { singles().umbrellaCustomers = value; },
    get runs() { return runsOf(); },
    set runs(value) {
      runsOf();
      // A run is kept until written even if the list in memory has already let it go (HISTORY_LIMIT).
      for (const run of value) if (!storedRuns.has(run.id)) unsavedRuns.set(run.id, run);
      parts.runs = value;
    },
    get tickets() { return tickets; },
    set tickets(value) { Object.assign(tickets, value); },
  };

  /** Forgets what was read if another process has written since: each part is read again when next used. */
  const refresh = (handle: DatabaseSync) => {
    const version = currentVersion(handle);
    if (version === dataVersion) return;
    dataVersion = version;
    parts = {};
    for (const change of pending) change(state);
  };

  /** The rows that differ from what is stored: upserts and deletes, and the runs not yet stored. */
  const differences = () => {
    const upserts: { section: string; key: string; text: string; ref: unknown }[] = [];
    const deletes: { section: string; key: string }[] = [];
    for (const section of RECORD_NAMES) {
      const record = parts[section] as Record<string, unknown> | undefined;
      if (!record) continue;
      const stored = persisted.get(section) ?? new Map<string, Persisted>();
      for (const [key, ref] of Object.entries(record)) {
        const known = stored.get(key);
        if (known?.ref === ref) continue;
        const text = JSON.stringify(ref);
        if (known?.text !== text) upserts.push({ section, key, text, ref });
      }
      for (const key of stored.keys()) if (!(key in record)) deletes.push({ section, key });
    }
    const storedSingles = persisted.get(SINGLE) ?? new Map<string, Persisted>();
    const singleValues = parts.singles;
    for (const name of singleValues ? SINGLE_NAMES : []) {
      const ref = singleValues?.[name] ?? null;
      const known = storedSingles.get(name);
      if (known?.ref === ref) continue;
      if (ref === null) {
        if (known) deletes.push({ section: SINGLE, key: name });
        continue;
      }
      const text = JSON.stringify(ref);
      if (known?.text !== text) upserts.push({ section: SINGLE, key: name, text, ref });
    }
    for (const run of parts.runs ?? []) if (!storedRuns.has(run.id)) unsavedRuns.set(run.id, run);
    const runs = [...unsavedRuns.values()];
    return { upserts, deletes, runs };
  };

  const applyRetention = (handle: DatabaseSync) => {
    const nowMs = now().getTime();
    if (nowMs - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = nowMs;
    pruneState(state, nowMs);
    const cutoff = new Date(nowMs - historyDays() * 86_400_000).toISOString();
    // Before the audit trail's retention could take a row that stands for an entry, and once they are many.
    const overlay = sql(handle, 'SELECT COUNT(*) AS rows, MIN(at) AS oldest FROM psa_writes WHERE id > ? AND holds_entry = 1').get(foldedThrough(handle)) as { rows: number; oldest: string | null };
    const entries = Object.keys(state.configurations).length;
    if (overlay.rows >= Math.max(FOLD_AFTER_ROWS_AT_LEAST, FOLD_AFTER_ROWS_PER_ENTRY * entries) || (overlay.oldest !== null && overlay.oldest < cutoff)) fold(handle);
    sql(handle, 'DELETE FROM runs WHERE started_at < ?').run(cutoff);
    state.runs = state.runs.filter((r) => r.startedAt >= cutoff);
    sql(handle, 'DELETE FROM psa_writes WHERE at < ?').run(cutoff);
  };

  /**
   * Inserts the audit rows; returns the configurations whose entry, as `upserts` writes it, an audit row of theirs
   * reproduces from the entry before (configuration-overlay.ts): the row holds it, and the entry is not written.
   */
  const writeAudit = (handle: DatabaseSync, writes: readonly StampedWrite[], upserts: readonly { section: string; key: string; ref: unknown }[]): Set<string> => {
    const held = new Set<string>();
    if (writes.length === 0) return held;
    const entries = new Map(upserts.filter((u) => u.section === 'configurations').map((u) => [u.key, u.ref]));
    const rowsPerEntry = new Map<string, number>();
    for (const w of writes) {
      const key = overlayKey(w);
      if (key !== null) rowsPerEntry.set(key, (rowsPerEntry.get(key) ?? 0) + 1);
    }
    const insert = sql(
      handle,
      'INSERT INTO psa_writes (at, run_id, psa, org_id, customer, company_id, company, entity, entity_id, action, changes, detail, holds_entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const w of writes) {
      const key = overlayKey(w);
      const entry = key !== null && rowsPerEntry.get(key) === 1 ? entries.get(key) : undefined;
      const before = key === null ? undefined : persisted.get('configurations')?.get(key)?.ref as ConfigurationState | undefined;
      const holds = key !== null && entry !== undefined && isDeepStrictEqual(replayConfiguration(before ?? null, w), entry);
      if (holds) held.add(key);
      insert.run(w.at, w.runId, w.psa, w.orgId, w.customer, w.companyId, w.company, w.entity, w.entityId, w.action, JSON.stringify(w.changes), w.detail, holds ? 1 : null);
    }
    return held;
  };

  const writeChanges = (handle: DatabaseSync, writes: readonly StampedWrite[]) => {
    applyRetention(handle);
    const { upserts, deletes, runs } = differences();
    const held = writeAudit(handle, writes, upserts);
    const written = upserts.filter((u) => !(u.section === 'configurations' && held.has(u.key)));
    // A configuration entry written whole holds every audit row so far (those after it apply on top).
    const asOf = written.some((u) => u.section === 'configurations') ? lastAuditId(handle) : null;
    if (written.length > 0) {
      const upsert = sql(handle, 'INSERT INTO entries (section, key, value, as_of) VALUES (?, ?, ?, ?) ON CONFLICT (section, key) DO UPDATE SET value = excluded.value, as_of = excluded.as_of');
      for (const u of written) upsert.run(u.section, u.key, u.text, u.section === 'configurations' ? asOf : null);
    }
    if (deletes.length > 0) {
      const remove = sql(handle, 'DELETE FROM entries WHERE section = ? AND key = ?');
      // A configuration forgotten stays forgotten: the audit rows not folded yet no longer stand for it.
      const release = sql(handle, "UPDATE psa_writes SET holds_entry = NULL WHERE id > ? AND holds_entry = 1 AND psa || ':' || org_id = ?");
      const folded = deletes.some((d) => d.section === 'configurations') ? foldedThrough(handle) : 0;
      for (const d of deletes) {
        remove.run(d.section, d.key);
        if (d.section === 'configurations') release.run(folded, d.key);
      }
    }
    if (runs.length > 0) {
      const insert = sql(handle, 'INSERT OR REPLACE INTO runs (id, kind, started_at, record) VALUES (?, ?, ?, ?)');
      for (const run of runs) insert.run(run.id, run.kind, run.startedAt, JSON.stringify(run));
    }
    return () => {
      for (const u of upserts) persisted.get(u.section)?.set(u.key, { ref: deepFreeze(u.ref), text: u.text, asOf: null });
      for (const u of written) if (u.section === 'configurations') configurationRows.set(u.key, { ref: u.ref, text: u.text, asOf });
      for (const d of deletes) {
        persisted.get(d.section)?.delete(d.key);
        if (d.section === 'configurations') configurationRows.delete(d.key);
      }
      unsavedRuns.clear();
      if (parts.runs) {
        if (parts.runs.length > HISTORY_LIMIT) parts.runs = parts.runs.slice(0, HISTORY_LIMIT);
        storedRuns = new Set(parts.runs.map((r) => r.id));
      }
    };
  };

  /** Applies `change` to the latest state and writes what changed, in one transaction. */
  const commit = (change: StateChange | null, writes: readonly PsaWrite[]) => {
    if (readOnly || !db) throw new Error('The state database was opened read-only');
    const handle = db;
    pendingWrites.push(...stamped(writes));
    metered(() => {
      handle.exec('BEGIN IMMEDIATE');
      try {
        refresh(handle);
        if (change) {
          change(state);
          pending.push(change);
        }
        const done = writeChanges(handle, pendingWrites);
        handle.exec('COMMIT');
        done();
        pending = [];
        pendingWrites = [];
      } catch (error) {
        if (handle.isTransaction) handle.exec('ROLLBACK');
        throw error;
      }
    });
    if (retry) {
      clearTimeout(retry.timer);
      options.log.info(`State database ${file} written again after ${String(Math.round((Date.now() - retry.since) / 1000))} s; nothing was lost.`);
      retry = null;
    }
  };

  /** A change that could not be written stays in memory and is tried again later (and at the next write). */
  const keepForLater = (error: unknown) => {
    const retryMs = retry ? Math.min(retry.retryMs * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
    if (!retry) {
      options.log.warn(`State database ${file} could not be written (${whyNotWritten(error, lockWaitMs)}); the change is kept in memory and written when it can be (tried again in ${String(retryMs / 1000)} s).`);
    } else {
      clearTimeout(retry.timer);
    }
    const timer = setTimeout(writeOrKeep, retryMs);
    timer.unref();
    retry = { timer, retryMs, since: retry?.since ?? Date.now() };
  };

  const unwritten = () => pending.length > 0 || pendingWrites.length > 0;
  /** Writes what is pending now; what cannot be written is kept and tried again later. */
  const writeOrKeep = () => {
    try {
      commit(null, []);
    } catch (error) {
      keepForLater(error);
    }
  };

  /**
   * Writes what update() and record() gathered, before the process does anything else: the changes made in
   * one turn of the event loop (a ticket check marking a hundred quiet customers done) share one transaction,
   * and a kill -9 can still lose only what it could have lost between a change and its write.
   */
  let soon: NodeJS.Immediate | null = null;
  const writeSoon = () => {
    soon ??= setImmediate(() => {
      soon = null;
      if (unwritten()) writeOrKeep();
    });
  };

  /** Keeps a change that could not be written: applied in memory (commit did, or does here if the transaction could not even begin). */
  const keep = (change: StateChange, error: unknown) => {
    if (readOnly) throw error;
    if (!pending.includes(change)) {
      change(state);
      pending.push(change);
    }
    keepForLater(error);
  };

  const importLegacy = (handle: DatabaseSync) => {
    const legacy = path.join(options.dir, LEGACY_STATE_FILE);
    if (handle.prepare("SELECT 1 FROM meta WHERE key = 'legacyImport'").get()) return;
    metered(() => {
      handle.exec('BEGIN IMMEDIATE');
      try {
        if (handle.prepare("SELECT 1 FROM meta WHERE key = 'legacyImport'").get()) {
          handle.exec('COMMIT');
          return;
        }
        let outcome = 'none';
        if (fs.existsSync(legacy)) {
          const { state: imported, damage } = readLegacyState(legacy);
          const { configurations, lastResults, monthly, connectwiseSchema, autotaskSchema, umbrellaCustomers, runs } = imported;
          const { ledger, progress, lastProcessedWindow } = imported.tickets;
          parts = { configurations, lastResults, monthly, ledger, progress, runs, singles: { connectwiseSchema, autotaskSchema, umbrellaCustomers, lastProcessedWindow } };
          storedRuns = new Set();
          writeChanges(handle, [])();
          outcome = `${legacy} at ${now().toISOString()}`;
          if (damage) log.error(`State file ${legacy} was damaged (${damage}); everything else in it was imported.`);
        }
        handle.prepare("INSERT INTO meta (key, value) VALUES ('legacyImport', ?)").run(outcome);
        handle.exec('COMMIT');
      } catch (error) {
        if (handle.isTransaction) handle.exec('ROLLBACK');
        throw error;
      }
    });
    if (fs.existsSync(legacy)) {
      fs.renameSync(legacy, `${legacy}.migrated`);
      options.log.info(`State imported from ${legacy} into ${file}; the original is kept as ${LEGACY_STATE_FILE}.migrated and not read again.`);
    }
  };

  if (db && !readOnly) importLegacy(db);

  const historyRows = (query: HistoryQuery): PsaWriteRecord[] => {
    if (!db) return [];
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    if (query.customer !== undefined) {
      where.push('(CAST(org_id AS TEXT) = ? OR lower(customer) = lower(?))');
      params.push(query.customer, query.customer);
    }
    if (query.since !== undefined) {
      where.push('at >= ?');
      params.push(query.since);
    }
    if (query.runId !== undefined) {
      where.push('run_id = ?');
      params.push(query.runId);
    }
    const sql = `SELECT * FROM psa_writes${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC${query.limit !== undefined ? ' LIMIT ?' : ''}`;
    if (query.limit !== undefined) params.push(query.limit);
    return (db.prepare(sql).all(...params) as unknown[]).flatMap(toWriteRecord);
  };

  return {
    path: file,
    get bytesWritten() {
      return bytesWritten;
    },
    get() {
      if (db) refresh(db);
      return state;
    },
    update(change, writes = []) {
      if (readOnly || !db) throw new Error('The state database was opened read-only');
      refresh(db);
      change(state);
      pending.push(change);
      pendingWrites.push(...stamped(writes));
      writeSoon();
    },
    updateNow(change, writes = []) {
      try {
        commit(change, writes);
      } catch (error) {
        keep(change, error);
        throw new Error(`State database ${file} could not be written: ${whyNotWritten(error, lockWaitMs)}. The change is kept in memory and written when it can be.`, { cause: error });
      }
    },
    record(writes) {
      if (readOnly || !db) throw new Error('The state database was opened read-only');
      pendingWrites.push(...stamped(writes));
      writeSoon();
    },
    flush() {
      if (!readOnly && unwritten()) commit(null, []);
    },
    compact() {
      if (readOnly || !db) throw new Error('The state database was opened read-only');
      const handle = db;
      return metered(() => {
        handle.exec('BEGIN IMMEDIATE');
        try {
          refresh(handle);
          const written = fold(handle);
          handle.exec('COMMIT');
          return written;
        } catch (error) {
          if (handle.isTransaction) handle.exec('ROLLBACK');
          throw error;
        }
      });
    },
    history(query = {}) {
      // What was recorded in this turn is part of the answer (kept back if the database cannot take it now).
      if (!readOnly && db && unwritten()) writeOrKeep();
      return historyRows(query);
    },
    close() {
      if (retry) clearTimeout(retry.timer);
      if (soon) clearImmediate(soon);
      soon = null;
      try {
        if (!readOnly && unwritten()) commit(null, []);
      } finally {
        if (pending.length > 0) options.log.error(`State database ${file}: ${String(pending.length)} change(s) could not be written before closing; they are looked up in the PSA again at the next run.`);
        statements.clear();
        // The last connection's close copies the WAL into the database: written too.
        const handle = db;
        if (handle) metered(() => { handle.close(); });
        db = null;
        parts = {};
        pending = [];
        pendingWrites = [];
      }
    },
  };
}

/** A psa_writes row as SQLite returns it. */
const PsaWriteRowSchema = z.object({
  id: z.number(), at: z.string(), run_id: z.string().nullable(), psa: z.string(), org_id: z.number().nullable(), customer: z.string().nullable(),
  company_id: z.number().nullable(), company: z.string().nullable(), entity: z.string(), entity_id: z.string().nullable(),
  action: z.string(), changes: z.string(), detail: z.string().nullable(),
});

function toWriteRecord(raw: unknown): PsaWriteRecord[] {
  const parsed = PsaWriteRowSchema.safeParse(raw);
  if (!parsed.success) return [];
  const row = parsed.data;
  let changes: PsaWriteRecord['changes'] = [];
  try {
    changes = WrittenFieldSchema.array().catch([]).parse(JSON.parse(row.changes));
  } catch {
    // Shown without its field changes rather than not at all.
  }
  const record = PsaWriteRecordSchema.safeParse({
    id: row.id, at: row.at, runId: row.run_id, psa: row.psa, orgId: row.org_id, customer: row.customer, companyId: row.company_id,
    company: row.company, entity: row.entity, entityId: row.entity_id, action: row.action, changes, detail: row.detail,
  });
  return record.success ? [record.data] : [];
}
