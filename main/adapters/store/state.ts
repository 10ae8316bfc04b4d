/**
 * The state file next to the settings: what the app has written to the PSA (configuration ids per
 * org, the ids of the configuration type, questions, product and UDFs), the ticket ledger and
 * window progress, and the run history. A cache of the PSA, never trusted over it.
 *
 * Several processes may share it (the app, the CLI, the service): every write is a read-modify-write
 * of the latest file under an advisory lock (file-lock.ts), and a reader sees another process's
 * writes at its next `get`. Written atomically (temp file + rename, via `atomically`). A damaged
 * file loses only its damaged entries: the rest is kept, the original is moved aside, and the log
 * says what was dropped. Writes are coalesced: `update` writes within `flushMs`; `updateNow` writes
 * before returning, for the moments a crash must not forget (a ticket just created, say).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'atomically';
import { z } from 'zod';
import { RunRecordSchema, type CustomerResult, type RunRecord } from '../../../preload/contract';
import { FIELD_KEYS, type FieldKey } from '../../domain/fields';
import { describeError } from '../../domain/errors';
import { fileStamp as stampOf, noticingLog, withFileErrors, withFileLockSync, type StoreFileOptions } from './file-lock';

export const STATE_FILE = 'state.json';
export const HISTORY_LIMIT = 200;

// Partial: an entry written before a field existed must not invalidate the whole file.
const FieldValuesSchema = z.partialRecord(z.enum(FIELD_KEYS), z.union([z.string(), z.number()]));

export const ConfigurationStateSchema = z.object({
  configurationId: z.number().int(),
  companyId: z.number().int(),
  values: FieldValuesSchema,
  syncedAt: z.string(),
});
export type ConfigurationState = z.infer<typeof ConfigurationStateSchema>;

export const TicketLedgerEntrySchema = z.object({
  ticketId: z.number().int().nullable(),
  /** Set before a create is sent and cleared once its id is stored: a crash in between is reconciled by this marker. */
  pendingMarker: z.string().nullable(),
  lastWindow: z.number(),
  lastCount: z.number(),
});
export type TicketLedgerEntry = z.infer<typeof TicketLedgerEntrySchema>;

export const TicketProgressSchema = z.object({
  /** Start of the last window whose check succeeded for this customer. */
  doneThrough: z.number(),
  /** Why the next window failed, while it is pending a retry. */
  lastError: z.string().optional(),
});
export type TicketProgress = z.infer<typeof TicketProgressSchema>;

export function ledgerKey(psa: string, orgId: number, identityId: number): string {
  return `${psa}:${String(orgId)}:${String(identityId)}`;
}

/** The last real (not dry-run) sync outcome of one customer, for the mapping table. */
export const LastResultSchema = z.object({
  status: z.enum(['created', 'updated', 'unchanged', 'skipped', 'failed']),
  reason: z.string().optional(),
  at: z.string(),
});
export type LastResult = z.infer<typeof LastResultSchema>;

const NamedCountsSchema = z.array(z.object({ name: z.string(), count: z.number() }));

/** A customer's previous-month figures (fields 10-15) as last read, reused until the month is over (domain/monthly-figures.ts). */
export const KeptMonthlyFiguresSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  readAt: z.string(),
  figures: z.object({
    dnsQueriesLastMonth: z.number(), malwareLastMonth: z.number(), botnetLastMonth: z.number(),
    topDomains: NamedCountsSchema, topBlockedDomains: NamedCountsSchema, topCategories: NamedCountsSchema,
  }),
});

/** The Umbrella console's customer list as last read, so that a 4-hourly check need not page through it again. */
export const CachedCustomersSchema = z.object({
  /** Which console (endpoint and API key, hashed) the list belongs to. */
  console: z.string(),
  fetchedAt: z.string(),
  customers: z.array(z.object({ customerId: z.number().int(), customerName: z.string(), seats: z.number().nullable(), packageName: z.string().nullable() })),
});
export type CachedCustomers = z.infer<typeof CachedCustomersSchema>;

