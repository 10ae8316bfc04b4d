/**
 * Builds the sync engine from what the user configured: the PSA chosen in the settings, the
 * credentials in the keychain, the mappings. The app, the CLI and demo mode all come through here.
 */
import type { CredentialKind, Settings } from '../../preload/contract';
import type { FetchLike } from '../http/client';
import type { Logger } from '../log';
import type { PsaSyncAdapter } from '../psa/adapter';
import { AutotaskClient } from '../psa/autotask/client';
import { AutotaskSyncAdapter } from '../psa/autotask/adapter';
import { ConnectWiseClient } from '../psa/connectwise/client';
import { ConnectWiseSyncAdapter } from '../psa/connectwise/adapter';
import type { CredentialValues, SecretStore } from '../store/secrets';
import type { StateStore } from '../store/state';
import { UmbrellaClient, type UmbrellaLimits } from '../umbrella/client';
import { SyncEngine } from './engine';

import { NotConfiguredError } from './setup-errors';

export { NotConfiguredError };

export interface SyncSetup {
  settings: () => Settings;
  secrets: Pick<SecretStore, 'get'>;
  state: StateStore;
  log: Logger;
  fetch: FetchLike;
  now?: () => Date;
  umbrellaLimits?: UmbrellaLimits;
  concurrency?: number;
}

async function credentials<K extends CredentialKind>(secrets: SyncSetup['secrets'], kind: K, label: string): Promise<CredentialValues<K>> {
  const values = await secrets.get(kind);
  if (!values) throw new NotConfiguredError(`The ${label} credentials are not saved (or incomplete): enter them in step 2 of the setup wizard, or run "umbrella-psa-sync configure".`);
  return values;
}

export async function createSyncEngine(setup: SyncSetup): Promise<SyncEngine> {
  const settings = setup.settings();
  const kind = settings.psa.kind;
  if (!kind) throw new NotConfiguredError('No PSA is chosen: pick ConnectWise or Autotask in step 1 of the setup wizard, or run "umbrella-psa-sync configure --psa connectwise|autotask".');
  const umbrellaCredentials = await credentials(setup.secrets, 'umbrella', 'Cisco Umbrella');
  const umbrella = new UmbrellaClient({
    ...umbrellaCredentials,
    fetch: setup.fetch,
    ...(settings.endpoints.umbrellaBaseUrl ? { baseUrl: settings.endpoints.umbrellaBaseUrl } : {}),
    ...(setup.umbrellaLimits ? { limits: setup.umbrellaLimits } : {}),
  });
  let psa: PsaSyncAdapter;
  if (kind === 'connectwise') {
    if (!settings.connectwise.site) throw new NotConfiguredError('The ConnectWise site is not set: enter it in step 2 of the setup wizard (for example na.myconnectwise.net).');
    const client = new ConnectWiseClient({ ...(await credentials(setup.secrets, 'connectwise', 'ConnectWise')), site: settings.connectwise.site, fetch: setup.fetch });
    psa = new ConnectWiseSyncAdapter(client, setup.state);
  } else {
    const client = new AutotaskClient({
      ...(await credentials(setup.secrets, 'autotask', 'Autotask')),
      fetch: setup.fetch,
      ...(settings.endpoints.autotaskDiscoveryUrl ? { discoveryUrl: settings.endpoints.autotaskDiscoveryUrl } : {}),
    });
    psa = new AutotaskSyncAdapter(client, setup.state, settings.autotask.materialBillingCodeId, setup.now);
  }
  return new SyncEngine({
    umbrella, psa, state: setup.state, log: setup.log, mappings: () => setup.settings().mappings,
    ...(setup.now ? { now: setup.now } : {}),
    ...(setup.concurrency ? { concurrency: setup.concurrency } : {}),
  });
}
