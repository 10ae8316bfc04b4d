/** Wires the real sync engine to the simulators for one PSA, and computes expected values independently. */
import type { CustomerMapping, PsaKind } from '../../preload/contract';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { AutotaskClient } from '../../main/adapters/psa/autotask/client';
import { AutotaskSyncAdapter } from '../../main/adapters/psa/autotask/adapter';
import { ConnectWiseClient } from '../../main/adapters/psa/connectwise/client';
import { ConnectWiseSyncAdapter } from '../../main/adapters/psa/connectwise/adapter';
import type { PsaSyncAdapter } from '../../main/adapters/psa/adapter';
import type { StateStore } from '../../main/adapters/store/state';
import { openStateStore } from '../../main/adapters/store/state-database';
import { SyncEngine } from '../../main/jobs/sync/engine';
import { formatLastUpdated, type FieldValues } from '../../main/domain/fields';
import { UmbrellaClient, type UmbrellaLimits } from '../../main/adapters/umbrella/client';
import { AutotaskSimulator } from '../../simulators/autotask';
import { ConnectWiseSimulator } from '../../simulators/connectwise';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { buildWorld, DAY, type DemoWorld, type UmbrellaCustomer } from '../../simulators/seed';
import { UmbrellaSimulator, type UmbrellaSimOptions } from '../../simulators/umbrella';
import { tempDir } from './fixtures';

export const ANCHOR = Date.UTC(2026, 10, 25, 0, 5);
const NO_LIMITS = { token: [], admin: [], reportsPerOrg: [] };
const fetchLike = (u: string, i: RequestInit) => fetch(u, i);

export interface SyncHarness {
  world: DemoWorld;
  umbrella: UmbrellaSimulator;
  connectwise: ConnectWiseSimulator;
  autotask: AutotaskSimulator;
  dir: string;
  mappings: Record<string, CustomerMapping>;
  /** A fresh engine (fresh clients, state re-read from disk), as after a restart. */
  engine(options?: { now?: number; concurrency?: number; umbrellaLimits?: UmbrellaLimits; autotaskBudget?: EngineTarget['autotaskBudget']; stopSignal?: AbortSignal }): { engine: SyncEngine; state: StateStore; psa: PsaSyncAdapter };
  stop(): Promise<void>;
}

export async function startSyncHarness(kind: PsaKind, options: { world?: DemoWorld; noDefaultStatus?: boolean; billingCode?: number | null; umbrella?: Partial<UmbrellaSimOptions> } = {}): Promise<SyncHarness> {
  const world = options.world ?? buildWorld({ anchor: ANCHOR });
  const umbrella = new UmbrellaSimulator({ world, ...DEMO_CREDENTIALS.umbrella, rateLimits: false, now: () => ANCHOR, ...options.umbrella });
  const connectwise = new ConnectWiseSimulator({ world, ...DEMO_CREDENTIALS.connectwise, noDefaultConfigurationStatus: options.noDefaultStatus ?? false, now: () => ANCHOR });
  const autotask = new AutotaskSimulator({ world, ...DEMO_CREDENTIALS.autotask, now: () => ANCHOR });
  await Promise.all([umbrella.start(), connectwise.start(), autotask.start()]);
  const dir = tempDir('upsa-sync-');
  const mappings: Record<string, CustomerMapping> = {};
  for (const customer of world.customers) {
    const match = world.expectedMatches[customer.customerId];
    const reference = kind === 'connectwise' ? match?.connectwise : match?.autotask?.toString();
    if (reference) mappings[String(customer.customerId)] = { psaCompany: reference, excluded: false };
  }
  const stores: StateStore[] = [];
  return {
    world, umbrella, connectwise, autotask, dir, mappings,
    engine(engineOptions = {}) {
      const built = createEngine(kind, {
        umbrellaUrl: umbrella.url, connectwiseSite: connectwise.url, autotaskDiscovery: autotask.discoveryUrl, dir, mappings,
        now: engineOptions.now ?? ANCHOR, billingCode: options.billingCode === undefined ? 29682801 : options.billingCode,
        ...(engineOptions.concurrency ? { concurrency: engineOptions.concurrency } : {}),
        ...(engineOptions.umbrellaLimits ? { umbrellaLimits: engineOptions.umbrellaLimits } : {}),
        ...(engineOptions.autotaskBudget ? { autotaskBudget: engineOptions.autotaskBudget } : {}),
        ...(engineOptions.stopSignal ? { stopSignal: engineOptions.stopSignal } : {}),
      });
      stores.push(built.state);
      return built;
    },
    async stop() {
      for (const store of stores) store.flush();
      await Promise.all([umbrella.stop(), connectwise.stop(), autotask.stop()]);
    },
  };
}

