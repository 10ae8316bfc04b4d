/**
 * What the sync engine needs from a PSA. ConnectWise and Autotask differences live behind this
 * interface; the engine never branches on the PSA kind.
 */
import type { PsaKind } from '../../../preload/contract';
import { chunks, groupBy } from '../../domain/collections';
import type { FieldValues } from '../../domain/fields';

export interface PsaCompany {
  id: number;
  name: string;
  active: boolean;
}

export interface ExistingConfiguration {
  id: number;
  values: Partial<FieldValues>;
}

export interface PrepareResult {
  /** What was adopted or created (or would be, in a dry run), for the run log. */
  notes: string[];
  /** False when the PSA is not ready for writes (a dry run before the type or product exists). */
  ready: boolean;
}

/** A failure that stops the whole run (e.g. no default configuration status), with the fix. */
export class PsaSetupError extends Error {
  override readonly name = 'PsaSetupError';
}

/** The tenant's shared API budget as last read, and the time paused for it (Autotask; ConnectWise has none to read). */
export interface PsaApiUsage {
  usage: { used: number; limit: number; cap: number; at: string } | null;
  pausedMs: number;
}
export const NO_API_USAGE: PsaApiUsage = { usage: null, pausedMs: 0 };

/** The run note for time paused to keep the tenant within its share of the hourly API budget, or null. */
export function budgetNote(pausedMs: number, usage: PsaApiUsage['usage']): string | null {
  if (pausedMs <= 0 || !usage) return null;
  return `Paused ${String(Math.round(pausedMs / 1000))} s: the PSA tenant's API usage reached ${String(Math.round(usage.cap * 100))}% of its ${String(usage.limit)} requests an hour (shared by every integration; this app stays under that share).`;
}

export interface PsaSyncAdapter {
  readonly kind: PsaKind;
  /** Ensures the configuration type and questions (CW) or product and UDFs (Autotask) exist. */
  prepare(dryRun: boolean): Promise<PrepareResult>;
  /** Every company, keyed by the reference a mapping holds (CW identifier, lower-cased; Autotask id). */
  companies(): Promise<Map<string, PsaCompany>>;
  /** The configuration in the PSA for this company: by the id we stored, else by searching. */
  readConfiguration(company: PsaCompany, knownId: number | null): Promise<ExistingConfiguration | null>;
  /**
   * What readConfiguration(company, null) answers, for many companies in a few requests (their ids in one
   * filter): each company's configuration, or null where it has none. Before prepare() has found the
   * type (CW) or product (Autotask), every company has none.
   */
  readConfigurations(companies: readonly PsaCompany[]): Promise<Map<number, ExistingConfiguration | null>>;
  /** Creates the configuration; a create whose answer was lost is found again, never repeated blindly. */
  createConfiguration(company: PsaCompany, values: FieldValues): Promise<number>;
  /** Writes all 16 values; 'missing' when the configuration no longer exists. */
  updateConfiguration(id: number, company: PsaCompany, values: FieldValues): Promise<'updated' | 'missing'>;
  /** Requests sent so far. */
  requestCount(): number;
  apiUsage(): PsaApiUsage;
}

/** The reference form a mapping is compared in. */
export function companyKey(reference: string): string {
  return reference.trim().toLowerCase();
}

/**
 * readConfigurations for any PSA: the companies' ids `perQuery` at a time through `find`, the answers grouped by
 * company and each company's one picked as readConfiguration picks it; null where a company has none.
 */
export async function configurationsByCompany<T>(
  companies: readonly PsaCompany[], perQuery: number, find: (ids: number[]) => Promise<T[]>, companyOf: (item: T) => number,
  pick: (items: T[]) => ExistingConfiguration | null,
): Promise<Map<number, ExistingConfiguration | null>> {
  const found = new Map<number, ExistingConfiguration | null>(companies.map((c) => [c.id, null]));
  for (const ids of chunks([...found.keys()], perQuery)) {
    for (const [companyId, items] of groupBy(await find(ids), companyOf)) found.set(companyId, pick(items));
  }
  return found;
}
