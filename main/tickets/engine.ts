/**
 * Botnet tickets: every 4 hours (windows aligned to 00:00 UTC), per customer, each identity with
 * more blocked Command-and-Control requests than the threshold gets a PSA ticket; while that ticket
 * is open (found by id, wherever it was moved), later windows add a note instead; once it is closed
 * or deleted, new activity opens a new ticket.
 *
 * No duplicates, ever: the PSA is the source of truth. Before any create, the PSA is searched for an
 * open ticket this app opened for the same customer and identity (the marker stored in the ticket
 * starts with the customer and identity, whatever window opened it); the ledger (customer, identity)
 * -> ticket id only saves that lookup while its ticket is open. A create whose answer was lost is
 * reconciled by its exact marker, never repeated blindly.
 *
 * Every window once, per customer: a window is done for a customer only when that customer's check
 * succeeded; a failed (customer, window) is retried at the next check, in window order, for 48 hours,
 * and then reported as lost, by name. "Check now" looks at the current partial window without marking
 * it done; what it reported is not counted again later.
 */
import { describeError } from '../errors';
import { HttpError } from '../http/client';
import { RateLimiter, StoppedWaitingError } from '../http/rate-limiter';
import type { Logger } from '../log';
import { runWaits } from '../run-waits';
import { companyKey, type PsaCompany } from '../psa/adapter';
import type { PsaTicketAdapter } from '../psa/tickets';
import { configurationKey, HISTORY_LIMIT, ledgerKey, type AppState, type RunRecord, type StateStore, type TicketLedgerEntry } from '../store/state';
import { progressReporter, type UmbrellaClient, type UmbrellaCustomer } from '../umbrella/client';
import { securityCategories } from '../umbrella/collector';
import { CustomerCache } from '../umbrella/customer-cache';
import type { UmbrellaIdentity } from '../umbrella/schemas';
import { RECENT_TICKETS_PER_RUN, type CustomerMapping, type RunProgress } from '../../preload/contract';
import { NotConfiguredError, RunStoppedError } from '../sync/setup-errors';

export const WINDOW_MS = 4 * 3_600_000;
export const CATCH_UP_MS = 48 * 3_600_000;
export const MARKER_PREFIX = 'umbrella-psa-sync';

export interface TicketAction {
  orgId: number;
  customer: string;
  identity?: string;
  window: number;
  /** unticketed: a hit with no PSA company to ticket it at; lost: a window that could not be checked within 48 hours. */
  action: 'created' | 'noted' | 'unchanged' | 'failed' | 'unticketed' | 'lost';
  ticketId?: number;
  count?: number;
  reason?: string;
}

export interface TicketRun {
  record: RunRecord;
  actions: TicketAction[];
  /** Windows whose check succeeded for every customer that had it pending. */
  processedWindows: number[];
  skippedWindows: number[];
  /** (customer, window) pairs that failed and are checked again at the next check. */
  retries: { orgId: number; customer: string; window: number }[];
  /** What stopped the check (record.error says it in words). */
  failure?: unknown;
}

export interface TicketDeps {
  umbrella: UmbrellaClient;
  psa: PsaTicketAdapter;
  companies: () => Promise<Map<string, PsaCompany>>;
  state: StateStore;
  mappings: () => Record<string, CustomerMapping>;
  threshold: () => number;
  /** The company that receives tickets of customers without an active PSA company; null when off. */
  fallbackCompany?: () => string | null;
  log: Logger;
  now?: () => Date;
  /** Customers checked so far, for every run however it was started. */
  onRunProgress?: (progress: RunProgress) => void;
  /** Once aborted (the service is stopping), no further customer is checked; the rest waits for the next check. */
  stopSignal?: AbortSignal;
  /** Runs the check as the only one across every process on the settings folder. */
  exclusive?: <T>(body: () => Promise<T>) => Promise<T>;
}

/** One customer's check of one window; `stopped` when the run was stopping and it gave up before finishing. */
interface CustomerCheck { ok: boolean; actions: TicketAction[]; error?: string; stopped?: boolean }

