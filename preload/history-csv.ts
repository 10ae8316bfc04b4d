/**
 * The audit trail as CSV (the `history --csv` command and the window's export): one line per field a write
 * changed, and one line for a write that changed no field (a ticket opened, a note added), so that a
 * spreadsheet can filter and pivot it.
 */
import type { PsaWriteRecord } from './contract';
import { toSpreadsheetCsv } from './spreadsheet-csv';

export const HISTORY_CSV_COLUMNS = [
  'at', 'run', 'psa', 'umbrella_org_id', 'customer', 'psa_company_id', 'psa_company', 'entity', 'entity_id', 'action', 'field', 'old_value', 'new_value', 'detail',
] as const;

const text = (value: string | number | null) => (value === null ? '' : String(value));

/** `fieldLabel` names a field as the PSA shows it (the question or UDF), where the caller knows it. */
export function historyToCsv(records: readonly PsaWriteRecord[], fieldLabel: (field: string) => string = (field) => field): string {
  const rows = records.flatMap((r) => {
    const common = [r.at, text(r.runId), r.psa, text(r.orgId), text(r.customer), text(r.companyId), text(r.company), r.entity, text(r.entityId), r.action];
    if (r.changes.length === 0) return [[...common, '', '', '', text(r.detail)]];
    return r.changes.map((c) => [...common, fieldLabel(c.field), text(c.old), text(c.new), text(r.detail)]);
  });
  return toSpreadsheetCsv(HISTORY_CSV_COLUMNS, rows);
}
