/**
 * What the app remembers next to the settings: what it has written to the PSA (configuration ids per org,
 * the ids of the configuration type, questions, product and UDFs), the ticket ledger and window progress,
 * the run history and the audit trail of every PSA write. A cache of the PSA, never trusted over it.
 *
 * This module is the model (its shapes, keys and retention) and the store's interface; the store itself is
 * the state database (state-database.ts), shared by the app, the CLI and the service.
 */
import { z } from 'zod';
import { RunRecordSchema, type CustomerResult, type PsaKind, type PsaWrite, type PsaWriteRecord, type RunRecord } from '../../../preload/contract';
import { FIELD_KEYS, type FieldKey } from '../../domain/fields';


/** How many of the latest runs `get().runs` holds; the database keeps every run within the history retention. */
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
  customers: z.array(z.object({ customerId: z.number().int(), customerName: z.string(), seats: z.number().nullable(), packageName: z.string().nullable(), trial: z.boolean().nullable().optional() })),
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
 * duplicate. The run history and the audit trail are kept for the history retention instead (a year unless set).
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

export type StateChange = (state: AppState) => void;

export type PsaWriteEntity = PsaWrite['entity'];

export interface HistoryQuery {
  /** An Umbrella org id or a customer's name (any case). */
  customer?: string;
  /** ISO date or time: writes at or after it. */
  since?: string;
  runId?: string;
  /** The newest this many (default: all in the retention). */
  limit?: number;
}

export interface StateStore {
  /** The latest state, another process's writes included. `runs` holds the latest HISTORY_LIMIT runs. */
  get(): AppState;
  /**
   * Changes the state in memory at once, and writes what changed (and the PSA writes it records) before the
   * process does anything else: in one transaction with the other changes of the same turn of the event loop.
   * If the database cannot take it then (another process holding it past the busy timeout, a full disk), the
   * change is kept in memory and written when it can be.
   */
  update(change: StateChange, writes?: readonly PsaWrite[]): void;
  /** Changes and writes before returning (a ticket just created); a change that cannot be written throws (and is kept). */
  updateNow(change: StateChange, writes?: readonly PsaWrite[]): void;
  /** Records PSA writes that change nothing in the state (a test ticket, a question created): as update with no change. */
  record(writes: readonly PsaWrite[]): void;
  /** Writes at once anything not written yet (gathered in this turn, or kept back by a failed write). */
  flush(): void;
  /**
   * Writes whole the configuration entries that audit rows stand for since the last time (done on its own once
   * there are about a week's worth, and before the history retention takes any); returns how many it wrote.
   */
  compact(): number;
  close(): void;
  /** The audit trail, newest first. */
  history(query?: HistoryQuery): PsaWriteRecord[];
  readonly path: string;
  /** Bytes this process has handed to the OS for the state database since it opened it (the soak and the bench report it). */
  readonly bytesWritten: number;
}

export type { FieldKey, CustomerResult, PsaWrite, PsaWriteRecord, RunRecord };
export { RunRecordSchema };

/** A set-up write (the configuration type, a question, the product, a UDF), made for no customer in particular. */
export function setupWrite(psa: PsaKind, entity: PsaWriteEntity, id: number | null, field: string, value: string, detail: string | null = null): PsaWrite {
  return { runId: null, psa, orgId: null, customer: null, companyId: null, company: null, entity, entityId: id === null ? null : String(id), action: 'created', changes: [{ field, old: null, new: value }], detail };
}
