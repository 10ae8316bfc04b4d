/** "Send test ticket": a labelled ticket to the PSA company given, or to the first customer mapped to an active company. The ledger is left alone; the audit trail records it. */
import { companyKey, type PsaCompany } from '../../adapters/psa/adapter';
import { NotConfiguredError } from '../../domain/errors';
import type { TicketDeps } from './types';

export async function sendTestTicket(deps: Pick<TicketDeps, 'companies' | 'mappings' | 'psa' | 'state'>, now: Date, reference?: string): Promise<{ ticketId: number; company: PsaCompany }> {
  const companies = await deps.companies();
  let company: PsaCompany | undefined;
  if (reference !== undefined) {
    // By reference (identifier or id), or by the company's exact name when only one has it.
    const named = [...companies.values()].filter((c) => companyKey(c.name) === companyKey(reference));
    company = companies.get(companyKey(reference)) ?? (named.length === 1 ? named[0] : undefined);
    if (!company) throw new NotConfiguredError(`The PSA has no company "${reference}": pick one of the PSA's companies for the test ticket (the wizard's list, or "umbrella-psa-sync list companies").`);
    if (!company.active) throw new NotConfiguredError(`The PSA company "${company.name}" is inactive: pick an active company for the test ticket.`);
  } else {
    const mappings = deps.mappings();
    company = Object.values(mappings).map((m) => (m.psaCompany && !m.excluded ? companies.get(companyKey(m.psaCompany)) : undefined)).find((c) => c?.active);
    if (!company) throw new NotConfiguredError('Pick the PSA company the test ticket goes to (no customer is mapped to an active PSA company yet).');
  }
  const stamp = now.toISOString();
  const summary = '[TEST] Umbrella PSA Sync test ticket - please close';
  const ticketId = await deps.psa.createTicket({
    company,
    summary,
    description: `This is a test ticket sent from Umbrella PSA Sync at ${stamp} to check the ticketing settings (board or queue, status, priority, types). It can be closed.`,
    marker: `umbrella-psa-sync/test/${stamp}`,
  });
  deps.state.record([{
    runId: null, psa: deps.psa.kind, orgId: null, customer: null, companyId: company.id, company: company.name,
    entity: 'ticket', entityId: String(ticketId), action: 'created', changes: [], detail: summary,
  }]);
  return { ticketId, company };
}
