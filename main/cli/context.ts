/**
 * What every command that talks to a vendor needs: the settings of the data folder, the keychain
 * (or, with --demo, the in-process simulators and their demo credentials), the state file, and one
 * error report with the exit code it means; everything is closed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkg from '../../package.json';
import { PSA_NAMES, type PsaKind, type RunProgress, type Settings } from '../../preload/contract';
import { DEMO_CREDENTIALS, DEMO_LIMIT_SCALE, DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { demoMappings, DEMO_TICKETING } from '../app/demo';
import { describeError } from '../domain/errors';
import type { Logger } from '../adapters/logging/logger';
import { PRODUCT_NAME } from '../adapters/store/paths';
import type { AppIdentity } from '../app/identity';
import { type SecretStore } from '../adapters/store/secrets';
import { openSettingsStore, type SettingsStore } from '../adapters/store/settings';
import { openStateStore } from '../adapters/store/state-database';
import type { SyncSetup } from '../jobs/setup';
import { scaleUmbrellaLimits, UMBRELLA_LIMITS, type UmbrellaLimits } from '../adapters/umbrella/limits';
import { folderUmbrellaLimiters } from '../adapters/umbrella/token-budget';
import { exitCodeOf, type ExitCode } from './exit-codes';
import { cliCredentials } from './credentials';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CommandTarget {
  demo: boolean;
  psa: PsaKind | undefined;
  /** Settings and state folder (for --demo without --data-dir: a fresh temporary one). */
  dataDir: string;
  /** Machine-readable output: progress and notes go to stderr, the result to stdout. */
  json?: boolean;
}

/** Who the CLI is to the services (the service and diagnostics commands). */
export function cliIdentity(dataDir: string): AppIdentity {
  return { name: pkg.name, productName: PRODUCT_NAME, version: pkg.version, demo: false, dataDir };
}

/** A folder for a demo run's settings and state when none is given: fresh each time. */
export function demoDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'umbrella-psa-sync-demo-'));
}

/** Settings and credentials for a demo run: the stored mappings, everything else pointing at the simulators. */
async function demoSetup(settingsStore: SettingsStore, kind: PsaKind, say: (line: string) => void, anchor?: number) {
  const demo = await startDemoSimulators({ rateLimits: true, limitScale: DEMO_LIMIT_SCALE, ...(anchor ? { anchor } : {}) });
  if (Object.keys(settingsStore.get().mappings).length === 0) settingsStore.update({ mappings: demoMappings(demo, kind) });
  const settings = (): Settings => ({
    ...settingsStore.get(),
    psa: { kind },
    connectwise: { site: demo.urls.connectwiseSite },
    autotask: { ...settingsStore.get().autotask, materialBillingCodeId: DEMO_MATERIAL_BILLING_CODE },
    ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: demo.urls.umbrella, autotaskDiscoveryUrl: demo.urls.autotaskDiscovery },
  });
  // The demo credentials only open the local simulators; they never go into the keychain.
  const secrets: Pick<SecretStore, 'get'> = { get: (credentialKind) => Promise.resolve({ ...DEMO_CREDENTIALS[credentialKind] } as never) };
  say(`Demo: ${String(demo.world.customers.length)} Umbrella customers, the ${PSA_NAMES[kind]} simulator; settings and state in ${path.dirname(settingsStore.path)}`);
  return { demo, settings, secrets };
}

/**
 * Test-only hook (NODE_ENV=test and UMBRELLA_PSA_TEST_LIMIT_SCALE): Umbrella's windows compressed, so
 * that tests of many commands in a row need not wait real minutes for tokens. Ignored otherwise.
 */
export function testLimits(env: NodeJS.ProcessEnv = process.env): { umbrellaLimits?: UmbrellaLimits } {
  const scale = env.NODE_ENV === 'test' ? Number(env.UMBRELLA_PSA_TEST_LIMIT_SCALE) : Number.NaN;
  return Number.isFinite(scale) && scale > 1 ? { umbrellaLimits: scaleUmbrellaLimits(UMBRELLA_LIMITS, scale) } : {};
}

export interface CommandContext {
  setup: SyncSetup;
  settings: SettingsStore;
  /** Reports a fatal error once (an engine that logged it already is not repeated). */
  reportError: (message: string) => void;
  /** Where progress, notes and human lines go: stdout, or stderr when stdout carries JSON. */
  say: (line: string) => void;
}

/**
 * Runs `body` with a set-up on the data folder; a thrown error is reported once and turned into its
 * exit code (2 for usage or configuration, 3 when it could not run).
 */
export async function withCommandSetup(target: CommandTarget, io: CliIo, baseLog: Logger, body: (context: CommandContext) => Promise<ExitCode>, demoAnchor?: number): Promise<ExitCode> {
  let demo: DemoSimulators | null = null;
  // An engine logs its fatal error and also returns it in the run: say it once.
  const said = new Set<string>();
  const log: Logger = { ...baseLog, error: (message) => { said.add(message); io.err(`Error: ${message}`); } };
  const reportError = (message: string) => { if (!said.has(message)) io.err(`Error: ${message}`); };
  const say = target.json ? io.err : io.out;
  try {
    const settingsStore = openSettingsStore({ dir: target.dataDir, log });
    let settings: () => Settings = () => settingsStore.get();
    let secrets: Pick<SecretStore, 'get'>;
    if (target.demo) {
      ({ demo, settings, secrets } = await demoSetup(settingsStore, target.psa ?? 'connectwise', say, demoAnchor));
    } else {
      secrets = (await cliCredentials()).store;
    }
    const state = openStateStore({ dir: target.dataDir, log, historyDays: () => settingsStore.get().history.retentionDays });
    try {
      // The demo simulators enforce every limit with compressed windows: the client keeps to the same.
      const limits = target.demo ? { umbrellaLimits: scaleUmbrellaLimits(UMBRELLA_LIMITS, DEMO_LIMIT_SCALE) } : testLimits();
      // The key's token budget as every process on the folder spends it (the app or the service may be minting now).
      const umbrellaLimiters = folderUmbrellaLimiters(target.dataDir, limits.umbrellaLimits);
      // Waits for a vendor's rate-limit window are said as they happen.
      const onRunProgress = (progress: RunProgress) => { if (progress.waiting) say(`… ${progress.waiting}`); };
      const setup: SyncSetup = { settings, secrets, state, log, fetch: (u, i) => fetch(u, i), role: 'the command line', onRunProgress, ...limits, umbrellaLimiters };
      return await body({ setup, settings: settingsStore, reportError, say });
    } finally {
      state.close();
    }
  } catch (error) {
    reportError(describeError(error));
    return exitCodeOf(error);
  } finally {
    await demo?.stop();
  }
}
