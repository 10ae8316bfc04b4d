/**
 * The one façade the UI (over IPC) and the CLI use. Plain TypeScript: no Electron here.
 */
import { writeFileSync } from 'atomically';
import { describeError, NotConfiguredError } from '../domain/errors';
import { diagnosticsReport } from './diagnostics';
import { recentLogLines } from '../adapters/logging/file-log';
import { learnSavedSecrets } from '../adapters/store/redacting-secrets';
import type {
  AppInfo,
  CredentialKind,
  CredentialsStatus,
  ParsedRequestOf,
  Settings,
  SettingsPatch,
} from '../../preload/contract';
import {
  BILLING_CHANGES_SHOWN, type ApplyOutcome, type BillingChange, type BillingCodeOption, type BillingPlan, type CustomerDetail, type DriftReport, type EffectiveChoice, type PsaKind,
  type CustomerOverview, type PsaWritesView, type RunRecord, type SyncRunView, type TicketingOptions,
} from '../../preload/contract';
import type { Scheduler } from '../jobs/scheduler';
import type { ConnectionTarget } from './connection';
import type { SecretStore } from '../adapters/store/secrets';
import type { SettingsStore } from '../adapters/store/settings';
import type { StateStore } from '../adapters/store/state';
import type { BillingProduct as BillingProductView } from '../adapters/psa/billing';
import { customerDetail, runChanges } from './history-view';
import { billingProductPatch } from '../jobs/billing/report';
import { effectiveDay } from '../jobs/billing/writeback';
import type { EngineSlot } from '../jobs/engine-slot';
import type { SyncEngine } from '../jobs/sync/engine';
import type { TicketEngine } from '../jobs/tickets/engine';
import type { TicketRun } from '../jobs/tickets/types';
import type { AppIdentity } from './identity';
import { removePsaIntegration } from './integration';

/** The window asked for a change only the local user may make (outside the window). */
export class NotAllowedError extends Error {
  override readonly name = 'NotAllowedError';
}

/** A file the user asked to save could not be written, or a folder could not be opened; the message says where and why. */
export class FileSaveError extends Error {
  override readonly name = 'FileSaveError';
}

export interface ServiceDeps {
  identity: AppIdentity;
  settings: SettingsStore;
  secrets: SecretStore;
  state: StateStore;
  sync: EngineSlot<SyncEngine>;
  tickets: EngineSlot<TicketEngine>;
  scheduler?: Scheduler<RunRecord>;
  testConnection: (target: ConnectionTarget) => Promise<string>;
  customerOverview: () => Promise<CustomerOverview>;
  billingCodes: () => Promise<BillingCodeOption[]>;
  /** The seat drift report on a day (YYYY-MM-DD), and the product it reads, from the saved settings. */
  billingReport: (day: string) => Promise<DriftReport>;
  findBillingProduct: (reference: string) => Promise<{ kind: PsaKind; product: BillingProductView }>;
  /** Billing write-back: plans, approved changes, undo, the ledger (jobs/billing/writeback.ts). */
  billing: {
    plan: (effective: string) => Promise<BillingPlan>;
    apply: (planId: number, lines: number[]) => Promise<ApplyOutcome[]>;
    undo: (changeId: number) => Promise<ApplyOutcome>;
    changes: (limit: number) => BillingChange[];
  };
  /** The OS save dialog (Electron's in the app, a stub in tests); null when the user cancels. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  ticketingOptions: (boardId: number | null) => Promise<TicketingOptions>;
  /** Files found damaged at start-up and moved or copied aside (the window shows them). */
  fileNotices?: () => readonly string[];
  /** Credentials or endpoints changed: no cached Umbrella token is used again. */
  dropCachedTokens?: () => void;
  /** Where this process writes its log files; diagnostics reads their last lines. */
  logDir?: string;
  /** The log redaction: diagnostics goes through it too. */
  redact?: (text: string) => string;
  /** The desktop shell's part: the OS file manager, the clipboard, and its own preferences. */
  desktop?: DesktopHooks;
}

