/**
 * Windows and progress: which 4-hour windows a check looks at, which of them each customer still
 * needs (a window is done for a customer only when that customer's check succeeded), which are lost
 * after 48 hours, and where each customer's tickets go.
 */
import { companyKey, type PsaCompany } from '../../adapters/psa/adapter';
import { configurationKey, type AppState } from '../../adapters/store/state';
import type { UmbrellaCustomer } from '../../adapters/umbrella/client';
import { CATCH_UP_MS, WINDOW_MS, windowOf, windowRange } from '../../domain/windows';
import type { Placement, Target, TicketDeps } from './types';

type ProgressDeps = Pick<TicketDeps, 'state' | 'psa'>;

/** The windows no check has looked at yet: complete ones in order (at most 48 h back), or the current partial one. */
export function planWindows(tickets: AppState['tickets'], now: number, checkNow: boolean): { windows: number[]; skipped: number[] } {
  if (checkNow) return { windows: [windowOf(now)], skipped: [] };
  const latestComplete = windowOf(now) - WINDOW_MS;
  const last = tickets.lastProcessedWindow;
  const all = windowRange(last === null ? latestComplete : last + WINDOW_MS, latestComplete);
  const cutoff = now - CATCH_UP_MS;
  return { windows: all.filter((w) => w >= cutoff), skipped: all.filter((w) => w < cutoff) };
}

/** One customer's pending windows: those it has not completed, within 48 hours; older failed ones are lost. */
function customerWindows(deps: ProgressDeps, tickets: AppState['tickets'], orgId: number, now: number, checkNow: boolean): { windows: number[]; lost: number[] } {
  if (checkNow) return { windows: [windowOf(now)], lost: [] };
  const { lastProcessedWindow: frontier, progress } = tickets;
  const latestComplete = windowOf(now) - WINDOW_MS;
  const done = progress[configurationKey(deps.psa.kind, orgId)]?.doneThrough;
  const first = done !== undefined ? done + WINDOW_MS : frontier !== null ? frontier + WINDOW_MS : latestComplete;
  const cutoff = now - CATCH_UP_MS;
  const all = windowRange(first, latestComplete);
  // Older than 48 hours: lost if a check should have covered it (it failed), skipped if none ran then.
  return { windows: all.filter((w) => w >= cutoff), lost: all.filter((w) => w < cutoff && frontier !== null && w <= frontier) };
}

/** Records that a customer is done through a window (or failed after it, with the error). */
export function setProgress(deps: ProgressDeps, orgId: number, doneThrough: number, lastError?: string): void {
  const key = configurationKey(deps.psa.kind, orgId);
  deps.state.update((s) => { s.tickets.progress[key] = { doneThrough, ...(lastError ? { lastError } : {}) }; });
}

/**
 * Every customer that is not excluded, with its windows and where its tickets go. The PSA's company list is
 * read (once, through `companies`) only when a customer has a hit to ticket: a quiet check reads nothing from
 * the PSA. A fallback company that cannot take tickets is said in `notes` when it is first needed.
 */
export function ticketTargets(deps: TicketDeps, customers: UmbrellaCustomer[], companies: () => Promise<Map<string, PsaCompany>>, now: number, checkNow: boolean, notes: string[]): Target[] {
  const mappings = deps.mappings();
  const fallbackRef = deps.fallbackCompany?.() ?? null;
  let fallbackSaid = false;
  const fallbackIn = (known: Map<string, PsaCompany>): PsaCompany | null => {
    const fallback = fallbackRef === null ? null : known.get(companyKey(fallbackRef)) ?? null;
    if (fallbackRef !== null && !fallback?.active && !fallbackSaid) {
      fallbackSaid = true;
      notes.push(`The fallback company "${fallbackRef}" is ${fallback ? 'inactive' : 'not in the PSA'}: tickets of customers without an active PSA company cannot go there. Choose another in step 3 of the setup wizard, or run "umbrella-psa-sync configure --fallback-company COMPANY".`);
    }
    return fallback?.active ? fallback : null;
  };
  const targets: Target[] = [];
  const tickets = deps.state.get().tickets;
  for (const customer of customers) {
    const mapping = mappings[String(customer.customerId)];
    if (mapping?.excluded) {
      // Excluded by choice: if it comes back, it starts from then, and nothing is "lost" meanwhile.
      const key = configurationKey(deps.psa.kind, customer.customerId);
      if (!checkNow && key in tickets.progress) {
        deps.state.update((s) => { s.tickets.progress = Object.fromEntries(Object.entries(s.tickets.progress).filter(([k]) => k !== key)); });
      }
      continue;
    }
    let placement: Promise<Placement> | null = null;
    const place = () => {
      placement ??= companies().then((known): Placement => {
        const own = mapping?.psaCompany ? known.get(companyKey(mapping.psaCompany)) : undefined;
        const unmappedReason = !mapping?.psaCompany
          ? 'the customer is not mapped to a PSA company'
          : !own ? `its PSA company "${mapping.psaCompany}" was not found in the PSA (deleted or renamed?)`
            : !own.active ? `its PSA company "${own.name}" is inactive` : null;
        return { company: unmappedReason === null ? own ?? null : fallbackIn(known), unmappedReason };
      });
      return placement;
    };
    targets.push({ customer, place, ...customerWindows(deps, tickets, customer.customerId, now, checkNow) });
  }
  return targets;
}

/** Customers with something to do: a window to check or a lost window to report. */
export const pendingTargets = (targets: Target[]): Target[] => targets.filter((t) => t.windows.length > 0 || t.lost.length > 0);
