/**
 * The demo MSP: all three simulators on loopback with one seeded world and published demo
 * credentials. Used by `npm run simulators`, the CLI's --demo and the app's demo mode.
 */
import { AutotaskSimulator } from './autotask';
import { ConnectWiseSimulator } from './connectwise';
import type { Faults } from './kit';
import { buildWorld, type DemoWorld, type SeedOptions } from './seed';
import { UmbrellaSimulator } from './umbrella';
import { DEMO_CREDENTIALS } from './demo-credentials';

export { DEMO_CREDENTIALS };

/**
 * Demo mode runs with every vendor limit on, its windows compressed 10x (Umbrella's token minute is
 * 6 s, Autotask's hour 6 minutes), so that trying the app shows the real pacing without the waits.
 */
export const DEMO_LIMIT_SCALE = 10;

/** The simulator's "Security Software" material billing code, pre-chosen for the demo. */
export const DEMO_MATERIAL_BILLING_CODE = 29682801;

export interface DemoSimulators {
  world: DemoWorld;
  umbrella: UmbrellaSimulator;
  connectwise: ConnectWiseSimulator;
  autotask: AutotaskSimulator;
  urls: { umbrella: string; connectwiseSite: string; autotaskDiscovery: string };
  setFaults(faults: Partial<Faults>): void;
  stop(): Promise<void>;
}

export interface DemoOptions extends SeedOptions {
  /** Enforce Umbrella's published rate limits (default true). */
  rateLimits?: boolean;
  /** Compress Umbrella's rate-limit windows by this factor (benchmarks). */
  limitScale?: number;
  /** Record every exchange (default true; benchmarks turn it off). */
  recordExchanges?: boolean;
  faults?: Partial<Faults>;
  /** The simulators' data clock (default: pinned at the anchor when one is given, else real time); the soak's runs on simulated days. */
  now?: () => number;
  /** The rate limits' clock (default real time): the soak's, which jumps over the hours the machine sleeps. */
  limitsNow?: () => number;
  /** Told of every Umbrella token issued. */
  onTokenIssued?: (token: string) => void;
  /** The kind of Umbrella console (default msp): an mssp console answers the providers API (packages, trials). */
  umbrellaConsole?: 'msp' | 'mssp';
}

export async function startDemoSimulators(options: DemoOptions = {}): Promise<DemoSimulators> {
  const world = buildWorld(options);
  const { anchor } = options;
  const now = options.now ?? (anchor ? () => anchor : undefined);
  const clock = now ? { now } : {};
  const limitsClock = options.limitsNow ? { limitsNow: options.limitsNow } : {};
  const umbrella = new UmbrellaSimulator({
    world, ...DEMO_CREDENTIALS.umbrella, rateLimits: options.rateLimits ?? true, ...(options.limitScale ? { limitScale: options.limitScale } : {}), ...clock, ...limitsClock,
    ...(options.umbrellaConsole ? { console: options.umbrellaConsole } : {}),
    ...(options.onTokenIssued ? { onTokenIssued: options.onTokenIssued } : {}),
  });
  const connectwise = new ConnectWiseSimulator({ world, ...DEMO_CREDENTIALS.connectwise, ...clock });
  const autotask = new AutotaskSimulator({ world, ...DEMO_CREDENTIALS.autotask, ...(options.limitScale ? { limitScale: options.limitScale } : {}), ...limitsClock });
  // A request holds its Autotask thread while it is served, so the 3-per-endpoint limit bites as on a real tenant.
  autotask.serviceTimeMs = 5;
  await Promise.all([umbrella.start(), connectwise.start(), autotask.start()]);
  const servers = [umbrella.server, connectwise.server, autotask.server];
  const setFaults = (faults: Partial<Faults>) => {
    for (const server of servers) server.setFaults(faults);
  };
  if (options.faults) setFaults(options.faults);
  for (const server of servers) server.recordExchanges = options.recordExchanges ?? true;
  return {
    world,
    umbrella,
    connectwise,
    autotask,
    urls: { umbrella: umbrella.url, connectwiseSite: connectwise.url, autotaskDiscovery: autotask.discoveryUrl },
    setFaults,
    stop: async () => {
      await Promise.all([umbrella.stop(), connectwise.stop(), autotask.stop()]);
    },
  };
}
