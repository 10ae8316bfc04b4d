/**
 * The daily configuration sync: for every mapped customer, collect the 16 Umbrella fields and
 * write them to that company's one configuration in the PSA.
 *
 * - Plan, then apply: each customer's plan says create / update / unchanged and which fields
 *   change (before -> after); a dry run stops at the plan and writes nothing.
 * - Idempotent and resumable: the configuration id is stored after each write; without one the
 *   PSA is searched before anything is created, and a create whose answer was lost is found
 *   again (adapters), so a crash at any point leaves no duplicate.
 * - At steady state one PSA request per customer: the stored id is updated directly.
 * - One run at a time: a second request for the same kind of run joins it; another is refused.
 */
import type { CustomerMapping, RunProgress } from '../../../preload/contract';
import { describeError, RunStoppedError } from '../../domain/errors';
import { RateLimiter, StoppedWaitingError } from '../../adapters/http/rate-limiter';
import type { Logger } from '../../adapters/logging/logger';
import { runWaits } from '../run-waits';
import { companyKey, PsaSetupError, type PsaCompany, type PsaSyncAdapter } from '../../adapters/psa/adapter';
import { CustomerCache } from '../../adapters/umbrella/customer-cache';
import { configurationKey, HISTORY_LIMIT, type CustomerResult, type PsaWrite, type RunRecord, type StateStore } from '../../adapters/store/state';
import { progressReporter, type UmbrellaClient, type UmbrellaCustomer } from '../../adapters/umbrella/client';
import { collectFields, securityCategories, type SecurityCategories } from '../../adapters/umbrella/collector';
import { ConfigurationLookup } from './configuration-lookup';
import { FIELDS, formatFields, type FieldKey, type FieldValues } from '../../domain/fields';

export interface FieldChange {
  field: FieldKey;
  label: string;
  before: string | number | null;
  after: string | number;
}

export interface CustomerOutcome extends CustomerResult {
  psaCompany?: string;
  changes?: FieldChange[];
  /** Fields 10-15 came from the month's figures kept since this time (ISO), not from Umbrella. */
  monthlyKeptSince?: string;
}

/** What the customers' writes wait for: the PSA's set-up, and the configurations searched for at the start. */
interface RunSetUp {
  ready: boolean;
  lookup: ConfigurationLookup;
}

/** The PSA's set-up failed: the run fails with its error, not each customer. */
class SetUpFailed extends Error {
  constructor(readonly reason: unknown) {
    super(describeError(reason));
  }
}

export interface SyncProgress {
  done: number;
  total: number;
  outcome: CustomerOutcome;
}

export interface SyncRun {
  record: RunRecord;
  outcomes: CustomerOutcome[];
  /** What stopped the run (record.error says it in words), for callers that tell kinds apart (the CLI's exit code). */
  failure?: unknown;
}

export interface SyncDeps {
  umbrella: UmbrellaClient;
  psa: PsaSyncAdapter;
  state: StateStore;
  mappings: () => Record<string, CustomerMapping>;
  log: Logger;
  now?: () => Date;
  /** Customers processed at once (Umbrella's per-org limits allow many; token minting paces them). */
  concurrency?: number;
  /** Customers done so far, for every run however it was started (window, tray, schedule). */
  onRunProgress?: (progress: RunProgress) => void;
  /** Once aborted (the service is stopping), no further customer starts; the run ends as stopped and is done again next time. */
  stopSignal?: AbortSignal;
  /** Runs a real sync as the only one across every process on the settings folder (dry runs write nothing and need no lock). */
  exclusive?: <T>(body: () => Promise<T>) => Promise<T>;
  /** What follows a real sync that ran to its end (the billing check): its notes and figures go into the run record. */
  afterSync?: (runAt: Date) => Promise<SyncFollowUp | null>;
}

export interface SyncFollowUp {
  notes: string[];
  billing?: RunRecord['billing'];
}

export class SyncAlreadyRunningError extends Error {
  override readonly name = 'SyncAlreadyRunningError';
}

/** The id of the sync run started at `runAt`: its run record's id, and what the audit trail's writes name. */
export function syncRunId(runAt: Date): string {
  return `sync-${runAt.toISOString()}`;
}

