/**
 * A customer's configuration entry (what was last written to its PSA configuration) as its audit rows imply it.
 *
 * A sync's result for a customer is the audit row of the configuration it wrote: the configuration id, the
 * company, the run and every field that changed, with its new value. Written beside it, the entry would cost
 * a page or more of its own in each customer's transaction (about 800 bytes of values for a page of 1 KB, and a
 * rebalance of its neighbours when its size changes), for what the row already says. So an entry that the
 * audit row reproduces exactly is not written again: the store reads it as the entry last written plus the audit
 * rows after it, and folds those rows into the entries every few syncs (state-database.ts).
 */
import type { WrittenField } from '../../../preload/contract';
import { FIELD_KEYS, type FieldKey } from '../../domain/fields';
import type { ConfigurationState } from './state';

/** What replaying needs of an audit row (a row read back, or a write about to be recorded). */
export interface ConfigurationWrite {
  psa: string;
  orgId: number | null;
  companyId: number | null;
  entity: string;
  entityId: string | null;
  action: string;
  changes: readonly WrittenField[];
  runId: string | null;
}

const SYNC_RUN = 'sync-';
const FIELDS: ReadonlySet<string> = new Set(FIELD_KEYS);
const isField = (field: string): field is FieldKey => FIELDS.has(field);

/** The configurations key (`${psa}:${orgId}`) an audit row speaks for, or null for any other write. */
export function overlayKey(write: Pick<ConfigurationWrite, 'entity' | 'psa' | 'orgId'>): string | null {
  return write.entity === 'configuration' && write.orgId !== null ? `${write.psa}:${String(write.orgId)}` : null;
}

/**
 * The entry after `write`, from the entry before it, or null where the row does not say it whole: an update
 * of an entry not known (or of another configuration or company), a row of no sync run, a field emptied or not
 * one of the 16. Checked by hand rather than by schema: a start replays a week of rows for every customer.
 */
export function replayConfiguration(before: ConfigurationState | null, write: ConfigurationWrite): ConfigurationState | null {
  const { companyId, entityId, runId } = write;
  if (overlayKey(write) === null || companyId === null || entityId === null || !runId?.startsWith(SYNC_RUN)) return null;
  const configurationId = Number(entityId);
  const syncedAt = runId.slice(SYNC_RUN.length);
  if (!Number.isSafeInteger(configurationId) || !Number.isSafeInteger(companyId) || Number.isNaN(Date.parse(syncedAt))) return null;
  let values: ConfigurationState['values'];
  if (write.action === 'created') {
    values = {};
  } else if (write.action === 'updated' && before?.configurationId === configurationId && before.companyId === companyId) {
    values = { ...before.values };
  } else {
    return null;
  }
  for (const change of write.changes) {
    const value: unknown = change.new;
    if (!isField(change.field) || (typeof value !== 'string' && typeof value !== 'number')) return null;
    values[change.field] = value;
  }
  return { configurationId, companyId, values, syncedAt };
}

/** An audit row's field changes as stored (JSON), or null if they are not a list of changes. */
export function storedChanges(text: string): WrittenField[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const valid = parsed.every((c: unknown) => {
    if (typeof c !== 'object' || c === null) return false;
    const { field, new: value } = c as Record<string, unknown>;
    return typeof field === 'string' && (typeof value === 'string' || typeof value === 'number' || value === null);
  });
  return valid ? (parsed as WrittenField[]) : null;
}
