/**
 * Botnet tickets: every 4 hours (windows aligned to 00:00 UTC), per customer, each identity with
 * more blocked Command-and-Control requests than the threshold gets a PSA ticket; while that ticket
 * is open (found by id, wherever it was moved), later windows add a note instead; once it is closed
 * or deleted, new activity opens a new ticket.
 *
 * The run, in parts: which windows and customers are pending (targets.ts), the provider-wide report
 * that spares the quiet orgs (provider-report.ts), each hit to a ticket or a note, never twice
 * (hits.ts), and the run record (run-record.ts).
 *
 * Every window once, per customer: a window is done for a customer only when that customer's check
 * succeeded; a failed (customer, window) is retried at the next check, in window order, for 48 hours,
 * and then reported as lost, by name. "Check now" looks at the current partial window without marking
 * it done; what it reported is not counted again later.
 */
import { RateLimiter } from '../../adapters/http/rate-limiter';
import type { PsaCompany } from '../../adapters/psa/adapter';
import { configurationKey, HISTORY_LIMIT } from '../../adapters/store/state';
import { progressReporter } from '../../adapters/umbrella/client';
import { UMBRELLA_LIMITS } from '../../adapters/umbrella/limits';
import { CustomerCache } from '../../adapters/umbrella/customer-cache';
import { describeError, RunStoppedError } from '../../domain/errors';
import { utcText, WINDOW_MS, windowText } from '../../domain/windows';
import { runWaits } from '../run-waits';
import { checkCustomer, type CustomerCheck } from './hits';
import { botnetCategories, providerReports, quietOrgs, staleListReason } from './provider-report';
import { ticketRunId, ticketRunRecord } from './run-record';
import { pendingTargets, planWindows, setProgress, ticketTargets } from './targets';
import { sendTestTicket } from './test-ticket';
import type { Target, TicketAction, TicketDeps, TicketRun } from './types';

/**
 * Customers checked at once: a whole token window's worth (Umbrella mints 20 a minute per key). The check's
 * token requests go before a sync's, but only those already waiting when a window opens: with fewer customers
 * under way than a window holds, a sync running beside took the rest of each window (8 at once: 50 customers
 * over threshold took 7 windows, about 6 minutes; 20 at once: 3).
 */
