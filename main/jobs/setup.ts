/**
 * Builds the sync engine from what the user configured: the PSA chosen in the settings, the
 * credentials in the keychain, the mappings. The app, the CLI and demo mode all come through here.
 */
import path from 'node:path';
import type { CredentialKind, RunProgress, Settings } from '../../preload/contract';
import type { FetchLike } from '../adapters/http/client';
import type { Logger } from '../adapters/logging/logger';
import type { PsaCompany, PsaSyncAdapter } from '../adapters/psa/adapter';
import type { BillingReader, BillingWriter } from '../adapters/psa/billing';
import { AutotaskBillingReader } from '../adapters/psa/autotask/billing';
import { AutotaskBillingWriter } from '../adapters/psa/autotask/billing-writer';
import { ConnectWiseBillingReader } from '../adapters/psa/connectwise/billing';
import { ConnectWiseBillingWriter } from '../adapters/psa/connectwise/billing-writer';
import { AutotaskClient } from '../adapters/psa/autotask/client';
import { AutotaskSyncAdapter } from '../adapters/psa/autotask/adapter';
import { ConnectWiseClient } from '../adapters/psa/connectwise/client';
import { ConnectWiseSyncAdapter } from '../adapters/psa/connectwise/adapter';
import type { CredentialValues, SecretStore } from '../adapters/store/secrets';
import type { StateStore } from '../adapters/store/state';
import { UmbrellaClient, type UmbrellaLimiters, type UmbrellaLimits } from '../adapters/umbrella/client';
import { SyncEngine, type SyncDeps } from './sync/engine';
import type { UmbrellaTokenCache } from '../adapters/umbrella/tokens';
import { TicketEngine } from './tickets/engine';
import { AutotaskTicketAdapter, ConnectWiseTicketAdapter, type PsaTicketAdapter } from '../adapters/psa/tickets';

import { NotConfiguredError } from '../domain/errors';
import { withJobLock } from '../adapters/store/file-lock';

export { NotConfiguredError };

export interface SyncSetup {
  settings: () => Settings;
  secrets: Pick<SecretStore, 'get'>;
  state: StateStore;
  log: Logger;
  fetch: FetchLike;
  now?: () => Date;
  umbrellaLimits?: UmbrellaLimits;
  /** One set for all the app's Umbrella clients (sync, tickets, connection test, mapping table). */
  umbrellaLimiters?: UmbrellaLimiters;
  /** One token cache for all the app's Umbrella clients, so a token minted by one engine serves the others. */
  umbrellaTokens?: UmbrellaTokenCache;
  concurrency?: number;
  /** Live progress of every sync and ticket check (the window shows it). */
  onRunProgress?: (progress: RunProgress) => void;
  /** Who this process is, for "a ticket check is already running in ..." (default: the app). */
  role?: string;
  /** Aborted when the process is stopping: the engines start no further customer. */
  stopSignal?: AbortSignal;
  /** How long a job waits for the same job in another process on this folder (default 2 minutes). */
  jobWaitMs?: number;
}

/** Runs a job as the only one of its kind across every process on the settings folder. */
export function exclusiveJob(setup: SyncSetup, job: 'sync' | 'tickets') {
  return <T>(body: () => Promise<T>): Promise<T> => withJobLock({
    dir: path.dirname(setup.state.path), job, role: setup.role ?? 'the app',
    onWait: (message) => { setup.log.info(message); },
    ...(setup.stopSignal ? { stopSignal: setup.stopSignal } : {}),
    ...(setup.jobWaitMs !== undefined ? { waitMs: setup.jobWaitMs } : {}),
  }, body);
}

async function credentials<K extends CredentialKind>(secrets: SyncSetup['secrets'], kind: K, label: string): Promise<CredentialValues<K>> {
  const values = await secrets.get(kind);
  if (!values) throw new NotConfiguredError(`The ${label} credentials are not saved (or incomplete): enter them in step 2 of the setup wizard, or run "umbrella-psa-sync configure".`);
  return values;
}

export type PsaClients = { kind: 'connectwise'; client: ConnectWiseClient } | { kind: 'autotask'; client: AutotaskClient };

