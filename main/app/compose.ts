/**
 * Builds the app's services on a settings folder: settings, keychain, state file, the sync
 * controller and the schedule. Electron-free: main/shell/index.ts, the CLI and the e2e harness share it.
 */
import type { FetchLike } from '../adapters/http/client';
import type { Logger } from '../adapters/logging/logger';
import { DAY_MS, FOUR_HOURS_MS, Scheduler, type JobOutcome, type SchedulerClock } from '../jobs/scheduler';
import type { AppIdentity } from './identity';
import { AppService, type DesktopHooks } from './service';
import type { SecretStore } from '../adapters/store/secrets';
import { openSettingsStore, type BackendFactory } from '../adapters/store/settings';
import type { StateStore } from '../adapters/store/state';
import { openStateStore } from '../adapters/store/state-database';
import { folderUmbrellaLimiters } from '../adapters/umbrella/token-budget';
import { EngineSlot } from '../jobs/engine-slot';
import { testConnection } from './connection';
import { customerOverview } from '../jobs/mapping/overview';
import type { RunProgress, RunRecord } from '../../preload/contract';
import { materialBillingCodes, ticketingOptions } from './setup-lists';
import { billingReport, findBillingProduct } from '../jobs/billing/report';
import { applyBillingPlan, billingChanges, makeBillingPlan, undoBillingChange } from '../jobs/billing/writeback';
import { billingAfterSync } from '../jobs/billing/after-sync';
import { createSyncEngine, createTicketEngine, type SyncSetup } from '../jobs/setup';
import type { UmbrellaLimits } from '../adapters/umbrella/client';
import { UmbrellaTokenCache } from '../adapters/umbrella/tokens';
import { realClock } from '../adapters/http/rate-limiter';
import type { Redactor } from '../adapters/logging/redact';

export interface AppServicesOptions {
  identity: AppIdentity;
  secrets: SecretStore;
  log: Logger;
  fetch: FetchLike;
  openSettings?: BackendFactory;
  schedulerClock?: SchedulerClock;
  umbrellaLimits?: UmbrellaLimits;
  /** The OS save dialog; without it (CLI) nothing can be saved from the window. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Live progress of every sync and ticket check, whoever started it. */
  onRunProgress?: (progress: RunProgress) => void;
  /** Aborted when the process is stopping (the service's SIGTERM): running jobs start no further customer. */
  stopSignal?: AbortSignal;
  /** Who this process is, in "already running in ..." messages (default: the app). */
  role?: string;
  /** The log redaction: told of every Umbrella token minted. */
  redactor?: Redactor;
  /** Told when a scheduled job has finished and is marked done (its run is recorded by then). */
  /** Told when a scheduled job ends, with its own run record (or what stopped it before it made one). */
  onJobDone?: (name: string, outcome: JobOutcome<RunRecord>) => void;
  /** Where this process writes its logs (diagnostics reads them). */
  logDir?: string;
  /** The desktop shell's hooks (file manager, clipboard, its preferences); absent in the CLI. */
  desktop?: DesktopHooks;
}

export interface AppServices {
  service: AppService;
  scheduler: Scheduler<RunRecord>;
  state: StateStore;
  close(): void;
}

/**
 * A job's history as the scheduler sees it: dry runs and "Check now" mark nothing done. A ticket
 * check succeeded only if every customer's check did (a failed customer is retried soon); a sync
 * succeeded when it ran to the end.
 */
function jobHistory(state: StateStore, kind: 'sync' | 'tickets') {
  const succeeded = (r: RunRecord) => r.error === undefined && (kind === 'sync' || r.counts.failed === 0);
  // A run stopped on purpose (shutdown) is no attempt: the next start runs the job at once.
  const scheduled = () => state.get().runs.filter((r) => r.kind === kind && !r.dryRun && r.checkNow !== true && r.stopped !== true);
  return {
    lastRun: () => {
      const [last] = scheduled();
      return last ? { startedAt: Date.parse(last.startedAt), ok: succeeded(last) } : null;
    },
    lastSuccess: () => {
      const last = scheduled().find(succeeded);
      return last ? Date.parse(last.startedAt) : null;
    },
  };
}