export const StateSchema = z.object({
  version: z.literal(1).default(1),
  /** `${psa}:${orgId}` -> what was last written. */
  configurations: z.record(z.string(), ConfigurationStateSchema).default({}),
  connectwiseSchema: z.object({ typeId: z.number().int(), statusId: z.number().int(), questionIds: z.record(z.enum(FIELD_KEYS), z.number().int()) }).nullable().default(null),
  autotaskSchema: z.object({ productId: z.number().int(), udfNames: z.record(z.enum(FIELD_KEYS), z.string()) }).nullable().default(null),
  runs: z.array(RunRecordSchema).default([]),
  /** `${psa}:${orgId}` -> that customer's outcome in the last real sync. */
  lastResults: z.record(z.string(), LastResultSchema).default({}),
  umbrellaCustomers: CachedCustomersSchema.nullable().default(null),
  /** Umbrella org id -> its previous-month figures as last read. */
  monthly: z.record(z.string(), KeptMonthlyFiguresSchema).default({}),
  tickets: z.object({
    /** Start (epoch ms) of the last complete 4-hour window processed; null before the first check. */
    lastProcessedWindow: z.number().nullable().default(null),
    /** `${psa}:${orgId}:${identityId}` -> the ticket we opened, or the create in progress. */
    ledger: z.record(z.string(), TicketLedgerEntrySchema).default({}),
    /** `${psa}:${orgId}` -> how far that customer's botnet check has got (a window counts once its check succeeded). */
    progress: z.record(z.string(), TicketProgressSchema).default({}),
  }).prefault({}),
});
export type AppState = z.infer<typeof StateSchema>;

/**
 * How long the state keeps what it learnt about a customer, an identity or a window that has not come up
 * since: a customer no longer synced (removed from the console, unmapped) and its month's figures, a computer whose ticket has
 * had no hit, a customer no longer checked. Each is only a cache of the PSA (a configuration or an open
 * ticket is looked up there before anything is created), so forgetting it costs a lookup, never a
 * duplicate. Run history: the last HISTORY_LIMIT runs (about four weeks of a sync and six ticket checks a day).
 */
export const STATE_RETENTION_DAYS = 90;

/** Drops the entries older than the retention (see STATE_RETENTION_DAYS); returns how many went. */
export function pruneState(state: AppState, nowMs: number): number {
  const cutoff = nowMs - STATE_RETENTION_DAYS * 86_400_000;
  let dropped = 0;
  const prune = <T>(record: Record<string, T>, old: (entry: T) => boolean) => {
    for (const [key, entry] of Object.entries(record)) {
      if (old(entry)) {
        // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by customer
        delete record[key];
        dropped++;
      }
    }
  };
  const before = (iso: string) => Date.parse(iso) < cutoff;
  prune(state.configurations, (c) => before(c.syncedAt));
  prune(state.lastResults, (r) => before(r.at));
  prune(state.monthly, (m) => before(m.readAt));
  // A create in progress is never forgotten: its marker is how a lost answer is reconciled.
  prune(state.tickets.ledger, (e) => e.pendingMarker === null && e.lastWindow < cutoff);
  prune(state.tickets.progress, (p) => p.doneThrough < cutoff);
  return dropped;
}

export function configurationKey(psa: string, orgId: number): string {
  return `${psa}:${String(orgId)}`;
}

type Change = (state: AppState) => void;

export interface StateStore {
  /** The latest state, another process's writes included. */
  get(): AppState;
  /** Changes the state; written within flushMs. */
  update(change: Change): void;
  /** Changes the latest state and writes it before returning. */
  updateNow(change: Change): void;
  flush(): void;
  close(): void;
  readonly path: string;
  /** Bytes this process has written to the state file since it opened it (the soak and the bench report it). */
  readonly bytesWritten: number;
}