const CUSTOMERS_AT_ONCE = Math.max(...UMBRELLA_LIMITS.token.map((window) => window.limit));

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
    return planWindows(this.deps.state.get().tickets, now, checkNow);
  }

  /** "Send test ticket": a labelled ticket to the PSA company given, or to the first customer mapped to an active company. */
  sendTestTicket(reference?: string): Promise<{ ticketId: number; company: PsaCompany }> {
    return sendTestTicket(this.deps, this.now(), reference);
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
      notes.push(`Skipped ${String(skipped.length)} window(s) older than 48 hours (${utcText(skipped[0] ?? 0)} to ${utcText((skipped.at(-1) ?? 0) + WINDOW_MS)} UTC): the app was not running then.`);
    }
    let fatal: string | undefined;
    let failure: unknown;
    const attempted = new Set<number>();
    const failedWindows = new Set<number>();
    const { report, stop } = progressReporter(umbrella, (p) => this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, ...p }));
    try {
      const targets = await this.pendingWithReports(now, checkNow, notes);
      for (const target of targets.list) {
        for (const window of target.lost) {
          const lastError = state.get().tickets.progress[configurationKey(psa.kind, target.customer.customerId)]?.lastError;
          actions.push({
            orgId: target.customer.customerId, customer: target.customer.customerName, window, action: 'lost',
            reason: `botnet activity in ${windowText(window)} could not be checked within 48 hours${lastError ? ` (last error: ${lastError})` : ''}; hits in that window were not ticketed`,
          });
        }
        if (target.lost.length > 0) setProgress(this.deps, target.customer.customerId, Math.max(...target.lost));
      }
      const total = targets.list.reduce((n, t) => n + t.windows.length, 0);
      let done = 0;
      report({ done, total });
      const limiter = new RateLimiter([], CUSTOMERS_AT_ONCE);
      const stopped = new Set<number>();
      await Promise.all(targets.list.map((target) => limiter.run(async () => {
        for (const [i, window] of target.windows.entries()) {
          attempted.add(window);
          const end = Math.min(window + WINDOW_MS, now) - 1;
          // The provider-wide report listed it at or under the threshold: no identity can be over it.
          const result: CustomerCheck = this.deps.stopSignal?.aborted ? { ok: false, actions: [], stopped: true }
            : targets.quiet.get(window)?.has(target.customer.customerId) ? { ok: true, actions: [] }
              : await checkCustomer(this.deps, { target, window, end, botnet: targets.botnet, runId: ticketRunId(startedAt) });
          actions.push(...result.actions);
          if (result.stopped) {
            // Left for the next check, from this window on: nothing of it is lost or counted done.
            stopped.add(target.customer.customerId);
            if (!checkNow) setProgress(this.deps, target.customer.customerId, window - WINDOW_MS);
            for (const w of target.windows.slice(i)) failedWindows.add(w);
            break;
          }
          done++;
          if (result.ok) {
            if (!checkNow) setProgress(this.deps, target.customer.customerId, window);
          } else {
            // The rest waits too, so that this customer's windows are still processed in order.
            for (const w of target.windows.slice(i)) {
              failedWindows.add(w);
              retries.push({ orgId: target.customer.customerId, customer: target.customer.customerName, window: w });
            }
            done += target.windows.length - i - 1;
            if (!checkNow) setProgress(this.deps, target.customer.customerId, window - WINDOW_MS, result.error);
          }
          report({ done, total });
          if (!result.ok) break;
        }
      })));
      notes.push(...targets.placementNotes);
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
      // A StoppedWaitingError (a call before the customers waited for a rate limit) is a RunStoppedError too: done again at the next start, not in 15 minutes.
      fatal = error instanceof RunStoppedError ? error.message : `The ticket check stopped: ${describeError(error)}`;
      failure = error;
      // A stop is no error, and the run record says it (the CLI and the service print it from there): said once.
      if (!(error instanceof RunStoppedError)) log.error(fatal);
    } finally {
      stop();
      state.flush();
    }
    const { notes: waitNotes, usage } = waits();
    notes.push(...waitNotes);
    const processedWindows = fatal ? [] : [...attempted].filter((w) => !failedWindows.has(w)).sort((a, b) => a - b);
    const record = ticketRunRecord({
      psa: psa.kind, startedAt, finishedAt: this.now(), checkNow, actions, skipped: skipped.length, notes, usage,
      requests: { umbrella: umbrella.stats.requests - umbrellaBefore, psa: psa.requestCount() - psaBefore },
      ...(fatal ? { fatal } : {}), stopped: failure instanceof RunStoppedError,
    });
    state.updateNow((s) => { s.runs = [record, ...s.runs].slice(0, HISTORY_LIMIT); });
    this.deps.onRunProgress?.({ kind: 'tickets', dryRun: false, done: 0, total: 0, finished: true });
    return { record, actions, processedWindows, skippedWindows: skipped, retries, ...(fatal ? { failure } : {}) };
  }

  /**
   * The customers with windows to check (or lost ones to report), the botnet categories, and per window
   * the orgs the provider-wide report showed at or under the threshold. The saved customer list may be
   * behind: it is read again when a report names an org over the threshold it does not hold, or when no
   * report can vouch for the orgs it does not list.
   */
  private async pendingWithReports(now: number, checkNow: boolean, notes: string[]): Promise<{ list: Target[]; botnet: number[]; quiet: Map<number, Set<number>>; placementNotes: string[] }> {
    const mapped = Object.entries(this.deps.mappings()).filter(([, m]) => !m.excluded && m.psaCompany).map(([id]) => Number(id));
    const cache = new CustomerCache(this.deps.umbrella, this.deps.state, this.now);
    const known = await cache.recent(mapped);
    // Read once, and only if a hit has to be ticketed (a quiet check asks the PSA nothing).
    let companyList: Promise<Map<string, PsaCompany>> | null = null;
    const companies = () => (companyList ??= this.deps.companies());
    const placementNotes: string[] = [];
    let planned = ticketTargets(this.deps, known.customers, companies, now, checkNow, placementNotes);
    const pending = pendingTargets(planned);
    const botnet = pending.length > 0 ? await botnetCategories(this.deps, pending) : [];
    const reports = await providerReports(this.deps, pending, botnet, now, known.customers.length);
    if (known.cachedAt) {
      const why = staleListReason(reports, new Set(known.customers.map((c) => c.customerId)), this.deps.threshold());
      if (why) {
        planned = ticketTargets(this.deps, await cache.fresh(), companies, now, checkNow, placementNotes);
        notes.push(`The customer list saved at ${utcText(known.cachedAt.getTime())} UTC was read again from Cisco Umbrella: ${why}.`);
      }
    }
    const list = pendingTargets(planned);
    return { list, botnet, quiet: quietOrgs(list, reports, this.deps.threshold(), notes), placementNotes };
  }
}