/** One window's provider-wide answer: blocked botnet requests per org, or why there is none. */
type ProviderReport = { ok: true; blocked: Map<number, number>; cut: boolean; limit: number } | { ok: false; error: string };

/** Where a customer's tickets go, or why they cannot be opened. */
interface Target {
  customer: UmbrellaCustomer;
  company: PsaCompany | null;
  /** Why the customer has no company of its own (its tickets then go to the fallback company, if any). */
  unmappedReason: string | null;
  windows: number[];
  lost: number[];
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const windowText = (w: number) => `${utc(w)}-${utc(w + WINDOW_MS).slice(11)} UTC`;

export function windowOf(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

export function ticketSummary(identity: string, customer: string, max = 100): string {
  const full = `Umbrella: botnet activity on ${identity} (${customer})`;
  return full.length <= max ? full : `${full.slice(0, max - 1)}…`;
}

/** The start of every marker of one (customer, identity): `umbrella-psa-sync/<org>/<identity>/`. */
export function markerPrefix(orgId: number, identityId: number): string {
  return `${MARKER_PREFIX}/${String(orgId)}/${String(identityId)}/`;
}

export class TicketEngine {
  private running: Promise<TicketRun> | null = null;
  private readonly now: () => Date;

  constructor(private readonly deps: TicketDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One check at a time: a second request joins the one running. */
  run(options: { checkNow?: boolean } = {}): Promise<TicketRun> {
    const exclusive = this.deps.exclusive ?? (<T>(body: () => Promise<T>) => body());
    this.running ??= exclusive(() => this.execute(options.checkNow ?? false)).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The windows no check has looked at yet: complete ones in order (at most 48 h back), or the current partial one. */
  plan(now: number, checkNow: boolean): { windows: number[]; skipped: number[] } {
    if (checkNow) return { windows: [windowOf(now)], skipped: [] };
    const latestComplete = windowOf(now) - WINDOW_MS;
    const last = this.deps.state.get().tickets.lastProcessedWindow;
    const all = range(last === null ? latestComplete : last + WINDOW_MS, latestComplete);
    const cutoff = now - CATCH_UP_MS;
    return { windows: all.filter((w) => w >= cutoff), skipped: all.filter((w) => w < cutoff) };
  }

  /** One customer's pending windows: those it has not completed, within 48 hours; older failed ones are lost. */
  private customerWindows(tickets: AppState['tickets'], orgId: number, now: number, checkNow: boolean): { windows: number[]; lost: number[] } {
    if (checkNow) return { windows: [windowOf(now)], lost: [] };
    const { lastProcessedWindow: frontier, progress } = tickets;
    const latestComplete = windowOf(now) - WINDOW_MS;
    const done = progress[configurationKey(this.deps.psa.kind, orgId)]?.doneThrough;
    const first = done !== undefined ? done + WINDOW_MS : frontier !== null ? frontier + WINDOW_MS : latestComplete;
    const cutoff = now - CATCH_UP_MS;
    const all = range(first, latestComplete);
    // Older than 48 hours: lost if a check should have covered it (it failed), skipped if none ran then.
    return { windows: all.filter((w) => w >= cutoff), lost: all.filter((w) => w < cutoff && frontier !== null && w <= frontier) };
  }

  private targets(customers: UmbrellaCustomer[], companies: Map<string, PsaCompany>, now: number, checkNow: boolean): { targets: Target[]; notes: string[] } {
    const mappings = this.deps.mappings();
    const fallbackRef = this.deps.fallbackCompany?.() ?? null;
    const fallback = fallbackRef === null ? null : companies.get(companyKey(fallbackRef));
    const notes: string[] = [];
    if (fallbackRef !== null && !fallback?.active) {
      notes.push(`The fallback company "${fallbackRef}" is ${fallback ? 'inactive' : 'not in the PSA'}: tickets of customers without an active PSA company cannot go there. Choose another in step 3 of the setup wizard.`);
    }
    const targets: Target[] = [];
    const tickets = this.deps.state.get().tickets;
    for (const customer of customers) {
      const mapping = mappings[String(customer.customerId)];
      if (mapping?.excluded) {
        // Excluded by choice: if it comes back, it starts from then, and nothing is "lost" meanwhile.
        const key = configurationKey(this.deps.psa.kind, customer.customerId);
        if (!checkNow && key in tickets.progress) {
          this.deps.state.update((s) => { s.tickets.progress = Object.fromEntries(Object.entries(s.tickets.progress).filter(([k]) => k !== key)); });
        }
        continue;
      }
      const own = mapping?.psaCompany ? companies.get(companyKey(mapping.psaCompany)) : undefined;
      const unmappedReason = !mapping?.psaCompany
        ? 'the customer is not mapped to a PSA company'
        : !own ? `its PSA company "${mapping.psaCompany}" was not found in the PSA (deleted or renamed?)`
          : !own.active ? `its PSA company "${own.name}" is inactive` : null;
      const company = unmappedReason === null ? own ?? null : fallback?.active ? fallback : null;
      targets.push({ customer, company, unmappedReason, ...this.customerWindows(tickets, customer.customerId, now, checkNow) });
    }
    return { targets, notes };
  }

  private async execute(checkNow: boolean): Promise<TicketRun> {
    const { umbrella, psa, state, log } = this.deps;
    const startedAt = this.now();
    const now = startedAt.getTime();
    const umbrellaBefore = umbrella.stats.requests;
    const waits = runWaits(umbrella, psa);
    const psaBefore = psa.requestCount();
    const actions: TicketAction[] = [];
    const notes: string[] = [];
    const retries: TicketRun['retries'] = [];
    const { windows: newWindows, skipped } = this.plan(now, checkNow);
    if (skipped.length > 0) {
      notes.push(`Skipped ${String(skipped.length)} window(s) older than 48 hours (${utc(skipped[0] ?? 0)} to ${utc((skipped.at(-1) ?? 0) + WINDOW_MS)} UTC): the app was not running then.`);
    }
    let fatal: string | undefined;
    let failure: unknown;
    const attempted = new Set<number>();
    const failedWindows = new Set<number>();
    const { report, stop } = progressReporter(umbrella, (p) => this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, ...p }));
    try {
      const mapped = Object.entries(this.deps.mappings()).filter(([, m]) => !m.excluded && m.psaCompany).map(([id]) => Number(id));
      const cache = new CustomerCache(umbrella, state, this.now);
      const [known, companies] = await Promise.all([cache.recent(mapped), this.deps.companies()]);
      let customers = known.customers;
      let planned = this.targets(customers, companies, now, checkNow);
      const pendingOf = (list: Target[]) => list.filter((t) => t.windows.length > 0 || t.lost.length > 0);
      const pending = pendingOf(planned.targets);
      const botnet = pending.length > 0 ? await this.botnetCategories(pending) : [];
      const reports = await this.providerReports(pending, botnet, now, customers.length);
      if (known.cachedAt) {
        // The saved list may be behind: read it again when a report names an org over the threshold that it does not hold, or when no report can vouch for the orgs it does not list.
        const listed = new Set(customers.map((c) => c.customerId));
        const threshold = this.deps.threshold();
        const why = [...reports.values()].some((r) => !r.ok || r.cut) ? 'a provider-wide report was incomplete'
          : [...reports.values()].some((r) => r.ok && [...r.blocked].some(([org, n]) => n > threshold && !listed.has(org))) ? 'a provider-wide report names a customer it does not hold'
            : null;
        if (why) {
          customers = await cache.fresh();
          planned = this.targets(customers, companies, now, checkNow);
          notes.push(`The customer list saved at ${utc(known.cachedAt.getTime())} UTC was read again from Cisco Umbrella: ${why}.`);
        }
      }
      notes.push(...planned.notes);
      const targets = pendingOf(planned.targets);
      for (const target of targets) {
        for (const window of target.lost) {
          const lastError = state.get().tickets.progress[configurationKey(psa.kind, target.customer.customerId)]?.lastError;
          actions.push({
            orgId: target.customer.customerId, customer: target.customer.customerName, window, action: 'lost',
            reason: `botnet activity in ${windowText(window)} could not be checked within 48 hours${lastError ? ` (last error: ${lastError})` : ''}; hits in that window were not ticketed`,
          });
        }
        if (target.lost.length > 0) this.setProgress(target.customer.customerId, Math.max(...target.lost));
      }
      const clean = this.screen(targets, reports, notes);
      const total = targets.reduce((n, t) => n + t.windows.length, 0);
      let done = 0;
      report({ done, total });
      const limiter = new RateLimiter([], 8);
      const stopped = new Set<number>();
      await Promise.all(targets.map((target) => limiter.run(async () => {
        for (const [i, window] of target.windows.entries()) {
          attempted.add(window);
          const end = Math.min(window + WINDOW_MS, now) - 1;
          // The provider-wide report listed it at or under the threshold: no identity can be over it.
          const result: CustomerCheck = this.deps.stopSignal?.aborted ? { ok: false, actions: [], stopped: true }
            : clean.get(window)?.has(target.customer.customerId) ? { ok: true, actions: [] }
              : await this.checkCustomer(target, window, end, botnet);
          actions.push(...result.actions);
          if (result.stopped) {
            // Left for the next check, from this window on: nothing of it is lost or counted done.
            stopped.add(target.customer.customerId);
            if (!checkNow) this.setProgress(target.customer.customerId, window - WINDOW_MS);
            for (const w of target.windows.slice(i)) failedWindows.add(w);
            break;
          }
          done++;
          if (result.ok) {
            if (!checkNow) this.setProgress(target.customer.customerId, window);
          } else {
            // The rest waits too, so that this customer's windows are still processed in order.
            for (const w of target.windows.slice(i)) {
              failedWindows.add(w);
              retries.push({ orgId: target.customer.customerId, customer: target.customer.customerName, window: w });
            }
            done += target.windows.length - i - 1;
            if (!checkNow) this.setProgress(target.customer.customerId, window - WINDOW_MS, result.error);
          }
          report({ done, total });
          if (!result.ok) break;
        }
      })));
      if (!checkNow) {
        const latest = newWindows.at(-1) ?? skipped.at(-1);
        if (latest !== undefined) state.update((s) => { s.tickets.lastProcessedWindow = latest; });
      }
      if (stopped.size > 0) throw new RunStoppedError(`Stopped before the end: ${String(stopped.size)} customer(s) were not checked; they are checked at the next check, from the window they stopped at.`);
      if (retries.length > 0 && !checkNow) {
        const names = [...new Set(retries.map((r) => r.customer))];
        notes.push(`${String(names.length)} customer(s) will be checked again at the next check (in about 15 minutes), from the window that failed: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}.`);
      }
    } catch (error) {
      fatal = error instanceof RunStoppedError ? error.message : `The ticket check stopped: ${describeError(error)}`;
      failure = error;
      log.error(fatal);
    } finally {
      stop();
      state.flush();
    }
    const { notes: waitNotes, usage } = waits();
    notes.push(...waitNotes);
    const count = (...kinds: TicketAction['action'][]) => actions.filter((a) => kinds.includes(a.action)).length;
    const problems = actions.filter((a) => a.action === 'failed' || a.action === 'unticketed' || a.action === 'lost').map((a) => ({
      orgId: a.orgId, name: a.customer, status: 'failed' as const,
      reason: a.action === 'failed' ? `${a.identity ? `${a.identity}: ` : ''}${windowText(a.window)}: ${a.reason ?? 'failed'}${checkNow ? '' : ' (checked again at the next check)'}` : a.reason ?? a.action,
    }));
    const processedWindows = fatal ? [] : [...attempted].filter((w) => !failedWindows.has(w)).sort((a, b) => a - b);
    const record: RunRecord = {
      id: `tickets-${startedAt.toISOString()}`,
      kind: 'tickets',
      psa: psa.kind,
      dryRun: false,
      startedAt: startedAt.toISOString(),
      finishedAt: this.now().toISOString(),
      counts: { created: count('created'), updated: count('noted'), unchanged: count('unchanged'), skipped: skipped.length, failed: count('failed', 'unticketed', 'lost') },
      requests: { umbrella: umbrella.stats.requests - umbrellaBefore, psa: psa.requestCount() - psaBefore },
      problems,
      notes,
      tickets: actions.flatMap((a) => ((a.action === 'created' || a.action === 'noted') && a.ticketId !== undefined
        ? [{ customer: a.customer, identity: a.identity ?? '', ticketId: a.ticketId, action: a.action, count: a.count ?? 0 }]
        : [])).slice(0, RECENT_TICKETS_PER_RUN),
      ...(fatal ? { error: fatal } : {}),
      ...(failure instanceof RunStoppedError ? { stopped: true } : {}),
      ...(checkNow ? { checkNow: true } : {}),
      ...(usage ? { psaUsage: usage } : {}),
    };
    state.updateNow((s) => { s.runs = [record, ...s.runs].slice(0, HISTORY_LIMIT); });
    this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, done: 0, total: 0, finished: true });
    return { record, actions, processedWindows, skippedWindows: skipped, retries, ...(fatal ? { failure } : {}) };
  }

