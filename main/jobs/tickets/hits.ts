/**
 * One customer's window: each identity over the threshold becomes a ticket or a note. The PSA decides,
 * not the ledger: before any create, the PSA is searched for an open ticket this app opened for the
 * same customer and identity (its marker starts with both, whatever window opened it); the ledger
 * (customer, identity) -> ticket id only saves that lookup while its ticket is open. A create whose
 * answer was lost is reconciled by its exact marker, never repeated blindly.
 */
import { HttpError } from '../../adapters/http/client';
import { StoppedWaitingError } from '../../adapters/http/rate-limiter';
import type { PsaCompany } from '../../adapters/psa/adapter';
import { ledgerKey, type PsaWrite, type TicketLedgerEntry } from '../../adapters/store/state';
import type { UmbrellaIdentity } from '../../adapters/umbrella/schemas';
import { describeError } from '../../domain/errors';
import { oneLine, psaText } from '../../domain/text';
import { utcText, windowText } from '../../domain/windows';
import type { Placement, Target, TicketAction, TicketDeps } from './types';

export const MARKER_PREFIX = 'umbrella-psa-sync';

/** One customer's check of one window; `stopped` when the run was stopping and it gave up before finishing. */
export interface CustomerCheck { ok: boolean; actions: TicketAction[]; error?: string; stopped?: boolean }

/** A window of one customer, and the botnet category ids its calls ask for. */
/** One customer's window in one check; runId names the check in the audit trail. */
interface WindowScope { target: Target; window: number; end: number; botnet: number[]; runId: string }

type HitDeps = Pick<TicketDeps, 'umbrella' | 'psa' | 'state' | 'threshold'>;

export function ticketSummary(identity: string, customer: string, max = 100): string {
  const full = oneLine(psaText(`Umbrella: botnet activity on ${identity} (${customer})`));
  return full.length <= max ? full : `${full.slice(0, max - 1)}…`;
}

/** The start of every marker of one (customer, identity): `umbrella-psa-sync/<org>/<identity>/`. */
export function markerPrefix(orgId: number, identityId: number): string {
  return `${MARKER_PREFIX}/${String(orgId)}/${String(identityId)}/`;
}

/** One customer, one window: ok when every hit was ticketed, noted or reported as unticketable. */
export async function checkCustomer(deps: HitDeps, scope: WindowScope): Promise<CustomerCheck> {
  const { target: { customer }, window, end, botnet } = scope;
  const base = { orgId: customer.customerId, customer: customer.customerName, window };
  let hits;
  let placement: Placement = { company: null, unmappedReason: null };
  try {
    hits = (await deps.umbrella.topIdentities(customer.customerId, { from: window, to: end }, { verdict: 'blocked', categories: botnet }))
      .filter((row) => row.counts.blockedrequests > deps.threshold());
    // Where the tickets go is asked of the PSA only now that there is one to open.
    if (hits.length > 0) placement = await scope.target.place();
  } catch (error) {
    if (error instanceof StoppedWaitingError) return { ok: false, actions: [], stopped: true };
    const reason = describeError(error);
    return { ok: false, actions: [{ ...base, action: 'failed', reason }], error: reason };
  }
  const { company, unmappedReason } = placement;
  const actions: TicketAction[] = [];
  let error: string | undefined;
  for (const hit of hits) {
    const count = hit.counts.blockedrequests;
    if (!company) {
      actions.push({
        ...base, identity: hit.identity.label, count, action: 'unticketed',
        reason: `${hit.identity.label}: ${String(count)} blocked botnet request(s) in ${windowText(window)} could not be ticketed: ${unmappedReason ?? 'no PSA company'}. Map the customer to an active PSA company, or choose a fallback company in step 3 of the setup wizard ("umbrella-psa-sync configure --fallback-company COMPANY").`,
      });
      continue;
    }
    try {
      actions.push(await handleHit(deps, scope, placement, company, hit.identity, count));
    } catch (e) {
      // Stopping: what was ticketed so far is in the ledger; the window is done again next time, with nothing twice.
      if (e instanceof StoppedWaitingError) return { ok: false, actions, stopped: true };
      error = describeError(e);
      actions.push({ ...base, identity: hit.identity.label, count, action: 'failed', reason: error });
    }
  }
  return { ok: error === undefined, actions, ...(error ? { error } : {}) };
}

