/**
 * Headless command line: the same service as the app, without Electron. Reads the same settings
 * file and keychain entries as the app.
 */
import { parseArgs } from 'node:util';
import pkg from '../package.json';
import { describeError } from './errors';
import { consoleLogger } from './log';
import { defaultDataDir, PRODUCT_NAME } from './paths';
import { AppService } from './service';
import { createSecretStore, loadKeytar } from './store/secrets';
import { openSettingsStore } from './store/settings';
import { CREDENTIAL_FIELDS, type CredentialKind } from '../preload/contract';

const HELP = `${PRODUCT_NAME} ${pkg.version} — command line

Usage: umbrella-psa-sync <command> [options]

Commands:
  status             Show the PSA chosen, which credentials are saved (never their values),
                     the ticketing settings and how many customers are mapped.
  help               Show this help.

Options:
  --data-dir DIR     Settings folder (default: the app's own, ${defaultDataDir()})
  --json             Machine-readable output (status)
  -h, --help         Show this help
  -v, --version      Show the version
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    io.err(`${describeError(error)}\nRun "umbrella-psa-sync --help" for usage.`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? (values.version ? 'version' : 'help');
  if (values.help || command === 'help') {
    io.out(HELP);
    return 0;
  }
  if (values.version || command === 'version') {
    io.out(pkg.version);
    return 0;
  }
  if (command !== 'status') {
    io.err(`Unknown command "${command}". Run "umbrella-psa-sync --help" for the list of commands.`);
    return 2;
  }

  const dataDir = values['data-dir'] ?? defaultDataDir();
  try {
    const service = new AppService({
      identity: { name: pkg.name, productName: PRODUCT_NAME, version: pkg.version, demo: false, dataDir },
      settings: openSettingsStore({ dir: dataDir, log: { ...consoleLogger, info: () => undefined } }),
      secrets: createSecretStore(await loadKeytar()),
    });
    const settings = service.getSettings();
    const credentials = await service.getCredentialsStatus();
    const mapped = Object.values(settings.mappings).filter((m) => m.psaCompany !== null && !m.excluded).length;
    if (values.json) {
      io.out(JSON.stringify({ dataDir, psa: settings.psa.kind, credentials, ticketing: settings.ticketing, mapped }, null, 2));
      return 0;
    }
    io.out(`Settings folder: ${dataDir}`);
    io.out(`PSA:             ${settings.psa.kind ?? 'not chosen'}`);
    for (const kind of Object.keys(CREDENTIAL_FIELDS) as CredentialKind[]) {
      const status = credentials[kind];
      const missing = Object.entries(status.fields).filter(([, saved]) => !saved).map(([field]) => field);
      io.out(`${`${kind} credentials:`.padEnd(24)} ${status.complete ? 'saved' : `missing ${missing.join(', ')}`}`);
    }
    io.out(`Ticketing:       ${settings.ticketing.enabled ? `on (threshold ${String(settings.ticketing.threshold)})` : 'off'}`);
    io.out(`Mapped customers: ${String(mapped)}`);
    return 0;
  } catch (error) {
    io.err(`Error: ${describeError(error)}`);
    return 1;
  }
}
