/**
 * The app's own composition (createAppServices, as main/shell/index.ts builds it, without Electron) on a
 * settings folder, firing its scheduled ticket job once (as at a 4-hour boundary), then exiting:
 * "the app's scheduled check" as a real process, beside a CLI run on the same folder. The job is
 * fired, not looked up as due: a CLI run that finished first would rightly make it not due.
 * Usage: node --import tsx test/processes/app-scheduled-check.ts DATA_DIR
 */
import { createAppServices } from '../../main/app/compose';
import { consoleLogger } from '../../main/adapters/logging/logger';
import { createSecretStore, loadKeytar } from '../../main/adapters/store/secrets';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: app-scheduled-check.ts DATA_DIR');
const services = createAppServices({
  identity: { name: 'umbrella-psa-sync', productName: 'Umbrella PSA Sync', version: '0.0.0-test', demo: false, dataDir },
  secrets: createSecretStore(await loadKeytar()),
  log: consoleLogger,
  fetch: (url, init) => fetch(url, init),
  umbrellaLimits: { token: [], admin: [], reportsPerOrg: [] },
});
await services.scheduler.runNow('tickets');
const [last] = services.service.getRunHistory();
process.stdout.write(`${JSON.stringify({ run: last?.id ?? null, created: last?.counts.created ?? 0 })}\n`);
services.close();
