/** Real child processes on a settings folder: the CLI, the service, a test process. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import type { PsaKind, Settings } from '../../preload/contract';
import { DEMO_TICKETING } from '../../main/app/demo';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { createSecretStore, loadKeytar } from '../../main/adapters/store/secrets';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { realSecretStore } from './fixtures';
import type { SyncHarness } from './sync';

const exec = promisify(execFile);

/** Runs a TypeScript entry point to its end with the keychain service given; failures are returned, not thrown. */
export function node(script: string, args: string[], service: string) {
  return exec(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, UMBRELLA_PSA_KEYCHAIN_SERVICE: service }, timeout: 120_000,
  }).catch((error: unknown) => error as { code: number; stdout: string; stderr: string });
}

/**
 * A long-running child of the built bin (out/, as `npm run build` leaves it: what a user runs, with
 * no loader in between to relay signals), its output collected as it comes.
 */
export function startBin(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['out/main/cli.js', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code); }); });
  return { child, output: () => text, exited };
}

/** A settings folder set up as the wizard would, pointing at the harness's simulators; returns its keychain service. */
export async function configuredFolder(h: SyncHarness, kind: PsaKind, schedule: Settings['schedule'] = { syncEnabled: true, ticketsEnabled: true, paused: false }): Promise<string> {
  const { service } = await realSecretStore();
  const secrets = createSecretStore(await loadKeytar(), service);
  for (const credential of ['umbrella', kind] as const) await secrets.set(credential, DEMO_CREDENTIALS[credential]);
  openSettingsStore({ dir: h.dir, log: memoryLogger() }).update({
    psa: { kind }, connectwise: { site: h.connectwise.url }, autotask: { materialBillingCodeId: 29682801 },
    endpoints: { umbrellaBaseUrl: h.umbrella.url, autotaskDiscoveryUrl: h.autotask.discoveryUrl },
    ticketing: DEMO_TICKETING, schedule, mappings: h.mappings,
  });
  return service;
}