  /** Command and Control (and the other botnet categories), read with the provider token; per org where the console refuses that. */
  private async botnetCategories(targets: Target[]): Promise<number[]> {
    const { umbrella } = this.deps;
    try {
      return securityCategories(await umbrella.providerCategories()).botnet;
    } catch {
      const first = targets.find((t) => t.windows.length > 0);
      return first ? securityCategories(await umbrella.categories(first.customer.customerId)).botnet : [];
    }
  }

  /**
   * Provider-wide first: one call per window with the parent token gives every org's blocked
   * command-and-control requests (the answer is cut when it holds `limit` orgs).
   */
  private async providerReports(targets: Target[], botnet: number[], now: number, customers: number): Promise<Map<number, ProviderReport>> {
    const reports = new Map<number, ProviderReport>();
    if (botnet.length === 0) return reports;
    const limit = Math.max(100, customers + 1);
    for (const window of [...new Set(targets.flatMap((t) => t.windows))].sort((a, b) => a - b)) {
      const range = { from: window, to: Math.min(window + WINDOW_MS, now) - 1 };
      try {
        reports.set(window, { ok: true, limit, ...(await this.deps.umbrella.providerBlockedByOrg(range, botnet, limit)) });
      } catch (error) {
        reports.set(window, { ok: false, error: describeError(error) });
      }
    }
    return reports;
  }

