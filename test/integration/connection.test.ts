import { afterEach, describe, expect, it } from 'vitest';
import type { CredentialKind, Settings } from '../../preload/contract';
import { SettingsSchema } from '../../preload/contract';
import { testConnection } from '../../main/app/connection';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openStateStore } from '../../main/adapters/store/state-database';
import type { SyncSetup } from '../../main/jobs/setup';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { closedPort } from '../helpers/fixtures';
import { startSyncHarness, type SyncHarness } from '../helpers/sync';

let h: SyncHarness;
afterEach(async () => { await h.stop(); });

function setup(kind: 'connectwise' | 'autotask', override: Partial<Record<CredentialKind, Record<string, string>>> = {}, site?: string): SyncSetup {
  const settings: Settings = SettingsSchema.parse({
    psa: { kind }, connectwise: { site: site ?? h.connectwise.url },
    endpoints: { umbrellaBaseUrl: h.umbrella.url, autotaskDiscoveryUrl: h.autotask.discoveryUrl },
  });
  return {
    settings: () => settings,
    secrets: { get: (k) => Promise.resolve({ ...DEMO_CREDENTIALS[k], ...override[k] } as never) },
    state: openStateStore({ dir: h.dir, log: memoryLogger() }), log: memoryLogger(), fetch: (u, i) => fetch(u, i),
    umbrellaLimits: { token: [], admin: [], reportsPerOrg: [] },
  };
}

describe('Test connection', () => {
  it('says what works, in the vendor\'s terms', async () => {
    h = await startSyncHarness('connectwise');
    expect(await testConnection(setup('connectwise'), 'umbrella')).toBe('Connected to Cisco Umbrella: 25 customer organization(s).');
    expect(await testConnection(setup('connectwise'), 'psa')).toBe('Connected to ConnectWise PSA (codebase v2025_1).');
    expect(await testConnection(setup('autotask'), 'psa')).toMatch(/^Connected to Autotask \(127\.0\.0\.1:\d+\)\.$/);
  });

  it('names the specific problem: wrong keys, unknown company or user, unreachable site', async () => {
    h = await startSyncHarness('connectwise');
    await expect(testConnection(setup('connectwise', { umbrella: { apiSecret: 'nope' } }), 'umbrella')).rejects.toThrow(/rejected the API key and secret \(401\)/);
    await expect(testConnection(setup('connectwise', { connectwise: { privateKey: 'nope' } }), 'psa')).rejects.toThrow(/ConnectWise rejected the credentials \(401\)/);
    await expect(testConnection(setup('connectwise', { connectwise: { companyId: 'nosuch' } }), 'psa')).rejects.toThrow(/does not know the company ID that was entered/);
    await expect(testConnection(setup('connectwise', {}, `http://127.0.0.1:${String(await closedPort())}`), 'psa')).rejects.toThrow(/could not be reached \(tried http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED\).*\)\. Check the site name/);
    await expect(testConnection(setup('autotask', { autotask: { username: 'someone@else.example' } }), 'psa')).rejects.toThrow(/does not know the API username/);
  });

  it('a ConnectWise without a default configuration status fails the check with the fix', async () => {
    h = await startSyncHarness('connectwise', { noDefaultStatus: true });
    await expect(testConnection(setup('connectwise'), 'psa')).rejects.toThrow(/no configuration status is marked as default.*System > Setup Tables > Configuration Status/);
  });
});