export interface EngineTarget {
  umbrellaUrl: string;
  connectwiseSite: string;
  autotaskDiscovery: string;
  dir: string;
  mappings: Record<string, CustomerMapping>;
  now: number;
  billingCode: number | null;
  concurrency?: number;
  /** Umbrella's limits as the client enforces them (default: none, for simulators that do not throttle). */
  umbrellaLimits?: UmbrellaLimits;
  /** The Autotask client's share of the tenant's hourly budget. */
  autotaskBudget?: { share: number; pauseMs?: number; checkEvery?: number };
  /** The process's stop signal (the service's SIGTERM). */
  stopSignal?: AbortSignal;
}

/** A sync engine on fresh clients, with the state read from `dir` (as after a restart). */
export function createEngine(kind: PsaKind, target: EngineTarget): { engine: SyncEngine; state: StateStore; psa: PsaSyncAdapter } {
  const log = memoryLogger();
  const state = openStateStore({ dir: target.dir, log });
  const umbrellaClient = new UmbrellaClient({ ...DEMO_CREDENTIALS.umbrella, fetch: fetchLike, baseUrl: target.umbrellaUrl, limits: target.umbrellaLimits ?? NO_LIMITS, retries: 6, ...(target.stopSignal ? { stopSignal: target.stopSignal } : {}) });
  const psa: PsaSyncAdapter = kind === 'connectwise'
    ? new ConnectWiseSyncAdapter(new ConnectWiseClient({ ...DEMO_CREDENTIALS.connectwise, site: target.connectwiseSite, fetch: fetchLike, retries: 6 }), state)
    : new AutotaskSyncAdapter(new AutotaskClient({ ...DEMO_CREDENTIALS.autotask, discoveryUrl: target.autotaskDiscovery, fetch: fetchLike, retries: 6, ...(target.autotaskBudget ? { budget: target.autotaskBudget } : {}) }), state, target.billingCode, () => new Date(target.now));
  const engine = new SyncEngine({
    umbrella: umbrellaClient, psa, state, mappings: () => target.mappings, log, now: () => new Date(target.now),
    ...(target.concurrency ? { concurrency: target.concurrency } : {}),
    ...(target.stopSignal ? { stopSignal: target.stopSignal } : {}),
  });
  return { engine, state, psa };
}

/** The 16 values for a customer, computed from the seed without any of the app's code paths. */
export function expectedValues(world: DemoWorld, customer: UmbrellaCustomer, runAt: number): FieldValues {
  const run = new Date(runAt);
  const monthFrom = Date.UTC(run.getUTCFullYear(), run.getUTCMonth() - 1, 1);
  const monthTo = Date.UTC(run.getUTCFullYear(), run.getUTCMonth(), 1) - 1;
  const lastMonth = customer.activity.filter((b) => b.ts >= monthFrom && b.ts <= monthTo);
  const activeIds = new Set(customer.activity.filter((b) => b.ts >= runAt - 7 * DAY && b.ts <= runAt).map((b) => b.identityId));
  const label = (id: number) => world.categories.find((c) => c.id === id);
  const isLabel = (ids: number[], pattern: RegExp) => ids.some((id) => { const c = label(id); return c?.type === 'security' && pattern.test(c.label); });
  const distinctBlocked = (pattern: RegExp) => new Set(lastMonth.filter((b) => b.verdict === 'blocked' && isLabel(b.categories, pattern)).map((b) => b.domain)).size;
  const top = (buckets: typeof lastMonth) => {
    const sums = new Map<string, number>();
    for (const b of buckets) sums.set(b.domain, (sums.get(b.domain) ?? 0) + b.count);
    return [...sums.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map(([d]) => d).join('\n');
  };
  const categorySums = new Map<number, number>();
  for (const b of lastMonth) for (const id of b.categories) categorySums.set(id, (categorySums.get(id) ?? 0) + b.count);
  const topCategories = [...categorySums.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .filter(([id]) => label(id)?.type === 'content' && label(id)?.deprecated === false)
    .slice(0, 10).map(([id, n]) => `${label(id)?.label ?? ''} (${String(n)})`).join('\n');
  const sortedNames = (list: { name: string }[]) => list.map((x) => x.name).sort((a, b) => a.localeCompare(b)).join('\n');
  const activeNetworks = customer.networks.filter((n) => activeIds.has(n.originId));
  const activeAgents = customer.roamingComputers.filter((r) => activeIds.has(r.originId));
  return {
    organizationId: String(customer.customerId),
    package: '',
    seats: customer.seats,
    totalNetworks: customer.networks.length,
    activeNetworks: activeNetworks.length,
    inactiveNetworks: sortedNames(customer.networks.filter((n) => !activeIds.has(n.originId))),
    agentsDeployed: customer.roamingComputers.length,
    activeAgents: activeAgents.length,
    inactiveAgents: sortedNames(customer.roamingComputers.filter((r) => !activeIds.has(r.originId))),
    dnsQueriesLastMonth: lastMonth.reduce((s, b) => s + b.count, 0),
    malwareLastMonth: distinctBlocked(/malware/i),
    botnetLastMonth: distinctBlocked(/command and control/i),
    topDomains: top(lastMonth),
    topBlockedDomains: top(lastMonth.filter((b) => b.verdict === 'blocked')),
    topCategories,
    lastUpdated: formatLastUpdated(run),
  };
}