function changesBetween(before: Partial<FieldValues> | null, after: FieldValues): FieldChange[] {
  return FIELDS.filter((f) => before === null || String(before[f.key] ?? '') !== String(after[f.key]))
    .map((f) => ({ field: f.key, label: f.question, before: before?.[f.key] ?? null, after: after[f.key] }));
}

/** Only Last Updated differs: the configuration is refreshed but counts as unchanged. */
function meaningful(changes: FieldChange[]): FieldChange[] {
  return changes.filter((c) => c.field !== 'lastUpdated');
}

export class SyncEngine {
  private running: { dryRun: boolean; promise: Promise<SyncRun>; startedAt: Date } | null = null;
  private readonly now: () => Date;

  constructor(private readonly deps: SyncDeps) {
    this.now = deps.now ?? (() => new Date());
  }


  run(options: { dryRun?: boolean; onProgress?: (progress: SyncProgress) => void } = {}): Promise<SyncRun> {
    const dryRun = options.dryRun ?? false;
    if (this.running) {
      if (this.running.dryRun === dryRun) return this.running.promise;
      throw new SyncAlreadyRunningError(`A ${this.running.dryRun ? 'dry run' : 'sync'} started at ${this.running.startedAt.toISOString()} is still running; try again when it has finished.`);
    }
    const startedAt = this.now();
    const execute = () => this.execute(dryRun, startedAt, options.onProgress);
    const promise = (dryRun || !this.deps.exclusive ? execute() : this.deps.exclusive(execute)).finally(() => {
      this.running = null;
    });
    this.running = { dryRun, promise, startedAt };
    return promise;
  }

