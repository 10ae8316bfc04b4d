/**
 * The one façade the UI (over IPC) and the CLI use. Plain TypeScript: no Electron here.
 */
import type {
  AppInfo,
  CredentialKind,
  CredentialsStatus,
  ParsedRequestOf,
  Settings,
  SettingsPatch,
} from '../preload/contract';
import type { CustomerOverview, RunRecord, SyncRunView } from '../preload/contract';
import type { Scheduler } from './scheduler';
import type { ConnectionTarget } from './connection';
import type { SecretStore } from './store/secrets';
import type { SettingsStore } from './store/settings';
import type { StateStore } from './store/state';
import type { EngineSlot } from './sync/controller';
import type { SyncEngine } from './sync/engine';
import type { TicketEngine, TicketRun } from './tickets/engine';
import type { SyncProgress } from './sync/engine';

export interface AppIdentity {
  name: string;
  productName: string;
  version: string;
  demo: boolean;
  dataDir: string;
}

export interface ServiceDeps {
  identity: AppIdentity;
  settings: SettingsStore;
  secrets: SecretStore;
  state: StateStore;
  sync: EngineSlot<SyncEngine>;
  tickets: EngineSlot<TicketEngine>;
  scheduler?: Scheduler;
  onSyncProgress?: (progress: SyncProgress) => void;
  testConnection: (target: ConnectionTarget) => Promise<string>;
  customerOverview: () => Promise<CustomerOverview>;
}

export class AppService {
  constructor(private readonly deps: ServiceDeps) {}

  private invalidate(): void {
    this.deps.sync.invalidate();
    this.deps.tickets.invalidate();
  }

  getAppInfo(): AppInfo {
    return { ...this.deps.identity, platform: process.platform };
  }

  getSettings(): Settings {
    return this.deps.settings.get();
  }

  saveSettings(patch: SettingsPatch): Settings {
    const saved = this.deps.settings.update(patch);
    this.invalidate();
    return saved;
  }

  async setCredentials(request: ParsedRequestOf<'setCredentials'>): Promise<CredentialsStatus> {
    await this.deps.secrets.set(request.kind, request.values);
    this.invalidate();
    return this.deps.secrets.status();
  }

  getCredentialsStatus(): Promise<CredentialsStatus> {
    return this.deps.secrets.status();
  }

  async clearCredentials(kind: CredentialKind): Promise<CredentialsStatus> {
    await this.deps.secrets.clear(kind);
    this.invalidate();
    return this.deps.secrets.status();
  }

  /** "Sync now" (or a dry-run preview); joins a run already going. */
  runSync(dryRun: boolean): Promise<SyncRunView> {
    const progress = this.deps.onSyncProgress ? { onProgress: this.deps.onSyncProgress } : {};
    return this.deps.sync.use((engine) => engine.run({ dryRun, ...progress }));
  }

  /** "Check tickets now": the current partial window, without marking it done. */
  async checkTickets(): Promise<TicketRun> {
    return this.deps.tickets.use((engine) => engine.run({ checkNow: true }));
  }

  /** "Test connection" for Umbrella or the chosen PSA, with the saved settings and credentials. */
  async testConnection(target: ConnectionTarget): Promise<{ message: string }> {
    return { message: await this.deps.testConnection(target) };
  }

  /** The mapping table: Umbrella customers, their mapping, suggestions, and the PSA's companies. */
  getCustomerOverview(): Promise<CustomerOverview> {
    return this.deps.customerOverview();
  }

  /** "Send test ticket" with the chosen ticketing settings. */
  async sendTestTicket(): Promise<{ ticketId: number }> {
    return { ticketId: await this.deps.tickets.use((engine) => engine.sendTestTicket()) };
  }

  getRunHistory(): RunRecord[] {
    return this.deps.state.get().runs;
  }

  getScheduleStatus(): { name: string; nextRunAt: string; running: boolean }[] {
    return (this.deps.scheduler?.status() ?? []).map((s) => ({ ...s, nextRunAt: new Date(s.nextRunAt).toISOString() }));
  }
}