/** The ticket's text (and each note's): who, how many, when, and the top blocked domains. */
async function details(deps: HitDeps, scope: WindowScope, unmappedReason: string | null, identity: UmbrellaIdentity, count: number): Promise<string> {
  const { target: { customer }, window, end, botnet } = scope;
  const domains = await deps.umbrella.topDestinations(customer.customerId, { from: window, to: end }, { verdict: 'blocked', categories: botnet, identityIds: [identity.id] }, 10);
  return psaText([
    `Cisco Umbrella blocked ${String(count)} request(s) from ${identity.label} (${identity.type.label ?? identity.type.type}) to botnet (command-and-control) destinations between ${utcText(window)} and ${utcText(end + 1)} UTC.`,
    `Customer: ${customer.customerName} (Umbrella organization ${String(customer.customerId)})`,
    ...(unmappedReason ? [`This ticket is on the fallback company because ${unmappedReason}.`] : []),
    'Top blocked domains:',
    ...domains.map((d) => `  ${d.domain} (${String(d.counts?.blockedrequests ?? d.count)})`),
  ].join('\n'));
}

/** One identity over the threshold: a note on its open ticket, or a new ticket, never a second one. */
async function handleHit(deps: HitDeps, scope: WindowScope, { unmappedReason }: Placement, company: PsaCompany, identity: UmbrellaIdentity, count: number): Promise<TicketAction> {
  const { psa, state } = deps;
  const { target: { customer }, window } = scope;
  const key = ledgerKey(psa.kind, customer.customerId, identity.id);
  const base = { orgId: customer.customerId, customer: customer.customerName, identity: identity.label, window, count };
  const written = (entity: 'ticket' | 'note', ticketId: number, detail: string): PsaWrite => ({
    runId: scope.runId, psa: psa.kind, orgId: customer.customerId, customer: customer.customerName, companyId: company.id, company: company.name,
    entity, entityId: String(ticketId), action: entity === 'ticket' ? 'created' : 'added', changes: [], detail,
  });
  const save = (entry: TicketLedgerEntry, writes: PsaWrite[] = []) => { state.updateNow((s) => { s.tickets.ledger[key] = entry; }, writes); };
  const note = async (ticketId: number, title: string, entry: TicketLedgerEntry) => {
    const noteTitle = oneLine(psaText(title));
    await psa.addNote(ticketId, noteTitle, await details(deps, scope, unmappedReason, identity, count));
    save(entry, [written('note', ticketId, `${identity.label}: ${noteTitle}`)]);
    return { ...base, action: 'noted' as const, ticketId };
  };
  let entry = state.get().tickets.ledger[key];

  // A create that was sent but whose id was never stored (lost answer, crash): find it first.
  if (entry && entry.ticketId === null && entry.pendingMarker) {
    const found = await psa.findTicketByMarker(entry.pendingMarker);
    entry = found === null ? undefined : { ...entry, ticketId: found, pendingMarker: null };
    if (entry) save(entry);
  }

  if (entry?.ticketId != null) {
    const ticketState = await psa.ticketState(entry.ticketId);
    if (ticketState === 'open') {
      if (entry.lastWindow === window) {
        // Already reported for this window (by "Check now" or another process): add only what is new.
        const more = count - entry.lastCount;
        if (more <= 0) return { ...base, action: 'unchanged', ticketId: entry.ticketId };
        return note(entry.ticketId, `Umbrella: ${String(more)} more blocked botnet request(s)`, { ...entry, lastCount: count });
      }
      return note(entry.ticketId, `Umbrella: botnet activity continues on ${identity.label}`, { ...entry, lastWindow: window, lastCount: count });
    }
  }

  // The PSA decides, not the ledger: an open ticket this app opened for the customer and identity,
  // whichever window, process or lost state file it came from, gets the note.
  const prefix = markerPrefix(customer.customerId, identity.id);
  const marker = `${prefix}${String(window)}`;
  const open = await psa.findOpenTicket(prefix);
  if (open) {
    if (open.marker === marker) {
      // Opened for this very window by a run whose ledger entry is gone: its count is unknown, so report nothing twice.
      save({ ticketId: open.id, pendingMarker: null, lastWindow: window, lastCount: count });
      return { ...base, action: 'unchanged', ticketId: open.id };
    }
    return note(open.id, `Umbrella: botnet activity continues on ${identity.label}`, { ticketId: open.id, pendingMarker: null, lastWindow: window, lastCount: count });
  }

  const description = await details(deps, scope, unmappedReason, identity, count);
  save({ ticketId: null, pendingMarker: marker, lastWindow: window, lastCount: count });
  const ticket = { company, summary: ticketSummary(identity.label, customer.customerName), description, marker };
  let ticketId: number;
  try {
    ticketId = await psa.createTicket(ticket);
  } catch (error) {
    if (!(error instanceof HttpError) || !error.outcomeUnknown) throw error;
    // The answer was lost: the ticket may exist. Look before creating (never a blind retry).
    ticketId = (await psa.findTicketByMarker(marker)) ?? (await psa.createTicket(ticket));
  }
  save({ ticketId, pendingMarker: null, lastWindow: window, lastCount: count }, [written('ticket', ticketId, `${identity.label}: ${ticket.summary}`)]);
  return { ...base, action: 'created', ticketId };
}
