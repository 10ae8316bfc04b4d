/**
 * The state file next to the settings: what the app has written to the PSA (configuration ids per
 * org, the ids of the configuration type, questions, product and UDFs) and the run history.
 * zod-validated; written atomically (temp file + rename, via `atomically`, the writer conf uses);
 * an unreadable file is moved aside with a clear log line, never a crash. Writes are coalesced:
 * `update` marks the state dirty and writes within `flushMs`; `updateNow` writes before returning,
 * for the moments a crash must not forget (a ticket just created, say).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'atomically';
import { z } from 'zod';
import { RunRecordSchema, type CustomerResult, type RunRecord } from '../../preload/contract';
import { FIELD_KEYS, type FieldKey } from '../sync/fields';
import { describeError } from '../errors';
import type { Logger } from '../log';

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

export const StateSchema = z.object({
  version: z.literal(1).default(1),
  /** `${psa}:${orgId}` -> what was last written. */
  configurations: z.record(z.string(), ConfigurationStateSchema).default({}),
  connectwiseSchema: z.object({ typeId: z.number().int(), statusId: z.number().int(), questionIds: z.record(z.enum(FIELD_KEYS), z.number().int()) }).nullable().default(null),
  autotaskSchema: z.object({ productId: z.number().int(), udfNames: z.record(z.enum(FIELD_KEYS), z.string()) }).nullable().default(null),
  runs: z.array(RunRecordSchema).default([]),
  /** `${psa}:${orgId}` -> that customer's outcome in the last real sync. */
  lastResults: z.record(z.string(), LastResultSchema).default({}),
  tickets: z.object({
    /** Start (epoch ms) of the last complete 4-hour window processed; null before the first check. */
    lastProcessedWindow: z.number().nullable().default(null),
    /** `${psa}:${orgId}:${identityId}` -> the ticket we opened, or the create in progress. */
    ledger: z.record(z.string(), TicketLedgerEntrySchema).default({}),
  }).prefault({}),
});
export type AppState = z.infer<typeof StateSchema>;

export function configurationKey(psa: string, orgId: number): string {
  return `${psa}:${String(orgId)}`;
}

export interface StateStore {
  get(): AppState;
  /** Changes the state; written within flushMs. */
  update(change: (state: AppState) => void): void;
  /** Changes the state and writes it before returning. */
  updateNow(change: (state: AppState) => void): void;
  flush(): void;
  close(): void;
  readonly path: string;
}

export function openStateStore(options: { dir: string; log: Logger; flushMs?: number; now?: () => Date }): StateStore {
  const file = path.join(options.dir, STATE_FILE);
  const now = options.now ?? (() => new Date());
  fs.mkdirSync(options.dir, { recursive: true });
  let state = read(file, options.log, now);
  let timer: NodeJS.Timeout | null = null;
  let dirty = false;

  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return;
    writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
    dirty = false;
  };

  return {
    path: file,
    get: () => state,
    update(change) {
      change(state);
      dirty = true;
      timer ??= setTimeout(write, options.flushMs ?? 1000);
    },
    updateNow(change) {
      change(state);
      dirty = true;
      write();
    },
    flush: write,
    close() {
      write();
      state = StateSchema.parse({});
    },
  };
}

function read(file: string, log: Logger, now: () => Date): AppState {
  if (!fs.existsSync(file)) return StateSchema.parse({});
  let reason: string;
  try {
    const parsed = StateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    reason = `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`;
  } catch (error) {
    reason = describeError(error);
  }
  const aside = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, aside);
  log.error(
    `State file ${file} could not be read (${reason}). It was moved to ${aside}; the next sync finds existing ` +
      'configurations in the PSA again, so nothing is created twice.',
  );
  return StateSchema.parse({});
}

export type { FieldKey, CustomerResult, RunRecord };
export { RunRecordSchema };
