/**
 * Umbrella allows 20 tokens a minute per API key, and every process on a settings folder uses the same
 * key: commands run one after another (or the CLI while the service runs) share that budget.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { CREDENTIAL_FIELDS } from '../../preload/contract';
import { demoMappings, DEMO_TICKETING } from '../../main/app/demo';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { accountName } from '../../main/adapters/store/secrets';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { checkExchanges } from '../contract/openapi';
import { tempDir } from '../helpers/fixtures';

const exec = promisify(execFile);
/** Umbrella's token minute becomes 3 s, in the simulator and in each command alike. */
const SCALE = 20;
let sims: DemoSimulators | null = null;

afterEach(async () => {
  await sims?.stop();
  sims = null;
});

it('three sync commands run back to back on one folder share the key\'s tokens: each waits for what the one before minted, and Umbrella answers no 429', async () => {
  sims = await startDemoSimulators({ rateLimits: true, limitScale: SCALE });
  const dataDir = tempDir();
  const credentials = tempDir();
  for (const kind of ['umbrella', 'connectwise'] as const) {
    for (const field of CREDENTIAL_FIELDS[kind]) fs.writeFileSync(path.join(credentials, accountName(kind, field)), (DEMO_CREDENTIALS[kind] as Record<string, string>)[field] ?? '');
  }
  openSettingsStore({ dir: dataDir, log: memoryLogger() }).update({
    psa: { kind: 'connectwise' }, connectwise: { site: sims.urls.connectwiseSite }, ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: null }, mappings: demoMappings(sims, 'connectwise'),
  });
  const env = { ...process.env, NODE_ENV: 'test', UMBRELLA_PSA_TEST_LIMIT_SCALE: String(SCALE), CREDENTIALS_DIRECTORY: credentials };
  const sync = () => exec(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'sync', '--data-dir', dataDir], { env, timeout: 60_000 });
  for (let i = 0; i < 3; i++) {
    const { stdout } = await sync();
    expect(stdout).toMatch(/Sync finished in [\d.]+ s: .* 0 failed\./);
  }
  const tokens = sims.umbrella.exchanges.filter((e) => e.path === '/auth/v2/token');
  // Each sync mints one token per customer it syncs (21) and the provider's: more than one window's worth.
  expect(tokens.length).toBeGreaterThanOrEqual(3 * 21);
  expect(tokens.filter((e) => e.status === 429)).toEqual([]);
  expect(checkExchanges(sims.umbrella.exchanges)).toEqual([]);
  // The budget file keeps only the last window's requests.
  const kept = JSON.parse(fs.readFileSync(path.join(dataDir, 'umbrella-token-budget.json'), 'utf8')) as unknown[];
  expect(kept.length).toBeLessThanOrEqual(25);
}, 120_000);