  /**
   * Only an org over the threshold can have an identity over it, so an org the provider report lists
   * at or under it needs no token and no per-org call. An org not listed (or an answer cut at its
   * limit, or refused) is checked per org: correctness first.
   */
  private screen(targets: Target[], reports: Map<number, ProviderReport>, notes: string[]): Map<number, Set<number>> {
    const clean = new Map<number, Set<number>>();
    const threshold = this.deps.threshold();
    for (const [window, report] of reports) {
      if (!report.ok) {
        notes.push(`${windowText(window)}: the provider-wide report could not be used (${report.error}); every customer was checked one by one.`);
        continue;
      }
      const pending = targets.filter((t) => t.windows.includes(window));
      const quiet = new Set(pending.filter((t) => (report.blocked.get(t.customer.customerId) ?? Number.POSITIVE_INFINITY) <= threshold).map((t) => t.customer.customerId));
      clean.set(window, quiet);
      const unlisted = pending.filter((t) => !report.blocked.has(t.customer.customerId)).length;
      const over = pending.length - quiet.size - unlisted;
      notes.push(`${windowText(window)}: the provider-wide report showed ${String(over)} customer(s) over the threshold${unlisted > 0 ? `; ${String(unlisted)} not in it${report.cut ? ` (the answer stopped at its limit of ${String(report.limit)})` : ''} were checked one by one` : ''}; the other ${String(quiet.size)} needed no per-customer call.`);
    }
    return clean;
  }

