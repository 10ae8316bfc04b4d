/**
 * Demo mode (`--demo`): the app runs against the in-process simulators of Umbrella, ConnectWise and
 * Autotask (the demo MSP), with its own fresh settings folder and an in-memory keychain, so a new
 * user can try every screen, the wizard included, without real accounts and without touching their
 * real settings or keychain. Electron-free: main/shell/index.ts and the e2e tests share it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CustomerMapping, PsaKind, Settings, SettingsPatch } from '../../preload/contract';
import { DEMO_LIMIT_SCALE, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { UMBRELLA_PRODUCT } from '../../simulators/seed';
import { scaleUmbrellaLimits, UMBRELLA_LIMITS, type UmbrellaLimits } from '../adapters/umbrella/limits';
import { memoryKeychain } from '../adapters/store/memory-keychain';
import { createSecretStore, type SecretStore } from '../adapters/store/secrets';

export interface DemoEnvironment {
  sims: DemoSimulators;
  /** A fresh settings and state folder, removed by stop(). */
  dataDir: string;
  secrets: SecretStore;
  /** Applied once the services exist: where the simulators are, so the wizard only needs the credentials. */
  settings: SettingsPatch;
  /** Umbrella's limits, compressed as the demo simulators' are. */
  umbrellaLimits: UmbrellaLimits;
  stop(): Promise<void>;
}

export async function startDemoEnvironment(options: { baseDir: string }): Promise<DemoEnvironment> {
  const sims = await startDemoSimulators({ rateLimits: true, limitScale: DEMO_LIMIT_SCALE });
  const dataDir = fs.mkdtempSync(path.join(options.baseDir, 'umbrella-psa-sync-demo-'));
  return {
    sims,
    dataDir,
    secrets: createSecretStore(memoryKeychain(), 'Umbrella PSA Sync (demo)'),
    umbrellaLimits: scaleUmbrellaLimits(UMBRELLA_LIMITS, DEMO_LIMIT_SCALE),
    settings: {
      connectwise: { site: sims.urls.connectwiseSite },
      endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: sims.urls.autotaskDiscovery },
      // The Billing screen works in the demo as soon as the wizard is done.
      billing: { connectwiseProductId: UMBRELLA_PRODUCT.connectwise.id, autotaskServiceId: UMBRELLA_PRODUCT.autotask.id },
    },
    async stop() {
      await sims.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo MSP's mapping as a person would make it: each customer to its PSA counterpart, except where that
 * company is inactive in the PSA (`map` refuses it, and `map suggest` says so), so that a demo sync ends clean.
 * `keepInactive`: also the customer whose company became inactive after it was mapped (how a failure shows).
 */
export function demoMappings(demo: DemoSimulators, kind: PsaKind, options: { keepInactive?: boolean } = {}): Record<string, CustomerMapping> {
  const { world } = demo;
  const inactive = new Set<string>(options.keepInactive ? [] : kind === 'connectwise'
    ? world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.identifier)
    : world.autotask.companies.filter((c) => !c.isActive).map((c) => String(c.id)));
  const mappings: Record<string, CustomerMapping> = {};
  for (const [orgId, match] of Object.entries(world.expectedMatches)) {
    const reference = kind === 'connectwise' ? match.connectwise : match.autotask?.toString();
    if (reference && !inactive.has(reference)) mappings[orgId] = { psaCompany: reference, excluded: false };
  }
  return mappings;
}

/** Ticketing choices that exist in the demo simulators. */
export const DEMO_TICKETING: Settings['ticketing'] = {
  enabled: true,
  threshold: 3,
  connectwise: { boardId: 1, statusId: null, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40 },
  autotask: { queueId: 29682969, statusId: 1, priorityId: 2, issueTypeId: 12, subIssueTypeId: 136 },
  fallbackCompany: null,
};
