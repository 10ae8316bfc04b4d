/**
 * `npm run bench`: syncs N = 100, 1,000 and 5,000 generated customers into each PSA simulator with
 * 20 ms latency on every response, twice (the first run creates, the second is the steady state
 * where only Last Updated changes), and prints per run: wall time, Umbrella and PSA requests per
 * customer, peak requests in flight, peak RSS of this process, and the ratio of wall time to the
 * lower bound that the simulators' rate limits and latency allow.
 *
 * Umbrella's rate-limit windows (20 tokens/min per key, 14 admin calls/min, 5 reports/s per org)
 * are compressed by --scale in both the simulator and the client, so that 5,000 customers take a
 * minute, not four hours of token minting; the latency is not compressed. By default ("auto") the
 * compression is 200x, and 50x for N <= 100, which needs no speed-up to finish in seconds: compressing
 * the windows but not the latency makes each fixed round trip weigh as if it took seconds (20 ms
 * against a 300 ms window is 4 s against Umbrella's real minute), which at N=100 is a third of the
 * bound. Each row says which compression it used.
 * Why 200 and not more: at 1000x the client must make about 2,700 requests a second (9 per customer,
 * 300 customers a second), and on a 2-core machine that also runs the simulators the wall time is
 * then set by CPU, not by the limits the bound describes (measured: responses took 33 ms at the
 * median and 93 ms at p99 for 20 ms of injected latency). 200x is still 60x faster than Umbrella
 * allows a real MSP to go. `--scale 1000` shows the CPU-bound figures.
 *   npm run bench -- --n 100,1000 --scale auto|200 --latency 20
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import type { CustomerMapping, PsaKind, Settings } from '../preload/contract';
import { SettingsSchema } from '../preload/contract';
import { memoryLogger } from '../main/log';
import { openStateStore } from '../main/store/state';
import { createSyncEngine } from '../main/sync/setup';
import { UMBRELLA_LIMITS, UmbrellaLimiters, type UmbrellaLimits } from '../main/umbrella/client';
import { DEMO_CREDENTIALS, DEMO_MATERIAL_BILLING_CODE } from '../simulators/demo';
import type { DemoWorld } from '../simulators/seed';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '100,1000,5000' }, scale: { type: 'string', default: 'auto' }, latency: { type: 'string', default: '20' }, psa: { type: 'string', default: 'connectwise,autotask' } },
});
const sizes = values.n.split(',').map(Number);
/** Compression of Umbrella's windows for N customers (see the header). */
const scaleFor = (n: number) => (values.scale === 'auto' ? (n <= 100 ? 50 : 200) : Number(values.scale));
const latencyMs = Number(values.latency);
const kinds = values.psa.split(',') as PsaKind[];
const ANCHOR = Date.UTC(2026, 11, 2, 0, 5);
const AUTOTASK_THREADS = 3;

/**
 * The app's Umbrella limits, compressed like the simulator's. Windows counted from sending keep the
 * app's margin (5% of the window) with a floor of 10 ms for send-time jitter, which compression does
 * not shrink; windows counted from the answer (token minting) need none beyond the app's own, scaled.
 */
function scaledLimits(scale: number): UmbrellaLimits {
  const scaleWindows = (windows: UmbrellaLimits['token']) => windows.map((w) => ({
    ...w,
    ms: w.ms / scale,
    marginMs: w.countFrom === 'response' ? Math.max(1, (w.marginMs ?? 0) / scale) : Math.max(10, (w.ms / scale) * 0.05),
  }));
  return { token: scaleWindows(UMBRELLA_LIMITS.token), admin: scaleWindows(UMBRELLA_LIMITS.admin), reportsPerOrg: scaleWindows(UMBRELLA_LIMITS.reportsPerOrg) };
}

/**
 * The fastest any client could go: one token per customer synced plus the provider's, at 20 per
 * (compressed) minute (unmapped customers and inactive companies need no token); Autotask's 3
 * threads per endpoint for the writes; plus the dependent chain customers list -> companies ->
 * token -> reports -> write, one latency each.
 */
function lowerBoundMs(synced: number, kind: PsaKind, scale: number): number {
  const tokenWindow = 60_000 / scale;
  const tokens = (Math.ceil((synced + 1) / 20) - 1) * tokenWindow;
  const psa = kind === 'autotask' ? Math.ceil(synced / AUTOTASK_THREADS) * latencyMs : 0;
  return Math.max(tokens, psa) + 5 * latencyMs;
}

async function startServer(customers: number, scale: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server.ts'), JSON.stringify({ customers, latencyMs, limitScale: scale, anchor: ANCHOR })], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => { reject(new Error(`simulators exited with ${String(code)}`)); });
  });
  const ready = JSON.parse(line) as { urls: { umbrella: string; connectwiseSite: string; autotaskDiscovery: string }; matches: DemoWorld['expectedMatches'] };
  return { ...ready, stop: () => { child.kill('SIGTERM'); } };
}