/** The Umbrella client, from the settings and the keychain (the PSA's need not be there). */
export async function createUmbrellaClient(setup: SyncSetup, options: { priority?: number } = {}): Promise<UmbrellaClient> {
  const settings = setup.settings();
  const umbrellaCredentials = await credentials(setup.secrets, 'umbrella', 'Cisco Umbrella');
  return new UmbrellaClient({
    ...umbrellaCredentials,
    fetch: setup.fetch,
    ...(settings.endpoints.umbrellaBaseUrl ? { baseUrl: settings.endpoints.umbrellaBaseUrl } : {}),
    ...(setup.umbrellaLimits ? { limits: setup.umbrellaLimits } : {}),
    ...(setup.umbrellaLimiters ? { limiters: setup.umbrellaLimiters } : {}),
    ...(setup.umbrellaTokens ? { tokens: setup.umbrellaTokens } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(setup.stopSignal ? { stopSignal: setup.stopSignal } : {}),
  });
}

/** The Umbrella client and the chosen PSA's client, from the settings and the keychain. */
export async function createVendorClients(setup: SyncSetup, options: { priority?: number } = {}): Promise<{ settings: Settings; umbrella: UmbrellaClient; psa: PsaClients }> {
  const settings = setup.settings();
  const kind = settings.psa.kind;
  if (!kind) throw new NotConfiguredError('No PSA is chosen: pick ConnectWise or Autotask in step 1 of the setup wizard, or run "umbrella-psa-sync configure --psa connectwise|autotask".');
  const umbrella = await createUmbrellaClient(setup, options);
  if (kind === 'connectwise') {
    if (!settings.connectwise.site) throw new NotConfiguredError('The ConnectWise site is not set: enter it in step 2 of the setup wizard, or run "umbrella-psa-sync configure --site HOST" (for example na.myconnectwise.net).');
    const client = new ConnectWiseClient({ ...(await credentials(setup.secrets, 'connectwise', 'ConnectWise')), site: settings.connectwise.site, fetch: setup.fetch });
    return { settings, umbrella, psa: { kind, client } };
  }
  const client = new AutotaskClient({
    ...(await credentials(setup.secrets, 'autotask', 'Autotask')),
    fetch: setup.fetch,
    ...(settings.endpoints.autotaskDiscoveryUrl ? { discoveryUrl: settings.endpoints.autotaskDiscoveryUrl } : {}),
    budget: { share: settings.autotask.apiSharePercent / 100 },
  });
  return { settings, umbrella, psa: { kind, client } };
}

function syncAdapter(setup: SyncSetup, settings: Settings, psa: PsaClients): PsaSyncAdapter {
  return psa.kind === 'connectwise'
    ? new ConnectWiseSyncAdapter(psa.client, setup.state)
    : new AutotaskSyncAdapter(psa.client, setup.state, settings.autotask.materialBillingCodeId, setup.now);
}

export async function createSyncEngine(setup: SyncSetup, options: { afterSync?: SyncDeps['afterSync'] } = {}): Promise<SyncEngine> {
  const { settings, umbrella, psa } = await createVendorClients(setup);
  return new SyncEngine({
    ...(options.afterSync ? { afterSync: options.afterSync } : {}),
    umbrella, psa: syncAdapter(setup, settings, psa), state: setup.state, log: setup.log, mappings: () => setup.settings().mappings,
    exclusive: exclusiveJob(setup, 'sync'),
    ...(setup.stopSignal ? { stopSignal: setup.stopSignal } : {}),
    ...(setup.now ? { now: setup.now } : {}),
    ...(setup.concurrency ? { concurrency: setup.concurrency } : {}),
    ...(setup.onRunProgress ? { onRunProgress: setup.onRunProgress } : {}),
  });
}

/** When the sync and a ticket check both wait for Umbrella's per-key limits (tokens, admin calls), the check goes first: security before statistics. */
export const TICKET_PRIORITY = 1;

export async function createTicketEngine(setup: SyncSetup): Promise<TicketEngine> {
  const { settings, umbrella, psa } = await createVendorClients(setup, { priority: TICKET_PRIORITY });
  const tickets: PsaTicketAdapter = psa.kind === 'connectwise'
    ? new ConnectWiseTicketAdapter(psa.client, settings.ticketing.connectwise)
    : new AutotaskTicketAdapter(psa.client, settings.ticketing.autotask);
  const companies = syncAdapter(setup, settings, psa);
  return new TicketEngine({
    umbrella, psa: tickets, companies: () => companies.companies(), state: setup.state, log: setup.log,
    mappings: () => setup.settings().mappings, threshold: () => setup.settings().ticketing.threshold,
    fallbackCompany: () => setup.settings().ticketing.fallbackCompany, exclusive: exclusiveJob(setup, 'tickets'),
    ...(setup.stopSignal ? { stopSignal: setup.stopSignal } : {}),
    ...(setup.now ? { now: setup.now } : {}),
    ...(setup.onRunProgress ? { onRunProgress: setup.onRunProgress } : {}),
  });
}

/** The billing reader of the chosen PSA (read only), with what a drift report needs beside it. */
export interface BillingClients {
  settings: Settings;
  umbrella: UmbrellaClient;
  reader: BillingReader;
  writer: BillingWriter;
  companies: () => Promise<Map<string, PsaCompany>>;
}

export async function createBillingClients(setup: SyncSetup): Promise<BillingClients> {
  const { settings, umbrella, psa } = await createVendorClients(setup);
  const [reader, writer]: [BillingReader, BillingWriter] = psa.kind === 'connectwise'
    ? [new ConnectWiseBillingReader(psa.client), new ConnectWiseBillingWriter(psa.client)]
    : [new AutotaskBillingReader(psa.client), new AutotaskBillingWriter(psa.client)];
  const adapter = syncAdapter(setup, settings, psa);
  return { settings, umbrella, reader, writer, companies: () => adapter.companies() };
}
