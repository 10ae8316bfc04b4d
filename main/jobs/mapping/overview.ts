/** The customer mapping table's data: every Umbrella customer, its mapping, a suggestion, and the PSA's companies. */
import type { CustomerOverview } from '../../../preload/contract';
import { configurationKey } from '../../adapters/store/state';
import { createVendorClients, type PsaClients, type SyncSetup } from '../setup';
import { CustomerCache } from '../../adapters/umbrella/customer-cache';
import { suggestMappings, type Candidate } from './suggest';

/** The PSA's companies as the mapping refers to them: ConnectWise by identifier, Autotask by id. */
export async function psaCompanies(psa: PsaClients): Promise<Candidate[]> {
  return psa.kind === 'connectwise'
    ? (await psa.client.listCompanies()).map((c) => ({ reference: c.identifier, name: c.name, active: c.deletedFlag !== true && !/inactive/i.test(c.status?.name ?? '') }))
    : (await psa.client.listCompanies()).map((c) => ({ reference: String(c.id), name: c.companyName, active: c.isActive }));
}

export async function customerOverview(setup: SyncSetup): Promise<CustomerOverview> {
  const { settings, umbrella, psa } = await createVendorClients(setup);
  const [customers, companies] = await Promise.all([new CustomerCache(umbrella, setup.state, setup.now).fresh(), psaCompanies(psa)]);
  const mappings = settings.mappings;
  const lastResults = setup.state.get().lastResults;
  const mapped = new Set(Object.values(mappings).flatMap((m) => (m.psaCompany ? [m.psaCompany.toLowerCase()] : [])));
  const open = customers.filter((c) => {
    const mapping = mappings[String(c.customerId)];
    return !mapping?.psaCompany && !mapping?.excluded;
  });
  const suggestions = new Map(suggestMappings(open.map((c) => ({ orgId: c.customerId, name: c.customerName })), companies, mapped).map((s) => [s.orgId, s]));
  return {
    psa: psa.kind,
    customers: customers.map((c) => {
      const mapping = mappings[String(c.customerId)];
      const suggestion = suggestions.get(c.customerId);
      const lastResult = lastResults[configurationKey(psa.kind, c.customerId)];
      return {
        orgId: c.customerId, name: c.customerName, seats: c.seats, psaCompany: mapping?.psaCompany ?? null, excluded: mapping?.excluded ?? false,
        suggestion: suggestion ? { reference: suggestion.reference, name: suggestion.name, confidence: suggestion.confidence } : null,
        lastResult: lastResult ?? null,
      };
    }),
    companies,
  };
}