export interface OpenStateOptions extends StoreFileOptions {
  flushMs?: number;
  /** How long a write waits for another process's lock on the file (default 15 s; tests shorten it). */
  lockWaitMs?: number;
}

/**
 * How long ordinary updates (a customer's configuration id and values, window progress) are gathered before
 * the file is written. The file is rewritten whole, so not every second for the length of a sync (hours at
 * 5,000 customers); what a crash loses in between is looked up in the PSA before anything is created. The
 * ticket ledger and run records are written at once (updateNow).
 */
export const DEFAULT_FLUSH_MS = 30_000;

/** A deferred write that failed is tried again after this long, then twice as long, up to a minute. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export function openStateStore(options: OpenStateOptions): StateStore {
  const file = path.join(options.dir, STATE_FILE);
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  if (!readOnly) withFileErrors(file, () => fs.mkdirSync(options.dir, { recursive: true }));
  let state = StateSchema.parse({});
  let seen: string | null = null;
  /** Changes made by `update` and not yet written: re-applied if another process wrote meanwhile. */
  let pending: Change[] = [];
  let timer: NodeJS.Timeout | null = null;
  /** Set while deferred writes keep failing: when the next try is due (ms), and since when. */
  let failing: { retryMs: number; since: number } | null = null;
  let bytesWritten = 0;
  const write = () => {
    const text = JSON.stringify(state);
    writeFileSync(file, text, { mode: 0o600 });
    bytesWritten += Buffer.byteLength(text);
    seen = stampOf(file);
  };

  const reload = (locked: boolean) => {
    const stamp = stampOf(file);
    if (stamp === seen) return;
    const loaded = readState(file);
    if (loaded.damage && !readOnly && !locked) {
      withFileLockSync(file, () => { reload(true); });
      return;
    }
    state = loaded.state;
    seen = stamp;
    if (loaded.damage) {
      if (readOnly) {
        options.log.error(`State file ${file} is damaged (${loaded.damage}); showing what could be read, and changing nothing.`);
      } else {
        const aside = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
        fs.renameSync(file, aside);
        write();
        noticingLog(options).error(
          `State file ${file} was damaged (${loaded.damage}). The original was moved to ${aside}; everything else in it was kept. ` +
            'Configurations and open tickets are looked up in the PSA before anything is created, so nothing is created twice.',
        );
      }
    }
    for (const change of pending) change(state);
  };

  const commit = (change?: Change) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (readOnly) throw new Error('The state file was opened read-only');
    if (!change && pending.length === 0) return;
    withFileLockSync(file, () => {
      reload(true);
      change?.(state);
      pruneState(state, now().getTime());
      write();
      pending = [];
    }, options.lockWaitMs);
    if (failing) {
      options.log.info(`State file ${file} written again after ${String(Math.round((Date.now() - failing.since) / 1000))} s; nothing was lost.`);
      failing = null;
    }
  };

  /**
   * The deferred write runs from a timer, where nothing could catch an error: a failure (the lock held
   * by another process, a full disk) is said once, the changes stay in memory, and the write is tried
   * again later and at the next immediate write or flush. A process that ends still failing says so there.
   */
  const deferredCommit = () => {
    try {
      commit();
    } catch (error) {
      const retryMs = failing ? Math.min(failing.retryMs * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
      if (!failing) {
        options.log.warn(`State file ${file} could not be written (${describeError(error)}); the changes are kept in memory and written when it can be (tried again in ${String(retryMs / 1000)} s).`);
      }
      failing = { retryMs, since: failing?.since ?? Date.now() };
      timer = setTimeout(deferredCommit, retryMs);
      timer.unref();
    }
  };

  reload(false);
  return {
    path: file,
    get bytesWritten() {
      return bytesWritten;
    },
    get: () => {
      reload(false);
      return state;
    },
    update(change) {
      reload(false);
      change(state);
      pending.push(change);
      timer ??= setTimeout(deferredCommit, options.flushMs ?? DEFAULT_FLUSH_MS);
    },
    updateNow(change) {
      commit(change);
    },
    flush: () => { if (!readOnly) commit(); },
    close() {
      if (!readOnly) commit();
      state = StateSchema.parse({});
      seen = null;
    },
  };
}

