/** The seat drift report as CSV (`billing --csv` and the Billing screen's export), with the spreadsheet rules of the other exports. */
import type { DriftReport } from './contract';
import { toSpreadsheetCsv } from './spreadsheet-csv';

export const BILLING_CSV_COLUMNS = ['umbrella_org_id', 'customer', 'psa_company', 'umbrella_seats', 'psa_billed', 'difference', 'status', 'detail'] as const;

export function billingCsv(report: DriftReport): string {
  return toSpreadsheetCsv(BILLING_CSV_COLUMNS, report.rows.map((r) => [
    String(r.orgId), r.customer, r.psaCompany ?? '', String(r.seats), r.billed === null ? '' : String(r.billed), r.difference === null ? '' : String(r.difference), r.status, r.detail,
  ]));
}