interface Row { rateLimited: number; n: number; psa: PsaKind; run: string; wallMs: number; boundMs: number; umbrellaPerCustomer: number; psaPerCustomer: number; peakUmbrella: number; peakPsa: number; rssMb: number; synced: number }

async function benchRun(n: number, kind: PsaKind, server: Awaited<ReturnType<typeof startServer>>, dir: string, run: string, limiters: UmbrellaLimiters): Promise<Row> {
  const mappings: Record<string, CustomerMapping> = {};
  for (const [orgId, match] of Object.entries(server.matches)) {
    const reference = kind === 'connectwise' ? match.connectwise : match.autotask?.toString();
    if (reference) mappings[orgId] = { psaCompany: reference, excluded: false };
  }
  const settings: Settings = SettingsSchema.parse({
    psa: { kind }, connectwise: { site: server.urls.connectwiseSite }, autotask: { materialBillingCodeId: DEMO_MATERIAL_BILLING_CODE },
    endpoints: { umbrellaBaseUrl: server.urls.umbrella, autotaskDiscoveryUrl: server.urls.autotaskDiscovery }, mappings,
  });
  const log = memoryLogger();
  const state = openStateStore({ dir, log });
  const engine = await createSyncEngine({
    settings: () => settings, secrets: { get: (credentialKind) => Promise.resolve({ ...DEMO_CREDENTIALS[credentialKind] } as never) },
    state, log, fetch: (u, i) => fetch(u, i), umbrellaLimiters: limiters, now: () => new Date(ANCHOR + (run === 'first' ? 0 : 86_400_000)),
  });
  global.gc?.();
  let rss = process.memoryUsage().rss;
  const sampler = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss); }, 20);
  const started = performance.now();
  const result = await engine.run();
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  state.close();
  const { counts, requests } = result.record;
  if (result.record.error) throw new Error(result.record.error);
  const synced = counts.created + counts.updated + counts.unchanged;
  const umbrellaStats = (engine as unknown as { deps: { umbrella: { stats: { peakInFlight: number; rateLimited: number } }; psa: { client: { stats: { peakInFlight: number; rateLimited: number } } } } }).deps;
  return {
    n, psa: kind, run, wallMs, boundMs: lowerBoundMs(synced, kind, scaleFor(n)), synced,
    umbrellaPerCustomer: requests.umbrella / synced, psaPerCustomer: requests.psa / synced,
    peakUmbrella: umbrellaStats.umbrella.stats.peakInFlight, peakPsa: umbrellaStats.psa.client.stats.peakInFlight,
    rssMb: rss / 1_048_576,
    rateLimited: umbrellaStats.umbrella.stats.rateLimited + umbrellaStats.psa.client.stats.rateLimited,
  };
}

const rows: Row[] = [];
console.log(`Sync benchmark: latency ${String(latencyMs)} ms per response, Umbrella rate-limit windows compressed ${values.scale === 'auto' ? '200x (50x for N <= 100)' : `${values.scale}x`}, ${String(os.cpus().length)} cores`);
for (const n of sizes) {
  const server = await startServer(n, scaleFor(n));
  // As in the app: one set of Umbrella limiters for every run against this key (Umbrella counts per key, not per client).
  const limiters = new UmbrellaLimiters(scaledLimits(scaleFor(n)));
  try {
    for (const kind of kinds) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-bench-'));
      for (const run of ['first', 'steady']) {
        const row = await benchRun(n, kind, server, dir, run, limiters);
        rows.push(row);
        console.log([
          `N=${String(n).padStart(5)}`, `${String(scaleFor(n))}x`.padStart(4), kind.padEnd(11), run.padEnd(6),
          `wall ${(row.wallMs / 1000).toFixed(2).padStart(6)} s`, `bound ${(row.boundMs / 1000).toFixed(2).padStart(6)} s`, `ratio ${(row.wallMs / row.boundMs).toFixed(2)}`,
          `Umbrella ${row.umbrellaPerCustomer.toFixed(2)}/customer`,
          // Steady state: one write per customer; the rest is per run (companies listing, codebase or zone).
          `PSA ${row.psaPerCustomer.toFixed(3)}/customer${run === 'steady' ? ` (${String(Math.round(row.psaPerCustomer * row.synced) - row.synced)} per run)` : ''}`,
          `peak in flight U ${String(row.peakUmbrella)} P ${String(row.peakPsa)}`, `peak RSS ${row.rssMb.toFixed(0)} MB`, `429s ${String(row.rateLimited)}`, `synced ${String(row.synced)}`,
        ].join('  '));
      }
    }
  } finally {
    server.stop();
  }
}