  private setProgress(orgId: number, doneThrough: number, lastError?: string): void {
    const key = configurationKey(this.deps.psa.kind, orgId);
    this.deps.state.update((s) => { s.tickets.progress[key] = { doneThrough, ...(lastError ? { lastError } : {}) }; });
  }

  /** One customer, one window: ok when every hit was ticketed, noted or reported as unticketable. */
  private async checkCustomer(target: Target, window: number, end: number, botnet: number[]): Promise<CustomerCheck> {
    const { customer, company } = target;
    const base = { orgId: customer.customerId, customer: customer.customerName, window };
    let hits;
    try {
      hits = (await this.deps.umbrella.topIdentities(customer.customerId, { from: window, to: end }, { verdict: 'blocked', categories: botnet }))
        .filter((row) => row.counts.blockedrequests > this.deps.threshold());
    } catch (error) {
      if (error instanceof StoppedWaitingError) return { ok: false, actions: [], stopped: true };
      const reason = describeError(error);
      return { ok: false, actions: [{ ...base, action: 'failed', reason }], error: reason };
    }
    const actions: TicketAction[] = [];
    let error: string | undefined;
    for (const hit of hits) {
      const count = hit.counts.blockedrequests;
      if (!company) {
        actions.push({
          ...base, identity: hit.identity.label, count, action: 'unticketed',
          reason: `${hit.identity.label}: ${String(count)} blocked botnet request(s) in ${windowText(window)} could not be ticketed: ${target.unmappedReason ?? 'no PSA company'}. Map the customer to an active PSA company, or choose a fallback company in step 3 of the setup wizard.`,
        });
        continue;
      }
      try {
        actions.push(await this.handleHit(target, company, hit.identity, count, window, end, botnet));
      } catch (e) {
        // Stopping: what was ticketed so far is in the ledger; the window is done again next time, with nothing twice.
        if (e instanceof StoppedWaitingError) return { ok: false, actions, stopped: true };
        error = describeError(e);
        actions.push({ ...base, identity: hit.identity.label, count, action: 'failed', reason: error });
      }
    }
    return { ok: error === undefined, actions, ...(error ? { error } : {}) };
  }

