/**
 * Botnet tickets: every 4 hours (windows aligned to 00:00 UTC), per mapped customer, each identity
 * with more blocked Command-and-Control requests than the threshold gets a PSA ticket; while that
 * ticket is open (found by id, wherever it was moved), later windows add a note instead; once it is
 * closed or deleted, new activity opens a new ticket.
 *
 * No duplicates, ever: the ledger (customer, identity) -> ticket id is written before and after each
 * create; a create in progress carries a marker (stored in the ticket) so that a lost answer or a
 * crash is reconciled by looking the marker up before anything is created again.
 * Every window is processed once: the last processed window is stored; missed windows are processed
 * in order, at most the last 48 hours (older ones are reported as skipped). "Check now" looks at the
 * current partial window without marking it done; what it reported is not counted again later.
 */
import { describeError } from '../errors';
import { HttpError } from '../http/client';
import { RateLimiter } from '../http/rate-limiter';
import type { Logger } from '../log';
import { companyKey, type PsaCompany } from '../psa/adapter';
import type { PsaTicketAdapter } from '../psa/tickets';
import { HISTORY_LIMIT, ledgerKey, type RunRecord, type StateStore, type TicketLedgerEntry } from '../store/state';
import type { UmbrellaClient, UmbrellaCustomer } from '../umbrella/client';
import { securityCategories } from '../umbrella/collector';
import type { UmbrellaIdentity } from '../umbrella/schemas';
import { RECENT_TICKETS_PER_RUN, type CustomerMapping, type RunProgress } from '../../preload/contract';
import { NotConfiguredError } from '../sync/setup-errors';

export const WINDOW_MS = 4 * 3_600_000;
export const CATCH_UP_MS = 48 * 3_600_000;

export interface TicketAction {
  orgId: number;
  customer: string;
  identity?: string;
  window: number;
  action: 'created' | 'noted' | 'unchanged' | 'failed';
  ticketId?: number;
  count?: number;
  reason?: string;
}

export interface TicketRun {
  record: RunRecord;
  actions: TicketAction[];
  processedWindows: number[];
  skippedWindows: number[];
}

