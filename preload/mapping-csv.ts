/**
 * The customer mapping as CSV, for a spreadsheet round trip. Export writes every Umbrella customer
 * (mapped or not) so the file can be filled in and imported back. Import checks every row against
 * the contract's schemas, Umbrella's customers and the PSA's companies, and applies nothing unless
 * every row is valid; customers the file does not mention keep their mapping.
 */
import { parseSpreadsheetCsv, spreadsheetCell, toSpreadsheetCsv } from './spreadsheet-csv';
import { OrgIdSchema, PsaCompanyRefSchema, type CustomerMapping, type CustomerOverview, type Settings } from './contract';

export const CSV_COLUMNS = ['umbrella_org_id', 'customer', 'psa_company', 'psa_company_name', 'excluded', 'last_sync'] as const;
type Customer = CustomerOverview['customers'][number];
type Company = CustomerOverview['companies'][number];

export function mappingsToCsv(overview: Pick<CustomerOverview, 'customers' | 'companies'>): string {
  const companies = new Map(overview.companies.map((c) => [c.reference.toLowerCase(), c]));
  const data = overview.customers.map((c) => [
    String(c.orgId),
    c.name,
    c.psaCompany ?? '',
    c.psaCompany ? (companies.get(c.psaCompany.toLowerCase())?.name ?? '') : '',
    c.excluded ? 'yes' : 'no',
    c.lastResult ? `${c.lastResult.status} ${c.lastResult.at}` : '',
  ]);
  return toSpreadsheetCsv(CSV_COLUMNS, data);
}

export interface CsvImportResult {
  /** The mapping entries the import changes (the others stay as they are); null when any row is wrong. */
  entries: Settings['mappings'] | null;
  errors: { line: number; message: string }[];
  changes: { mapped: number; cleared: number; excluded: number; unchanged: number };
}

const YES = new Set(['yes', 'y', 'true', '1', 'x']);
const NO = new Set(['no', 'n', 'false', '0', '']);
const HEADER_ALIASES: Record<string, string> = { org_id: 'umbrella_org_id', organization_id: 'umbrella_org_id', umbrella_org: 'umbrella_org_id', company: 'psa_company' };

const header = (name: string) => {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return HEADER_ALIASES[key] ?? key;
};
const cell = spreadsheetCell;

export function mappingsFromCsv(
  text: string,
  context: { customers: readonly Customer[]; companies: readonly Company[]; current: Settings['mappings'] },
): CsvImportResult {
  const errors: CsvImportResult['errors'] = [];
  const changes = { mapped: 0, cleared: 0, excluded: 0, unchanged: 0 };
  const parsed = parseSpreadsheetCsv(text, header);
  const fields = parsed.meta.fields ?? [];
  for (const required of ['umbrella_org_id', 'psa_company']) {
    if (!fields.includes(required)) errors.push({ line: 1, message: `The first line must name the columns; "${required}" is missing (found: ${fields.join(', ') || 'nothing'}). Export the mapping to get a file in the right shape.` });
  }
  if (errors.length > 0) return { entries: null, errors, changes };
  for (const error of parsed.errors) errors.push({ line: (error.row ?? 0) + 2, message: error.message });

  const customers = new Map(context.customers.map((c) => [String(c.orgId), c]));
  const companies = new Map(context.companies.map((c) => [c.reference.toLowerCase(), c]));
  const entries: Settings['mappings'] = {};
  const firstLine = new Map<string, number>();
  parsed.data.forEach((row, index) => {
    const line = index + 2;
    const fail = (message: string) => { errors.push({ line, message }); };
    const orgId = OrgIdSchema.safeParse(cell(row.umbrella_org_id));
    if (!orgId.success) { fail(`"${cell(row.umbrella_org_id)}" is not an Umbrella organization id (a number).`); return; }
    const customer = customers.get(orgId.data);
    if (!customer) { fail(`Umbrella has no customer with organization id ${orgId.data}.`); return; }
    const seen = firstLine.get(orgId.data);
    if (seen !== undefined) { fail(`${customer.name} (${orgId.data}) is already on line ${String(seen)}.`); return; }
    firstLine.set(orgId.data, line);

    const excludedText = cell(row.excluded).toLowerCase();
    if (!YES.has(excludedText) && !NO.has(excludedText)) { fail(`"excluded" must be yes or no, not "${cell(row.excluded)}".`); return; }
    const excluded = YES.has(excludedText);
    const reference = cell(row.psa_company);
    let psaCompany: string | null = null;
    const before: CustomerMapping = context.current[orgId.data] ?? { psaCompany: null, excluded: false };
    if (reference !== '') {
      const ref = PsaCompanyRefSchema.safeParse(reference);
      if (!ref.success) { fail(`${customer.name}: ${ref.error.issues[0]?.message ?? 'invalid PSA company'}.`); return; }
      if (before.psaCompany !== null && ref.data.toLowerCase() === before.psaCompany.toLowerCase()) {
        // Unchanged from what is saved (perhaps offline, with --no-check): kept as it is, whatever the PSA lists now.
        psaCompany = before.psaCompany;
      } else {
        const named = context.companies.filter((c) => c.name.toLowerCase() === ref.data.toLowerCase());
        const company = companies.get(ref.data.toLowerCase()) ?? (named.length === 1 ? named[0] : undefined);
        if (!company) {
          fail(named.length > 1
            ? `${customer.name}: more than one PSA company is named "${ref.data}": use its identifier (ConnectWise) or id (Autotask): ${named.map((c) => c.reference).join(', ')}.`
            : `${customer.name}: the PSA has no company "${ref.data}". Use the company identifier (ConnectWise), the company id (Autotask) or its exact name, as the mapping table or "umbrella-psa-sync list companies" shows them.`);
          return;
        }
        if (!company.active) { fail(`${customer.name}: the PSA company "${company.name}" is inactive: map the customer to an active company.`); return; }
        psaCompany = company.reference;
      }
    }
    const after: CustomerMapping = { psaCompany, excluded };
    if (before.psaCompany === after.psaCompany && before.excluded === after.excluded) { changes.unchanged++; return; }
    if (after.excluded && !before.excluded) changes.excluded++;
    else if (after.psaCompany) changes.mapped++;
    else changes.cleared++;
    entries[orgId.data] = after;
  });
  errors.sort((a, b) => a.line - b.line);
  return { entries: errors.length > 0 ? null : entries, errors, changes };
}
