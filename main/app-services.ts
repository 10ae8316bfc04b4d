/**
 * Builds the app's services on a settings folder: settings, keychain, state file, the sync
 * controller and the schedule. Electron-free: main/index.ts, the CLI and the e2e harness share it.
 */
import type { FetchLike } from './http/client';
import type { Logger } from './log';
import { DAY_MS, Scheduler, type SchedulerClock } from './scheduler';
import { AppService, type AppIdentity } from './service';
import type { SecretStore } from './store/secrets';
import { openSettingsStore, type BackendFactory } from './store/settings';
import { openStateStore, type StateStore } from './store/state';
import { SyncController } from './sync/controller';
import type { SyncProgress } from './sync/engine';
import { createSyncEngine } from './sync/setup';
import type { UmbrellaLimits } from './umbrella/client';

export interface AppServicesOptions {
  identity: AppIdentity;
  secrets: SecretStore;
  log: Logger;
  fetch: FetchLike;
  openSettings?: BackendFactory;
  schedulerClock?: SchedulerClock;
  umbrellaLimits?: UmbrellaLimits;
  onSyncProgress?: (progress: SyncProgress) => void;
}

export interface AppServices {
  service: AppService;
  scheduler: Scheduler;
  state: StateStore;
  close(): void;
}

/** The latest real (not dry-run) sync in the history, as the scheduler sees it. */
function lastSync(state: StateStore, successOnly: boolean) {
  return state.get().runs.find((r) => r.kind === 'sync' && !r.dryRun && (!successOnly || r.error === undefined)) ?? null;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const { identity, log } = options;
  const settings = openSettingsStore({ dir: identity.dataDir, log, ...(options.openSettings ? { open: options.openSettings } : {}) });
  const state = openStateStore({ dir: identity.dataDir, log });
  const sync = new SyncController(() => createSyncEngine({
    settings: () => settings.get(), secrets: options.secrets, state, log, fetch: options.fetch,
    ...(options.umbrellaLimits ? { umbrellaLimits: options.umbrellaLimits } : {}),
  }));
  const scheduler = new Scheduler([{
    name: 'sync',
    periodMs: DAY_MS,
    lastRun: () => {
      const run = lastSync(state, false);
      return run ? { startedAt: Date.parse(run.startedAt), ok: run.error === undefined } : null;
    },
    lastSuccess: () => {
      const run = lastSync(state, true);
      return run ? Date.parse(run.startedAt) : null;
    },
    enabled: () => {
      const current = settings.get();
      return current.psa.kind !== null && current.schedule.syncEnabled && !current.schedule.paused;
    },
    run: async () => { await sync.run(); },
  }], log, options.schedulerClock);
  const service = new AppService({
    identity, settings, secrets: options.secrets, state, sync, scheduler,
    ...(options.onSyncProgress ? { onSyncProgress: options.onSyncProgress } : {}),
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
