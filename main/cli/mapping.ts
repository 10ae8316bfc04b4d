/**
 * `map`: one customer (checked against Umbrella and the PSA unless --no-check), `map import` and
 * `map export` with the Customers screen's CSV and its checks (all or nothing, each bad line named),
 * and `map suggest` with the Customers screen's suggestions.
 */
import fs from 'node:fs';
import { CONFIDENT_SUGGESTION, OrgIdSchema, type CustomerMapping, type CustomerOverview } from '../../preload/contract';
import { mappingsFromCsv, mappingsToCsv } from '../../preload/mapping-csv';
import { describeError } from '../domain/errors';
import { customerOverview } from '../jobs/mapping/overview';
import type { SettingsStore } from '../adapters/store/settings';
import type { SyncSetup } from '../jobs/setup';
import { UsageError } from './exit-codes';
import { findCompany } from './ticketing';

export interface MapFlags {
  exclude: boolean;
  clear: boolean;
}

/** The mapping entry `map ORG_ID COMPANY|--exclude|--clear` asks for (not yet checked against the vendors). */
export function requestedMapping(orgId: string | undefined, company: string | undefined, flags: MapFlags, current: Record<string, CustomerMapping>): { orgId: string; entry: CustomerMapping } {
  const org = OrgIdSchema.safeParse(orgId);
  if (!org.success) throw new UsageError('map needs an Umbrella organization id (a number), e.g. "map 8100000 AcmeCorp"');
  if (flags.clear) return { orgId: org.data, entry: { psaCompany: null, excluded: false } };
  if (flags.exclude) return { orgId: org.data, entry: { psaCompany: current[org.data]?.psaCompany ?? null, excluded: true } };
  if (!company?.trim()) throw new UsageError('map needs the PSA company: a ConnectWise company identifier or an Autotask company id (see "list companies")');
  return { orgId: org.data, entry: { psaCompany: company.trim(), excluded: false } };
}

export function mappingLine(orgId: string, entry: CustomerMapping, customer?: string): string {
  const who = customer ? `${customer} (${orgId})` : `Customer ${orgId}`;
  return entry.excluded ? `${who} is excluded from the sync.` : entry.psaCompany ? `${who} is mapped to ${entry.psaCompany}.` : `${who} is no longer mapped.`;
}

/** Checks the org against Umbrella's customers and the company against the PSA's, as the Customers screen does. */
export function checkedMapping(overview: CustomerOverview, orgId: string, entry: CustomerMapping): { entry: CustomerMapping; customer: string } {
  const customer = overview.customers.find((c) => String(c.orgId) === orgId);
  if (!customer) throw new UsageError(`Cisco Umbrella has no customer with organization id ${orgId}. Find it with "umbrella-psa-sync list customers", or pass --no-check to save it anyway.`);
  if (entry.psaCompany === null || entry.excluded) return { entry, customer: customer.name };
  const company = findCompany(overview.companies, entry.psaCompany);
  if (!company.active) throw new UsageError(`The PSA company ${company.name} (${company.reference}) is inactive: a sync into it would fail. Activate it in the PSA or choose another.`);
  // Given by name (or in another case): the mapping keeps the reference the sync looks companies up by.
  return { entry: { ...entry, psaCompany: company.reference }, customer: customer.name };
}

export async function mapOne(setup: SyncSetup | null, settings: SettingsStore, request: { orgId: string; entry: CustomerMapping }): Promise<string> {
  if (!setup) {
    settings.setMapping(request.orgId, request.entry);
    return mappingLine(request.orgId, request.entry);
  }
  const { entry, customer } = checkedMapping(await customerOverview(setup), request.orgId, request.entry);
  // Only this customer's entry changes in the latest file (another process may be saving others).
  settings.setMapping(request.orgId, entry);
  return mappingLine(request.orgId, entry, customer);
}

export async function exportMappings(setup: SyncSetup, file: string): Promise<string> {
  const overview = await customerOverview(setup);
  try {
    fs.writeFileSync(file, mappingsToCsv(overview), { encoding: 'utf8' });
  } catch (error) {
    throw new UsageError(`Could not write ${file}: ${describeError(error)}`);
  }
  const mapped = overview.customers.filter((c) => c.psaCompany !== null && !c.excluded).length;
  return `Wrote ${String(overview.customers.length)} customer(s), ${String(mapped)} mapped, to ${file}.`;
}

/** Applies the file only if every line is valid; otherwise names each bad line and saves nothing. */
export async function importMappings(setup: SyncSetup, settings: SettingsStore, file: string): Promise<{ lines: string[]; errors: string[] }> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Could not read ${file}: ${describeError(error)}`);
  }
  const overview = await customerOverview(setup);
  const current = settings.get().mappings;
  const result = mappingsFromCsv(text, { customers: overview.customers, companies: overview.companies, current });
  if (!result.entries) return { lines: [], errors: result.errors.map((e) => `${file}, line ${String(e.line)}: ${e.message}`) };
  settings.setMappings(result.entries);
  const { mapped, cleared, excluded, unchanged } = result.changes;
  return { lines: [`Imported ${file}: ${String(mapped)} mapped, ${String(excluded)} excluded, ${String(cleared)} cleared, ${String(unchanged)} unchanged.`], errors: [] };
}

/** The Customers screen's suggestions for customers not mapped yet; those at or above `acceptAbove` percent are saved. */
export async function suggestMappings(setup: SyncSetup, settings: SettingsStore, acceptAbove: number | null): Promise<string[]> {
  const overview = await customerOverview(setup);
  const companies = new Map(overview.companies.map((c) => [c.reference, c]));
  const open = overview.customers.filter((c) => c.suggestion !== null && c.psaCompany === null && !c.excluded);
  const accepted: Record<string, CustomerMapping> = {};
  const lines = open.map((c) => {
    const suggestion = c.suggestion;
    if (!suggestion) return '';
    const percent = Math.round(suggestion.confidence * 100);
    const inactive = companies.get(suggestion.reference)?.active !== true;
    const take = acceptAbove !== null && percent >= acceptAbove && !inactive;
    if (take) accepted[String(c.orgId)] = { psaCompany: suggestion.reference, excluded: false };
    const marks = [
      ...(inactive ? ['inactive in the PSA: not mapped'] : []),
      ...(suggestion.confidence < CONFIDENT_SUGGESTION ? ['low confidence: check it'] : []),
      ...(take ? ['mapped'] : []),
    ];
    return `${take ? '+' : inactive ? '!' : ' '} ${c.name} [${String(c.orgId)}] -> ${suggestion.name} (${suggestion.reference}): ${String(percent)}%${marks.map((m) => `, ${m}`).join('')}`;
  });
  if (Object.keys(accepted).length > 0) settings.setMappings(accepted);
  const unmatched = overview.customers.filter((c) => c.suggestion === null && c.psaCompany === null && !c.excluded).length;
  lines.push(acceptAbove === null
    ? `${String(open.length)} suggestion(s); ${String(unmatched)} customer(s) without one. Accept with --accept-above PERCENT, or map one by one.`
    : `Mapped ${String(Object.keys(accepted).length)} of ${String(open.length)} suggestion(s) at ${String(acceptAbove)}% or more; ${String(unmatched)} customer(s) without a suggestion.`);
  return lines;
}
