// Child process of bench/sync.ts: the demo simulators for N generated customers, so that the
// benchmark's own memory is measured apart from the simulators' data.
import { startDemoSimulators } from '../simulators/demo';

const options = JSON.parse(process.argv[2] ?? '{}') as { customers: number; latencyMs: number; limitScale: number; anchor: number };
const demo = await startDemoSimulators({
  // 1% of the orgs with botnet hits over the threshold in the window the ticket check looks at.
  customers: options.customers, anchor: options.anchor, historyDays: 33, botnetShare: 0.01, rateLimits: true, limitScale: options.limitScale,
  faults: { latencyMs: options.latencyMs }, recordExchanges: false,
});
process.stdout.write(`${JSON.stringify({ urls: demo.urls, matches: demo.world.expectedMatches })}\n`);
process.on('SIGTERM', () => { void demo.stop().then(() => process.exit(0)); });