  private async execute(dryRun: boolean, runAt: Date, onProgress?: (progress: SyncProgress) => void): Promise<SyncRun> {
    const { umbrella, psa, state, log } = this.deps;
    const umbrellaBefore = umbrella.stats.requests;
    const waits = runWaits(umbrella, psa);
    const psaBefore = psa.requestCount();
    const notes: string[] = [];
    const outcomes: CustomerOutcome[] = [];
    let fatal: string | undefined;
    let failure: unknown;
    const { report, stop } = progressReporter(umbrella, (p) => this.deps.onRunProgress?.({ kind: 'sync', dryRun, ...p }));

    try {
      // The PSA's companies do not depend on Umbrella's list: read both at once.
      const companiesPending = psa.companies();
      companiesPending.catch(() => undefined); // awaited below; a run with nothing mapped never asks
      const customers = await new CustomerCache(umbrella, state, this.now).fresh(!dryRun);
      const mappings = this.deps.mappings();
      const todo: { customer: UmbrellaCustomer; reference: string }[] = [];
      for (const customer of customers) {
        const mapping = mappings[String(customer.customerId)];
        const base = { orgId: customer.customerId, name: customer.customerName };
        if (mapping?.excluded) outcomes.push({ ...base, status: 'skipped', reason: 'Excluded from the sync.' });
        else if (!mapping?.psaCompany) outcomes.push({ ...base, status: 'skipped', reason: 'Not mapped to a PSA company.' });
        else todo.push({ customer, reference: mapping.psaCompany });
      }
      for (const outcome of outcomes) onProgress?.({ done: 0, total: todo.length, outcome });
      report({ done: 0, total: todo.length });

      if (todo.length > 0) {
        // The customers' Umbrella figures do not wait for the PSA's set-up (a first run creates the type and its
        // 16 questions, or the product and its 16 UDFs, one after another): only their writes do.
        let setUpFailed = false;
        const setUp = Promise.all([psa.prepare(dryRun), companiesPending]).then(([prepared, companies]): RunSetUp => {
          notes.push(...prepared.notes);
          return { ready: prepared.ready, lookup: new ConfigurationLookup(psa, prepared.ready ? this.companiesWithoutConfiguration(todo, companies) : [], log) };
        }, (error: unknown) => {
          setUpFailed = true;
          throw new SetUpFailed(error);
        });
        setUp.catch(() => undefined); // awaited by each customer before its write
        const [companies, categoryList] = await Promise.all([companiesPending, umbrella.categories(todo[0]?.customer.customerId ?? 0)]);
        const categories = securityCategories(categoryList);
        const limiter = new RateLimiter([], this.deps.concurrency ?? 32);
        let done = 0;
        let stopped = 0;
        const customers = await Promise.allSettled(todo.map(({ customer, reference }) => limiter.run(async () => {
          if (setUpFailed) return;
          if (this.deps.stopSignal?.aborted) {
            stopped++;
            return;
          }
          let outcome;
          try {
            outcome = await this.syncCustomer(customer, reference, companies, categories, setUp, runAt, dryRun);
          } catch (error) {
            if (!(error instanceof StoppedWaitingError)) throw error;
            stopped++;
            return;
          }
          outcomes.push(outcome);
          done++;
          onProgress?.({ done, total: todo.length, outcome });
          report({ done, total: todo.length });
        })));
        // A failed set-up fails the run, once every customer under way has stopped.
        await setUp.catch((error: unknown) => { throw error instanceof SetUpFailed ? error.reason : error; });
        const failed = customers.find((c) => c.status === 'rejected');
        if (failed) throw failed.reason;
        if (stopped > 0) throw new RunStoppedError(`Stopped before the end: ${String(stopped)} customer(s) were not synced; they are synced at the next run.`);
      }
    } catch (error) {
      // A StoppedWaitingError (a call before the customers waited for a rate limit) is a RunStoppedError too.
      fatal = error instanceof PsaSetupError || error instanceof RunStoppedError ? error.message : `The sync stopped: ${describeError(error)}`;
      failure = error;
      // A stop is no error, and the run record says it (the CLI and the service print it from there): said once.
      if (!(error instanceof RunStoppedError)) log.error(fatal);
    } finally {
      stop();
    }

    let billing: RunRecord['billing'];
    if (!dryRun && fatal === undefined && this.deps.afterSync) {
      try {
        const followUp = await this.deps.afterSync(runAt);
        if (followUp) {
          notes.push(...followUp.notes);
          billing = followUp.billing;
        }
      } catch (error) {
        // The sync itself is done and saved customer by customer: what follows cannot undo it.
        notes.push(`The billing check after the sync did not finish: ${describeError(error)}. The drift is on the Billing screen and in "umbrella-psa-sync billing".`);
      }
    }

    const kept = outcomes.flatMap((o) => (o.monthlyKeptSince ? [o.monthlyKeptSince.slice(0, 10)] : []));
    if (kept.length > 0) {
      const since = [...new Set(kept)].sort();
      notes.push(`Last month's figures (fields 10-15) of ${String(kept.length)} customer(s) are those read on ${since.length > 1 ? `${since[0] ?? ''} to ${since.at(-1) ?? ''}` : since[0] ?? ''}: they cannot change until the 1st, so they were not asked for again.`);
    }
    const { notes: waitNotes, usage } = waits();
    notes.push(...waitNotes);
    for (const note of notes) log.info(note);
    const count = (status: CustomerResult['status']) => outcomes.filter((o) => o.status === status).length;
    const record: RunRecord = {
      id: syncRunId(runAt),
      kind: 'sync',
      psa: psa.kind,
      dryRun,
      startedAt: runAt.toISOString(),
      finishedAt: this.now().toISOString(),
      counts: { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), skipped: count('skipped'), failed: count('failed') },
      requests: { umbrella: umbrella.stats.requests - umbrellaBefore, psa: psa.requestCount() - psaBefore },
      problems: outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped').map(({ orgId, name, status, reason }) => ({ orgId, name, status, ...(reason ? { reason } : {}) })),
      notes,
      ...(fatal ? { error: fatal } : {}),
      ...(failure instanceof RunStoppedError ? { stopped: true } : {}),
      ...(usage ? { psaUsage: usage } : {}),
      ...(billing ? { billing } : {}),
    };
    state.updateNow((s) => {
      s.runs = [record, ...s.runs].slice(0, HISTORY_LIMIT);
      if (!dryRun) {
        for (const { orgId, status, reason } of outcomes) s.lastResults[configurationKey(psa.kind, orgId)] = { status, at: record.startedAt, ...(reason ? { reason } : {}) };
      }
    });
    this.deps.onRunProgress?.({ kind: 'sync', dryRun, done: 0, total: 0, finished: true });
    outcomes.sort((a, b) => a.name.localeCompare(b.name));
    return { record, outcomes, ...(fatal ? { failure } : {}) };
  }

  /** The active companies of this run whose configuration id is not stored: they are searched for before any create. */
  private companiesWithoutConfiguration(todo: readonly { customer: UmbrellaCustomer; reference: string }[], companies: Map<string, PsaCompany>): PsaCompany[] {
    const { psa, state } = this.deps;
    const { configurations } = state.get();
    const unknown = new Map<number, PsaCompany>();
    for (const { customer, reference } of todo) {
      const company = companies.get(companyKey(reference));
      const stored = configurations[configurationKey(psa.kind, customer.customerId)];
      if (company?.active && stored?.companyId !== company.id) unknown.set(company.id, company);
    }
    return [...unknown.values()];
  }

  private async syncCustomer(
    customer: UmbrellaCustomer, reference: string, companies: Map<string, PsaCompany>, categories: SecurityCategories,
    setUp: Promise<RunSetUp>, runAt: Date, dryRun: boolean,
  ): Promise<CustomerOutcome> {
    const { psa, state, umbrella } = this.deps;
    const base: Pick<CustomerOutcome, 'orgId' | 'name' | 'psaCompany' | 'monthlyKeptSince'> = { orgId: customer.customerId, name: customer.customerName, psaCompany: reference };
    const company = companies.get(companyKey(reference));
    if (!company) return { ...base, status: 'failed', reason: `The PSA company "${reference}" was not found (it may have been deleted or its ID changed): map this customer again.` };
    if (!company.active) return { ...base, status: 'failed', reason: `The PSA company "${company.name}" (${reference}) is inactive: reactivate it in the PSA or map this customer to an active company.` };

    try {
      const org = String(customer.customerId);
      const collected = await collectFields(umbrella, customer, runAt, categories, state.get().monthly[org]);
      const values = formatFields(collected.fields);
      if (collected.monthlyKept) base.monthlyKeptSince = collected.monthly.readAt;
      else if (!dryRun) state.update((s) => { s.monthly[org] = collected.monthly; });
      const key = configurationKey(psa.kind, customer.customerId);
      const stored = state.get().configurations[key];
      const storedId = stored && stored.companyId === company.id ? stored.configurationId : null;
      const { ready, lookup } = await setUp;

      if (dryRun) {
        const existing = ready ? await lookup.read(company, storedId) : null;
        const changes = changesBetween(existing?.values ?? null, values);
        const status = !existing ? 'created' : meaningful(changes).length > 0 ? 'updated' : 'unchanged';
        return { ...base, status, changes, changedFields: changes.map((c) => c.field) };
      }

      let configurationId: number | null = null;
      let before: Partial<FieldValues> | null = stored && storedId !== null ? stored.values : null;
      if (storedId !== null && (await psa.updateConfiguration(storedId, company, values)) === 'updated') {
        configurationId = storedId;
      } else {
        const existing = await lookup.read(company, null);
        if (existing) {
          before = existing.values;
          if ((await psa.updateConfiguration(existing.id, company, values)) === 'updated') configurationId = existing.id;
        }
        if (configurationId === null) {
          before = null;
          configurationId = await psa.createConfiguration(company, values);
        }
      }
      const id = configurationId;
      const changes = changesBetween(before, values);
      // What the PSA received, with what was there before (known from the last write or read just now).
      const written: PsaWrite = {
        runId: syncRunId(runAt), psa: psa.kind, orgId: customer.customerId, customer: customer.customerName, companyId: company.id, company: company.name,
        entity: 'configuration', entityId: String(id), action: before === null ? 'created' : 'updated',
        changes: changes.map((c) => ({ field: c.field, old: c.before, new: c.after })), detail: null,
      };
      state.update((s) => {
        s.configurations[key] = { configurationId: id, companyId: company.id, values, syncedAt: runAt.toISOString() };
      }, [written]);
      const status = before === null ? 'created' : meaningful(changes).length > 0 ? 'updated' : 'unchanged';
      return { ...base, status, changes, changedFields: changes.map((c) => c.field) };
    } catch (error) {
      // Stopping: this customer gave up before anything was written; the next run does it.
      if (error instanceof StoppedWaitingError || error instanceof SetUpFailed) throw error;
      return { ...base, status: 'failed', reason: describeError(error) };
    }
  }
}