export interface DesktopHooks {
  openFolder(dir: string): Promise<void>;
  copyText(text: string): Promise<void>;
  /** Settings were saved: the shell applies what is its own (start at login). */
  settingsSaved?(settings: Settings): void;
}

export class AppService {
  constructor(private readonly deps: ServiceDeps) {}

  private invalidate(): void {
    this.deps.sync.invalidate();
    this.deps.tickets.invalidate();
    this.deps.dropCachedTokens?.();
  }

  getAppInfo(): AppInfo {
    const notices = this.deps.fileNotices?.() ?? [];
    return { ...this.deps.identity, platform: process.platform, ...(notices.length > 0 ? { notices: notices.slice(-20) } : {}) };
  }

  getSettings(): Settings {
    return this.deps.settings.get();
  }

  saveSettings(patch: SettingsPatch): Settings {
    const saved = this.deps.settings.update(patch);
    this.invalidate();
    if (patch.desktop !== undefined) this.deps.desktop?.settingsSaved?.(saved);
    return saved;
  }

  /**
   * saveSettings as the window may do it: a compromised renderer must not be able to send the saved
   * keys elsewhere. The vendor endpoints cannot be changed from the window (outside demo and test
   * builds), and a new ConnectWise site forgets the ConnectWise keys saved for the old one, so they
   * are entered again for the new site.
   */
  async saveSettingsFromWindow(patch: SettingsPatch): Promise<Settings> {
    if (patch.endpoints !== undefined && this.deps.identity.windowMaySetEndpoints !== true) {
      throw new NotAllowedError('Where the app sends the credentials (the vendor endpoints) cannot be changed from the window. Use the command line: umbrella-psa-sync configure --umbrella-url URL / --autotask-url URL.');
    }
    const savedSite = this.deps.settings.get().connectwise.site;
    if (patch.connectwise?.site !== undefined && savedSite !== '' && patch.connectwise.site !== savedSite) {
      // The keychain first: if it fails, the site stays as it was and the keys with it.
      await this.deps.secrets.clear('connectwise');
    }
    return this.saveSettings(patch);
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

  /**
   * Step 1's "Remove integration": the PSA's credentials, site, billing code and ticketing choices go;
   * the customer mappings, the Umbrella credentials and the history stay. The keychain goes first, so
   * a keychain failure leaves everything as it was.
   */
  async removeIntegration(): Promise<{ settings: Settings; credentials: CredentialsStatus }> {
    const settings = await removePsaIntegration(this.deps.settings, this.deps.secrets);
    this.invalidate();
    return { settings, credentials: await this.deps.secrets.status() };
  }

  /** Step 2 (Autotask): the tenant's active material billing codes. */
  listBillingCodes(): Promise<BillingCodeOption[]> {
    return this.deps.billingCodes();
  }

  /** Step 3: the boards or queues, then the lists that depend on the board. */
  getTicketingOptions(boardId: number | null): Promise<TicketingOptions> {
    return this.deps.ticketingOptions(boardId);
  }

  /** Saves a CSV the window produced (the mapping export) where the user chooses. */
  async saveCsvFile(fileName: string, contents: string): Promise<{ saved: boolean; path: string | null }> {
    if (!this.deps.chooseSavePath) throw new NotConfiguredError('Saving files needs the app window (no save dialog here).');
    const target = await this.deps.chooseSavePath(fileName);
    if (target === null) return { saved: false, path: null };
    try {
      writeFileSync(target, contents, { encoding: 'utf8' });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : describeError(error);
      throw new FileSaveError(`The file could not be saved to ${target} (${reason}): choose another folder.`);
    }
    return { saved: true, path: target };
  }

  /** "Sync now" (or a dry-run preview); joins a run already going. */
  runSync(dryRun: boolean): Promise<SyncRunView> {
    return this.deps.sync.use((engine) => engine.run({ dryRun }));
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

  /** "Send test ticket" with the saved ticketing settings, to the company given or the first mapped one. */
  async sendTestTicket(psaCompany?: string): Promise<{ ticketId: number; company: string }> {
    const { ticketId, company } = await this.deps.tickets.use((engine) => engine.sendTestTicket(psaCompany));
    return { ticketId, company: company.name };
  }

  /** Seat drift per customer on a day (today, UTC, unless given): read only. */
  getBillingReport(day?: string): Promise<DriftReport> {
    return this.deps.billingReport(day ?? new Date().toISOString().slice(0, 10));
  }

  /** Chooses the product that bills Umbrella seats in the chosen PSA, checked there first. */
  async setBillingProduct(reference: string): Promise<BillingProductView> {
    const { kind, product } = await this.deps.findBillingProduct(reference);
    this.deps.settings.update(billingProductPatch(kind, product.id));
    return product;
  }

  /** The billing plan for an effective day (today or the first of next month, UTC); nothing is written. */
  makeBillingPlan(effective: EffectiveChoice): Promise<BillingPlan> {
    return this.deps.billing.plan(effectiveDay(effective, new Date()));
  }

  /** Applies the approved lines of a saved plan, each exactly once. */
  applyBillingPlan(planId: number, lines: number[]): Promise<ApplyOutcome[]> {
    return this.deps.billing.apply(planId, lines);
  }

  undoBillingChange(changeId: number): Promise<ApplyOutcome> {
    return this.deps.billing.undo(changeId);
  }

  getBillingChanges(): BillingChange[] {
    return this.deps.billing.changes(BILLING_CHANGES_SHOWN);
  }

  /** A customer as the app last wrote it to the PSA, and its latest writes (configuration changes, tickets, notes). */
  getCustomerDetail(orgId: number): CustomerDetail {
    return customerDetail(this.deps.state, this.deps.settings.get().psa.kind, orgId);
  }

  /** What one run wrote to the PSA. */
  getRunChanges(runId: string): PsaWritesView {
    return runChanges(this.deps.state, this.deps.settings.get().psa.kind, runId);
  }

  getRunHistory(): RunRecord[] {
    return this.deps.state.get().runs;
  }

  getScheduleStatus(): { name: string; nextRunAt: string; running: boolean }[] {
    return (this.deps.scheduler?.status() ?? []).map((s) => ({ ...s, nextRunAt: new Date(s.nextRunAt).toISOString() }));
  }

  /** The redacted diagnostics report: versions, settings without secrets, last runs, recent log lines. */
  async diagnostics(now = new Date()): Promise<string> {
    const logDir = this.deps.logDir ?? '(no log folder)';
    let credentials: CredentialsStatus | string;
    try {
      // Read every saved secret first: the redaction learns them all, whichever this process has used so far.
      await learnSavedSecrets(this.deps.secrets);
      credentials = await this.getCredentialsStatus();
    } catch (error) {
      credentials = `the keychain could not be read (${describeError(error)})`;
    }
    return diagnosticsReport({
      identity: this.deps.identity, now, versions: process.versions,
      settings: this.getSettings(), credentials,
      runs: this.getRunHistory(), schedule: this.getScheduleStatus(),
      logDir, logLines: this.deps.logDir ? recentLogLines(this.deps.logDir) : [], notices: this.deps.fileNotices?.() ?? [],
    }, this.deps.redact ?? ((text) => text));
  }

  async copyDiagnostics(): Promise<{ characters: number }> {
    const { desktop } = this.deps;
    if (!desktop) throw new NotConfiguredError('Copying to the clipboard needs the app window; on the command line run: umbrella-psa-sync diagnostics');
    const report = await this.diagnostics();
    await desktop.copyText(report);
    return { characters: report.length };
  }

  async openLogsFolder(): Promise<{ path: string }> {
    const { desktop, logDir } = this.deps;
    if (!desktop || !logDir) throw new NotConfiguredError('Opening the log folder needs the app window.');
    try {
      await desktop.openFolder(logDir);
    } catch (error) {
      throw new FileSaveError(`The log folder ${logDir} could not be opened (${describeError(error)}). Open it in your file manager.`);
    }
    return { path: logDir };
  }
}