/** Each entry of a record checked on its own: a damaged one loses only itself. */
function salvageRecord<T extends z.ZodType>(raw: unknown, schema: T, where: string, dropped: string[]): Record<string, z.output<T>> {
  const kept: Record<string, z.output<T>> = {};
  if (raw === undefined) return kept;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    dropped.push(`${where} (not an object)`);
    return kept;
  }
  for (const [key, value] of Object.entries(raw)) {
    const parsed = schema.safeParse(value);
    if (parsed.success) kept[key] = parsed.data;
    else dropped.push(`${where}.${key} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  return kept;
}

function salvageValue<T extends z.ZodType>(raw: unknown, schema: T, where: string, dropped: string[]): z.output<T> | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  dropped.push(`${where} (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return undefined;
}

/** Everything valid in a parsed state file, and what had to be dropped. */
export function salvageState(raw: unknown): { state: AppState; dropped: string[] } {
  const dropped: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { state: StateSchema.parse({}), dropped: ['the whole file (not a JSON object)'] };
  const input = raw as Record<string, unknown>;
  const shape = StateSchema.shape;
  const tickets = (typeof input.tickets === 'object' && input.tickets !== null ? input.tickets : {}) as Record<string, unknown>;
  const ticketShape = shape.tickets.unwrap().shape;
  const runs = Array.isArray(input.runs) ? input.runs.flatMap((run, i) => {
    const parsed = RunRecordSchema.safeParse(run);
    if (parsed.success) return [parsed.data];
    dropped.push(`runs[${String(i)}]`);
    return [];
  }) : (input.runs === undefined ? [] : (dropped.push('runs (not a list)'), []));
  const state = StateSchema.parse({
    configurations: salvageRecord(input.configurations, ConfigurationStateSchema, 'configurations', dropped),
    connectwiseSchema: salvageValue(input.connectwiseSchema, shape.connectwiseSchema, 'connectwiseSchema', dropped),
    autotaskSchema: salvageValue(input.autotaskSchema, shape.autotaskSchema, 'autotaskSchema', dropped),
    runs,
    lastResults: salvageRecord(input.lastResults, LastResultSchema, 'lastResults', dropped),
    umbrellaCustomers: salvageValue(input.umbrellaCustomers, shape.umbrellaCustomers, 'umbrellaCustomers', dropped),
    monthly: salvageRecord(input.monthly, KeptMonthlyFiguresSchema, 'monthly', dropped),
    tickets: {
      lastProcessedWindow: salvageValue(tickets.lastProcessedWindow, ticketShape.lastProcessedWindow, 'tickets.lastProcessedWindow', dropped),
      ledger: salvageRecord(tickets.ledger, TicketLedgerEntrySchema, 'tickets.ledger', dropped),
      progress: salvageRecord(tickets.progress, TicketProgressSchema, 'tickets.progress', dropped),
    },
  });
  return { state, dropped };
}

function readState(file: string): { state: AppState; damage: string | null } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: StateSchema.parse({}), damage: null };
    if (code === 'EISDIR') return { state: StateSchema.parse({}), damage: 'it is a folder, not a file' };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { state: StateSchema.parse({}), damage: `not valid JSON: ${describeError(error)}; nothing in it could be kept` };
  }
  const { state, dropped } = salvageState(raw);
  if (dropped.length === 0) return { state, damage: null };
  const list = dropped.length > 5 ? `${dropped.slice(0, 5).join(', ')} and ${String(dropped.length - 5)} more` : dropped.join(', ');
  return { state, damage: `dropped ${String(dropped.length)} invalid entr${dropped.length === 1 ? 'y' : 'ies'}: ${list}` };
}

export type { FieldKey, CustomerResult, RunRecord };
export { RunRecordSchema };
