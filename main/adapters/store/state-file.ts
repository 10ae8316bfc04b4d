/**
 * The state file every version before the state database wrote (state.json, one JSON document). Read once,
 * when the database is first opened beside it, with the salvage rules it always had: each entry checked on
 * its own, so a damaged entry loses only itself.
 */
import fs from 'node:fs';
import type { z } from 'zod';
import { describeError } from '../../domain/errors';
import {
  ConfigurationStateSchema, KeptMonthlyFiguresSchema, LastResultSchema, RunRecordSchema, StateSchema, TicketLedgerEntrySchema,
  TicketProgressSchema, type AppState,
} from './state';

export const LEGACY_STATE_FILE = 'state.json';

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

export function readLegacyState(file: string): { state: AppState; damage: string | null } {
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

