/**
 * `npm run simulators`: starts the Umbrella, ConnectWise and Autotask simulators for the demo MSP
 * and prints their addresses and the demo credentials. Ctrl+C stops them.
 *   --customers N   number of Umbrella customers (default 25, the named demo MSP)
 *   --latency MS    added to every response
 *   --error-rate P  share of requests answered with a 500 (0..1)
 */
import { parseArgs } from 'node:util';
import { DEMO_CREDENTIALS, startDemoSimulators } from './demo';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '25' },
    latency: { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
  },
});

const customers = Number(values.customers);
const latencyMs = Number(values.latency);
const errorRate = Number(values['error-rate']);
if (!Number.isInteger(customers) || customers < 1 || customers > 5000) throw new Error('--customers must be a whole number from 1 to 5000');
if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('--latency must be a number of milliseconds');
if (!Number.isFinite(errorRate) || errorRate < 0 || errorRate > 1) throw new Error('--error-rate must be between 0 and 1');

const demo = await startDemoSimulators({ customers, faults: { latencyMs, errorRate } });
const lines = [
  `Umbrella PSA Sync simulators (${String(demo.world.customers.length)} customers)`,
  '',
  `Cisco Umbrella     ${demo.urls.umbrella}`,
  `  API key          ${DEMO_CREDENTIALS.umbrella.apiKey}`,
  `  API secret       ${DEMO_CREDENTIALS.umbrella.apiSecret}`,
  `ConnectWise site   ${demo.urls.connectwiseSite}`,
  `  Company ID       ${DEMO_CREDENTIALS.connectwise.companyId}`,
  `  Public key       ${DEMO_CREDENTIALS.connectwise.publicKey}`,
  `  Private key      ${DEMO_CREDENTIALS.connectwise.privateKey}`,
  `  Client ID        ${DEMO_CREDENTIALS.connectwise.clientId}`,
  `Autotask zone      ${demo.urls.autotaskDiscovery}`,
  `  API username     ${DEMO_CREDENTIALS.autotask.username}`,
  `  Secret           ${DEMO_CREDENTIALS.autotask.secret}`,
  `  Tracking id      ${DEMO_CREDENTIALS.autotask.integrationCode}`,
  '',
  'ready (Ctrl+C to stop)',
];
process.stdout.write(`${lines.join('\n')}\n`);

const stop = () => {
  void demo.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