export interface TicketDeps {
  umbrella: UmbrellaClient;
  psa: PsaTicketAdapter;
  companies: () => Promise<Map<string, PsaCompany>>;
  state: StateStore;
  mappings: () => Record<string, CustomerMapping>;
  threshold: () => number;
  log: Logger;
  now?: () => Date;
  /** Customers checked so far, for every run however it was started. */
  onRunProgress?: (progress: RunProgress) => void;
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function windowOf(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

export function ticketSummary(identity: string, customer: string, max = 100): string {
  const full = `Umbrella: botnet activity on ${identity} (${customer})`;
  return full.length <= max ? full : `${full.slice(0, max - 1)}…`;
}

export class TicketEngine {
  private running: Promise<TicketRun> | null = null;
  private readonly now: () => Date;

  constructor(private readonly deps: TicketDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One check at a time: a second request joins the one running. */
  run(options: { checkNow?: boolean } = {}): Promise<TicketRun> {
    this.running ??= this.execute(options.checkNow ?? false).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Which windows a run looks at: missed complete windows in order (at most 48 h back), or the current partial one. */
  plan(now: number, checkNow: boolean): { windows: number[]; skipped: number[] } {
    if (checkNow) return { windows: [windowOf(now)], skipped: [] };
    const latestComplete = windowOf(now) - WINDOW_MS;
    const last = this.deps.state.get().tickets.lastProcessedWindow;
    const first = last === null ? latestComplete : last + WINDOW_MS;
    const all: number[] = [];
    for (let w = first; w <= latestComplete; w += WINDOW_MS) all.push(w);
    const cutoff = now - CATCH_UP_MS;
    return { windows: all.filter((w) => w >= cutoff), skipped: all.filter((w) => w < cutoff) };
  }

  private async execute(checkNow: boolean): Promise<TicketRun> {
    const { umbrella, psa, state, log } = this.deps;
    const startedAt = this.now();
    const umbrellaBefore = umbrella.stats.requests;
    const psaBefore = psa.requestCount();
    const actions: TicketAction[] = [];
    const notes: string[] = [];
    const { windows, skipped } = this.plan(startedAt.getTime(), checkNow);
    if (skipped.length > 0) {
      notes.push(`Skipped ${String(skipped.length)} window(s) older than 48 hours (${utc(skipped[0] ?? 0)} to ${utc((skipped.at(-1) ?? 0) + WINDOW_MS)} UTC): the app was not running then.`);
    }
    let fatal: string | undefined;
    try {
      if (windows.length > 0) {
        const customers = await umbrella.listCustomers();
        const mappings = this.deps.mappings();
        const companies = await this.deps.companies();
        const targets = customers.flatMap((customer) => {
          const mapping = mappings[String(customer.customerId)];
          const company = mapping?.psaCompany && !mapping.excluded ? companies.get(companyKey(mapping.psaCompany)) : undefined;
          return company?.active ? [{ customer, company }] : [];
        });
        const first = targets[0];
        const botnet = first ? securityCategories(await umbrella.categories(first.customer.customerId)).botnet : [];
        const total = targets.length * windows.length;
        let done = 0;
        this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, done, total, finished: false });
        for (const window of windows) {
          const end = Math.min(window + WINDOW_MS, startedAt.getTime()) - 1;
          const limiter = new RateLimiter([], 8);
          await Promise.all(targets.map(({ customer, company }) => limiter.run(async () => {
            actions.push(...await this.checkCustomer(customer, company, window, end, botnet));
            this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, done: ++done, total, finished: false });
          })));
          if (!checkNow) state.updateNow((s) => { s.tickets.lastProcessedWindow = window; });
        }
      } else if (skipped.length > 0 && !checkNow) {
        state.updateNow((s) => { s.tickets.lastProcessedWindow = skipped.at(-1) ?? null; });
      }
    } catch (error) {
      fatal = `The ticket check stopped: ${describeError(error)}`;
      log.error(fatal);
    }
    const count = (action: TicketAction['action']) => actions.filter((a) => a.action === action).length;
    const record: RunRecord = {
      id: `tickets-${startedAt.toISOString()}`,
      kind: 'tickets',
      psa: psa.kind,
      dryRun: false,
      startedAt: startedAt.toISOString(),
      finishedAt: this.now().toISOString(),
      counts: { created: count('created'), updated: count('noted'), unchanged: count('unchanged'), skipped: skipped.length, failed: count('failed') },
      requests: { umbrella: umbrella.stats.requests - umbrellaBefore, psa: psa.requestCount() - psaBefore },
      problems: actions.filter((a) => a.action === 'failed').map((a) => ({ orgId: a.orgId, name: a.customer, status: 'failed' as const, reason: a.reason ?? 'failed' })),
      notes,
      tickets: actions.flatMap((a) => ((a.action === 'created' || a.action === 'noted') && a.ticketId !== undefined
        ? [{ customer: a.customer, identity: a.identity ?? '', ticketId: a.ticketId, action: a.action, count: a.count ?? 0 }]
        : [])).slice(0, RECENT_TICKETS_PER_RUN),
      ...(fatal ? { error: fatal } : {}),
    };
    state.updateNow((s) => { s.runs = [record, ...s.runs].slice(0, HISTORY_LIMIT); });
    this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, done: 0, total: 0, finished: true });
    return { record, actions, processedWindows: windows, skippedWindows: skipped };
  }

  private async checkCustomer(customer: UmbrellaCustomer, company: PsaCompany, window: number, end: number, botnet: number[]): Promise<TicketAction[]> {
    const base = { orgId: customer.customerId, customer: customer.customerName, window };
    try {
      const range = { from: window, to: end };
      const hits = (await this.deps.umbrella.topIdentities(customer.customerId, range, { verdict: 'blocked', categories: botnet }))
        .filter((row) => row.counts.blockedrequests > this.deps.threshold());
      const actions: TicketAction[] = [];
      for (const hit of hits) {
        try {
          actions.push(await this.handleHit(customer, company, hit.identity, hit.counts.blockedrequests, window, end, botnet));
        } catch (error) {
          actions.push({ ...base, identity: hit.identity.label, action: 'failed', reason: describeError(error) });
        }
      }
      return actions;
    } catch (error) {
      return [{ ...base, action: 'failed', reason: describeError(error) }];
    }
  }

  private async details(customer: UmbrellaCustomer, identity: UmbrellaIdentity, count: number, window: number, end: number, botnet: number[]): Promise<string> {
    const domains = await this.deps.umbrella.topDestinations(customer.customerId, { from: window, to: end }, { verdict: 'blocked', categories: botnet, identityIds: [identity.id] }, 10);
    return [
      `Cisco Umbrella blocked ${String(count)} request(s) from ${identity.label} (${identity.type.label ?? identity.type.type}) to botnet (command-and-control) destinations between ${utc(window)} and ${utc(end + 1)} UTC.`,
      `Customer: ${customer.customerName} (Umbrella organization ${String(customer.customerId)})`,
      'Top blocked domains:',
      ...domains.map((d) => `  ${d.domain} (${String(d.counts?.blockedrequests ?? d.count)})`),
    ].join('\n');
  }

  private async handleHit(customer: UmbrellaCustomer, company: PsaCompany, identity: UmbrellaIdentity, count: number, window: number, end: number, botnet: number[]): Promise<TicketAction> {
    const { psa, state } = this.deps;
    const key = ledgerKey(psa.kind, customer.customerId, identity.id);
    const base = { orgId: customer.customerId, customer: customer.customerName, identity: identity.label, window, count };
    const save = (entry: TicketLedgerEntry) => { state.updateNow((s) => { s.tickets.ledger[key] = entry; }); };
    let entry = state.get().tickets.ledger[key];

    // A create that was sent but whose id was never stored (lost answer, crash): find it first.
    if (entry && entry.ticketId === null && entry.pendingMarker) {
      const found = await psa.findTicketByMarker(entry.pendingMarker);
      entry = found === null ? undefined : { ...entry, ticketId: found, pendingMarker: null };
      if (entry) save(entry);
    }

    if (entry?.ticketId != null) {
      if (entry.lastWindow === window) {
        // Already reported for this window (by "Check now"): add only what is new.
        const more = count - entry.lastCount;
        if (more <= 0) return { ...base, action: 'unchanged', ticketId: entry.ticketId };
        await psa.addNote(entry.ticketId, `Umbrella: ${String(more)} more blocked botnet request(s)`, await this.details(customer, identity, count, window, end, botnet));
        save({ ...entry, lastCount: count });
        return { ...base, action: 'noted', ticketId: entry.ticketId };
      }
      const ticketState = await psa.ticketState(entry.ticketId);
      if (ticketState === 'open') {
        await psa.addNote(entry.ticketId, `Umbrella: botnet activity continues on ${identity.label}`, await this.details(customer, identity, count, window, end, botnet));
        save({ ...entry, lastWindow: window, lastCount: count });
        return { ...base, action: 'noted', ticketId: entry.ticketId };
      }
    }

    const marker = `umbrella-psa-sync/${String(customer.customerId)}/${String(identity.id)}/${String(window)}`;
    const description = await this.details(customer, identity, count, window, end, botnet);
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
    save({ ticketId, pendingMarker: null, lastWindow: window, lastCount: count });
    return { ...base, action: 'created', ticketId };
  }

  /** "Send test ticket": one clearly labelled ticket with the chosen settings; the ledger is not touched. */
  /** A labelled ticket to the PSA company given, or to the first customer mapped to an active company. */
  async sendTestTicket(reference?: string): Promise<{ ticketId: number; company: PsaCompany }> {
    const companies = await this.deps.companies();
    let company: PsaCompany | undefined;
    if (reference !== undefined) {
      company = companies.get(companyKey(reference));
      if (!company) throw new NotConfiguredError(`The PSA has no company "${reference}": pick one from the list for the test ticket.`);
      if (!company.active) throw new NotConfiguredError(`The PSA company "${company.name}" is inactive: pick an active company for the test ticket.`);
    } else {
      const mappings = this.deps.mappings();
      company = Object.values(mappings).map((m) => (m.psaCompany && !m.excluded ? companies.get(companyKey(m.psaCompany)) : undefined)).find((c) => c?.active);
      if (!company) throw new NotConfiguredError('Pick the PSA company the test ticket goes to (no customer is mapped to an active PSA company yet).');
    }
    const stamp = this.now().toISOString();
    const ticketId = await this.deps.psa.createTicket({
      company,
      summary: '[TEST] Umbrella PSA Sync test ticket - please close',
      description: `This is a test ticket sent from Umbrella PSA Sync at ${stamp} to check the ticketing settings (board or queue, status, priority, types). It can be closed.`,
      marker: `umbrella-psa-sync/test/${stamp}`,
    });
    return { ticketId, company };
  }
}