/** After a ticket check with failed customers, the next one comes this soon (in-window retry). */
export const TICKET_RETRY_MS = 15 * 60_000;

export function createAppServices(options: AppServicesOptions): AppServices {
  const { identity, log } = options;
  const fileNotices: string[] = [];
  const onFileNotice = (message: string) => { fileNotices.push(message); };
  const settings = openSettingsStore({ dir: identity.dataDir, log, onFileNotice, ...(options.openSettings ? { open: options.openSettings } : {}) });
  const state = openStateStore({ dir: identity.dataDir, log, onFileNotice, historyDays: () => settings.get().history.retentionDays });
  const { redactor } = options;
  const umbrellaTokens = new UmbrellaTokenCache(realClock, redactor ? (token, lifetimeMs) => { redactor.addToken(token, lifetimeMs); } : undefined);
  const setup: SyncSetup = {
    settings: () => settings.get(), secrets: options.secrets, state, log, fetch: options.fetch,
    // One set of limiters for every client built from this setup (they supersede setup.umbrellaLimits).
    umbrellaLimiters: folderUmbrellaLimiters(identity.dataDir, options.umbrellaLimits),
    umbrellaTokens,
    ...(options.onRunProgress ? { onRunProgress: options.onRunProgress } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    ...(options.role ? { role: options.role } : {}),
  };
  const sync = new EngineSlot(() => createSyncEngine(setup, { afterSync: billingAfterSync(setup) }));
  const tickets = new EngineSlot(() => createTicketEngine(setup));
  const job = (name: 'sync' | 'tickets', periodMs: number, enabled: () => boolean, run: () => Promise<{ record: RunRecord }>) => ({
    name,
    periodMs,
    ...(name === 'tickets' ? { retryMs: TICKET_RETRY_MS } : {}),
    ...jobHistory(state, name),
    enabled,
    run: async () => (await run()).record,
  });
  const active = () => {
    const current = settings.get();
    return current.psa.kind !== null && !current.schedule.paused;
  };
  const scheduler = new Scheduler([
    job('sync', DAY_MS, () => active() && settings.get().schedule.syncEnabled, () => sync.use((engine) => engine.run())),
    job('tickets', FOUR_HOURS_MS, () => active() && settings.get().ticketing.enabled && settings.get().schedule.ticketsEnabled, () => tickets.use((engine) => engine.run())),
  ], log, options.schedulerClock, options.onJobDone ? { onJobDone: options.onJobDone } : {});
  const service = new AppService({
    identity, settings, secrets: options.secrets, state, sync, tickets, scheduler,
    dropCachedTokens: () => { umbrellaTokens.clear(); },
    fileNotices: () => fileNotices,
    testConnection: (target) => testConnection(setup, target),
    customerOverview: () => customerOverview(setup),
    billingCodes: () => materialBillingCodes(setup),
    billingReport: (day) => billingReport(setup, day),
    findBillingProduct: (reference) => findBillingProduct(setup, reference),
    billing: {
      plan: (effective) => makeBillingPlan(setup, effective),
      apply: async (planId, lines) => (await applyBillingPlan(setup, planId, { lines })).outcomes,
      undo: (changeId) => undoBillingChange(setup, changeId),
      changes: (limit) => billingChanges(setup, { limit }),
    },
    ticketingOptions: (boardId) => ticketingOptions(setup, boardId),
    ...(options.chooseSavePath ? { chooseSavePath: options.chooseSavePath } : {}),
    ...(options.logDir !== undefined ? { logDir: options.logDir } : {}),
    ...(redactor ? { redact: (text: string) => redactor.redact(text) } : {}),
    ...(options.desktop ? { desktop: options.desktop } : {}),
  });
  return {
    service,
    scheduler,
    state,
    close() {
      scheduler.stop();
      state.close();
    },
  };
}
