/**
 * "Test connection": proves the saved settings and credentials against the vendor, and says what is
 * wrong in the vendor's terms (wrong keys, unknown company ID or API user, unreachable site, missing
 * permission, no default configuration status) instead of a generic failure.
 */
import { PsaSetupError } from '../adapters/psa/adapter';
import { createUmbrellaClient, createVendorClients, type SyncSetup } from '../jobs/setup';

export type ConnectionTarget = 'umbrella' | 'psa';

export async function testConnection(setup: SyncSetup, target: ConnectionTarget): Promise<string> {
  if (target === 'umbrella') {
    // Umbrella alone: missing PSA credentials are the PSA test's business, not Umbrella's.
    const { customers } = await (await createUmbrellaClient(setup)).testConnection();
    return `Connected to Cisco Umbrella: ${String(customers)} customer organization(s).`;
  }
  const { psa } = await createVendorClients(setup);
  if (psa.kind === 'connectwise') {
    const { codebase } = await psa.client.testConnection();
    const statuses = await psa.client.listConfigurationStatuses();
    if (!statuses.some((s) => s.defaultFlag === true)) {
      throw new PsaSetupError('Connected, but no configuration status is marked as default in ConnectWise. Open System > Setup Tables > Configuration Status, open "Active" (or create it), tick "Default", and save.');
    }
    return `Connected to ConnectWise PSA (codebase ${codebase.replace(/\/$/, '')}).`;
  }
  const { webUrl } = await psa.client.testConnection();
  return `Connected to Autotask${webUrl ? ` (${new URL(webUrl).host})` : ''}.`;
}