  private async details(target: Target, identity: UmbrellaIdentity, count: number, window: number, end: number, botnet: number[]): Promise<string> {
    const { customer } = target;
    const domains = await this.deps.umbrella.topDestinations(customer.customerId, { from: window, to: end }, { verdict: 'blocked', categories: botnet, identityIds: [identity.id] }, 10);
    return [
      `Cisco Umbrella blocked ${String(count)} request(s) from ${identity.label} (${identity.type.label ?? identity.type.type}) to botnet (command-and-control) destinations between ${utc(window)} and ${utc(end + 1)} UTC.`,
      `Customer: ${customer.customerName} (Umbrella organization ${String(customer.customerId)})`,
      ...(target.unmappedReason ? [`This ticket is on the fallback company because ${target.unmappedReason}.`] : []),
      'Top blocked domains:',
      ...domains.map((d) => `  ${d.domain} (${String(d.counts?.blockedrequests ?? d.count)})`),
    ].join('\n');
  }

  private async handleHit(target: Target, company: PsaCompany, identity: UmbrellaIdentity, count: number, window: number, end: number, botnet: number[]): Promise<TicketAction> {
    const { psa, state } = this.deps;
    const { customer } = target;
    const key = ledgerKey(psa.kind, customer.customerId, identity.id);
    const base = { orgId: customer.customerId, customer: customer.customerName, identity: identity.label, window, count };
    const save = (entry: TicketLedgerEntry) => { state.updateNow((s) => { s.tickets.ledger[key] = entry; }); };
    const note = async (ticketId: number, title: string, entry: TicketLedgerEntry) => {
      await psa.addNote(ticketId, title, await this.details(target, identity, count, window, end, botnet));
      save(entry);
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

    const description = await this.details(target, identity, count, window, end, botnet);
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

  /** "Send test ticket": a labelled ticket to the PSA company given, or to the first customer mapped to an active company. */
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

/** Window starts from `first` to `last`, inclusive. */
function range(first: number, last: number): number[] {
  const all: number[] = [];
  for (let w = first; w <= last; w += WINDOW_MS) all.push(w);
  return all;
}
