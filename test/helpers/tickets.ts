/** Builds the real ticket engine on the simulators of a sync harness, and reads the PSA simulators' tickets. */
import type { PsaKind } from '../../preload/contract';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { AutotaskClient } from '../../main/adapters/psa/autotask/client';
import { ConnectWiseClient } from '../../main/adapters/psa/connectwise/client';
import { AutotaskSyncAdapter } from '../../main/adapters/psa/autotask/adapter';
import { ConnectWiseSyncAdapter } from '../../main/adapters/psa/connectwise/adapter';
import { AutotaskTicketAdapter, ConnectWiseTicketAdapter, type PsaTicketAdapter } from '../../main/adapters/psa/tickets';
import type { StateStore } from '../../main/adapters/store/state';
import { openStateStore } from '../../main/adapters/store/state-database';
import { TicketEngine } from '../../main/jobs/tickets/engine';
import type { TicketDeps } from '../../main/jobs/tickets/types';
import { WINDOW_MS, windowOf } from '../../main/domain/windows';
import { UmbrellaClient } from '../../main/adapters/umbrella/client';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { ANCHOR, type SyncHarness } from './sync';

export const W0 = windowOf(ANCHOR); // the window holding the seeded botnet hits
export const AFTER_W0 = W0 + WINDOW_MS + 5 * 60_000;

export interface TicketEngineOptions {
  wrap?: (psa: PsaTicketAdapter) => PsaTicketAdapter;
  fallbackCompany?: string | null;
  retries?: number;
  /** The process's stop signal (the service's SIGTERM), for the Umbrella client and the engine. */
  stopSignal?: AbortSignal;
}

/** A ticket engine on fresh clients with the state read from the harness folder (as after a restart). */
export function ticketEngine(h: SyncHarness, kind: PsaKind, now: number, options: TicketEngineOptions = {}): { engine: TicketEngine; state: StateStore } {
  const state = openStateStore({ dir: h.dir, log: memoryLogger() });
  const fetchLike = (u: string, i: RequestInit) => fetch(u, i);
  const retries = options.retries !== undefined ? { retries: options.retries } : {};
  const umbrella = new UmbrellaClient({ ...DEMO_CREDENTIALS.umbrella, fetch: fetchLike, baseUrl: h.umbrella.url, limits: { token: [], admin: [], reportsPerOrg: [] }, ...retries, ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}) });
  let psa: PsaTicketAdapter;
  let companies: TicketDeps['companies'];
  if (kind === 'connectwise') {
    const client = new ConnectWiseClient({ ...DEMO_CREDENTIALS.connectwise, site: h.connectwise.url, fetch: fetchLike });
    psa = new ConnectWiseTicketAdapter(client, { boardId: 1, statusId: null, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40 });
    const sync = new ConnectWiseSyncAdapter(client, state);
    companies = () => sync.companies();
  } else {
    const client = new AutotaskClient({ ...DEMO_CREDENTIALS.autotask, discoveryUrl: h.autotask.discoveryUrl, fetch: fetchLike });
    psa = new AutotaskTicketAdapter(client, { queueId: 29682969, statusId: 1, priorityId: 2, issueTypeId: 12, subIssueTypeId: 136 });
    const sync = new AutotaskSyncAdapter(client, state, null);
    companies = () => sync.companies();
  }
  const engine = new TicketEngine({
    umbrella, psa: options.wrap ? options.wrap(psa) : psa, companies, state, mappings: () => h.mappings, threshold: () => 3, log: memoryLogger(), now: () => new Date(now),
    fallbackCompany: () => options.fallbackCompany ?? null,
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
  });
  return { engine, state };
}

/** Identities over the threshold in W0 at customers mapped to an active company, computed from the seed. */
export function expectedHits(h: SyncHarness, kind: PsaKind, window = W0): { orgId: number; identityId: number; count: number }[] {
  const c2 = h.world.categories.find((c) => c.label === 'Command and Control')!.id;
  const inactive = kind === 'connectwise' ? h.world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.identifier) : h.world.autotask.companies.filter((c) => !c.isActive).map((c) => String(c.id));
  const hits: { orgId: number; identityId: number; count: number }[] = [];
  for (const customer of h.world.customers) {
    const reference = h.mappings[String(customer.customerId)]?.psaCompany;
    if (!reference || inactive.includes(reference)) continue;
    const counts = new Map<number, number>();
    for (const b of customer.activity) if (b.ts >= window && b.ts < window + WINDOW_MS && b.verdict === 'blocked' && b.categories.includes(c2)) counts.set(b.identityId, (counts.get(b.identityId) ?? 0) + b.count);
    for (const [identityId, count] of counts) if (count > 3) hits.push({ orgId: customer.customerId, identityId, count });
  }
  return hits;
}

export interface SimTicket { id: number; summary?: unknown; title?: unknown; company?: unknown; companyID?: unknown; externalXRef?: unknown; externalID?: unknown }

export const ticketsOf = (h: SyncHarness, kind: PsaKind): SimTicket[] => (kind === 'connectwise' ? h.connectwise.tickets : h.autotask.tickets);
export const markerOf = (t: SimTicket): string => {
  const marker = t.externalXRef ?? t.externalID;
  return typeof marker === 'string' ? marker : '';
};
export const notesOf = (h: SyncHarness, kind: PsaKind, id: number) => (kind === 'connectwise' ? h.connectwise.notes.filter((n) => n.ticketId === id) : h.autotask.notes.filter((n) => n.ticketID === id));
/** Tickets per (org, identity) marker prefix: any count above 1 is a duplicate. */
export function duplicates(h: SyncHarness, kind: PsaKind): string[] {
  const seen = new Map<string, number>();
  for (const t of ticketsOf(h, kind)) {
    const prefix = markerOf(t).split('/').slice(0, 3).join('/');
    if (!prefix.startsWith('umbrella-psa-sync/') || prefix.includes('/test')) continue;
    seen.set(prefix, (seen.get(prefix) ?? 0) + 1);
  }
  return [...seen.entries()].filter(([, n]) => n > 1).map(([p, n]) => `${p} x${String(n)}`);
}
