/**
 * Removing the PSA integration (step 1's "Remove integration", and `configure --psa` to the other PSA with
 * --switch-psa): the PSA's credentials, site, billing code and ticketing choices go; the customer mappings,
 * the Umbrella credentials and the history stay. The keychain goes first, so a keychain failure leaves
 * everything as it was.
 */
import { TicketingSettingsSchema, type Settings } from '../../preload/contract';
import type { SecretStore } from '../adapters/store/secrets';
import type { SettingsStore } from '../adapters/store/settings';

export async function removePsaIntegration(settings: Pick<SettingsStore, 'update'>, secrets: Pick<SecretStore, 'clear'>): Promise<Settings> {
  await secrets.clear('connectwise');
  await secrets.clear('autotask');
  return settings.update({
    psa: { kind: null },
    connectwise: { site: '' },
    autotask: { materialBillingCodeId: null },
    ticketing: TicketingSettingsSchema.parse({}),
  });
}
