/**
 * Headless command line: the same service as the app, without Electron. Reads the same settings
 * file and keychain entries as the app.
 */
import { parseArgs } from 'node:util';
import pkg from '../package.json';
import { describeError } from './errors';
import { consoleLogger } from './log';
import { defaultDataDir, PRODUCT_NAME } from './paths';
import { createSecretStore, loadKeytar } from './store/secrets';
import { openSettingsStore } from './store/settings';
import { openStateStore } from './store/state';
import { CREDENTIAL_FIELDS, PsaKindSchema, type CredentialKind } from '../preload/contract';
import { configure, map, parseSecretLines, UsageError } from './cli-configure';
import { demoDataDir, runSyncCommand, runTicketsCommand, type CliIo } from './cli-sync';

const HELP = `${PRODUCT_NAME} ${pkg.version} — command line

Usage: umbrella-psa-sync <command> [options]

Commands:
  status                 Show the PSA chosen, which credentials are saved (never their values),
                         the ticketing settings and how many customers are mapped.
  sync [--dry-run]       Sync the 16 Umbrella fields into the PSA for every mapped customer: a line
                         per customer and a summary; exits 1 if any customer failed. --dry-run shows
                         what would change, field by field, and writes nothing.
       [--demo [--psa connectwise|autotask]]
                         Against built-in simulators, with the demo MSP's mapping pre-seeded.
  tickets [--demo [--psa connectwise|autotask]]
                         Check for botnet activity in the 4-hour windows not yet processed (at
                         most the last 48 hours): opens a ticket per identity over the threshold,
                         or adds a note to its open ticket; a line per action and a summary.
  configure [--psa KIND] [--site HOST] [--billing-code ID] [--threshold N]
            [--fallback-company COMPANY|none] [--autotask-api-share PERCENT]
            [--umbrella-url URL] [--autotask-url URL] [--secrets-stdin]
                         Save settings; credentials are read from environment variables
                         (UMBRELLA_API_KEY, UMBRELLA_API_SECRET, CONNECTWISE_COMPANY_ID,
                         CONNECTWISE_PUBLIC_KEY, CONNECTWISE_PRIVATE_KEY, CONNECTWISE_CLIENT_ID,
                         AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE) or, with
                         --secrets-stdin, from KEY=VALUE lines on stdin. Never from arguments.
                         --fallback-company: the PSA company that receives botnet tickets of
                         customers not mapped to an active company (off by default; none = off).
                         --autotask-api-share: how far this app may bring the tenant's shared
                         hourly API usage (5-90%, default 50); it pauses there.
  map ORG_ID COMPANY | map ORG_ID --exclude | map ORG_ID --clear
                         Map an Umbrella customer to a PSA company (ConnectWise company
                         identifier or Autotask company id), exclude it, or clear it.
  help                   Show this help.

Options:
  --data-dir DIR         Settings folder (default: the app's own, ${defaultDataDir()})
  --json                 Machine-readable output (status)
  -h, --help             Show this help
  -v, --version          Show the version
`;

export interface CliInput {
  env: NodeJS.ProcessEnv;
  readStdin: () => Promise<string>;
}

const COMMANDS = ['status', 'sync', 'tickets', 'configure', 'map'];

export async function runCli(argv: string[], io: CliIo, input: CliInput = { env: process.env, readStdin: () => Promise.resolve('') }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        psa: { type: 'string' },
        site: { type: 'string' },
        'billing-code': { type: 'string' },
        threshold: { type: 'string' },
        'fallback-company': { type: 'string' },
        'autotask-api-share': { type: 'string' },
        'umbrella-url': { type: 'string' },
        'autotask-url': { type: 'string' },
        'secrets-stdin': { type: 'boolean', default: false },
        exclude: { type: 'boolean', default: false },
        clear: { type: 'boolean', default: false },
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
  if (!COMMANDS.includes(command)) {
    io.err(`Unknown command "${command}". Run "umbrella-psa-sync --help" for the list of commands.`);
    return 2;
  }

  const log = { ...consoleLogger, info: () => undefined };
  if (command === 'sync' || command === 'tickets') {
    if (values.psa !== undefined && !values.demo) {
      io.err('--psa goes with --demo; for your own PSA, choose it with "umbrella-psa-sync configure --psa ...".');
      return 2;
    }
    const psa = values.psa === undefined ? undefined : PsaKindSchema.safeParse(values.psa);
    if (psa && !psa.success) {
      io.err('--psa must be connectwise or autotask');
      return 2;
    }
    const dataDir = values['data-dir'] ?? (values.demo ? demoDataDir() : defaultDataDir());
    if (command === 'tickets') return runTicketsCommand({ demo: values.demo, psa: psa?.data, dataDir }, io, log);
    return runSyncCommand({ dryRun: values['dry-run'], demo: values.demo, psa: psa?.data, dataDir }, io, log);
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (command === 'configure' || command === 'map') {
    try {
      const settings = openSettingsStore({ dir: dataDir, log });
      if (command === 'map') {
        io.out(map(positionals[1], positionals[2], { exclude: values.exclude, clear: values.clear }, settings));
        return 0;
      }
      const provided: Record<string, string | undefined> = { ...input.env, ...(values['secrets-stdin'] ? parseSecretLines(await input.readStdin()) : {}) };
      const secrets = createSecretStore(await loadKeytar());
      const lines = await configure({
        psa: values.psa, site: values.site, billingCode: values['billing-code'], threshold: values.threshold,
        umbrellaUrl: values['umbrella-url'], autotaskUrl: values['autotask-url'], fallbackCompany: values['fallback-company'], autotaskApiShare: values['autotask-api-share'],
      }, provided, settings, secrets);
      for (const line of lines) io.out(line);
      return 0;
    } catch (error) {
      io.err(`Error: ${describeError(error)}`);
      return error instanceof UsageError ? 2 : 1;
    }
  }

  try {
    // Read-only: status writes nothing, not even to repair a damaged file.
    const settings = openSettingsStore({ dir: dataDir, log, readOnly: true }).get();
    const runs = openStateStore({ dir: dataDir, log, readOnly: true }).get().runs;
    const usage = runs.find((r) => r.psaUsage)?.psaUsage;
    const credentials = await createSecretStore(await loadKeytar()).status();
    const mapped = Object.values(settings.mappings).filter((m) => m.psaCompany !== null && !m.excluded).length;
    if (values.json) {
      io.out(JSON.stringify({ dataDir, psa: settings.psa.kind, credentials, ticketing: settings.ticketing, mapped, psaUsage: usage ?? null }, null, 2));
      return 0;
    }
    io.out(`Settings folder: ${dataDir}`);
    io.out(`PSA:             ${settings.psa.kind ?? 'not chosen'}`);
    for (const kind of Object.keys(CREDENTIAL_FIELDS) as CredentialKind[]) {
      const status = credentials[kind];
      const missing = Object.entries(status.fields).filter(([, saved]) => !saved).map(([field]) => field);
      io.out(`${`${kind} credentials:`.padEnd(24)} ${status.complete ? 'saved' : `missing ${missing.join(', ')}`}`);
    }
    io.out(`Ticketing:       ${settings.ticketing.enabled ? `on (threshold ${String(settings.ticketing.threshold)}${settings.ticketing.fallbackCompany ? `, fallback company ${settings.ticketing.fallbackCompany}` : ''})` : 'off'}`);
    if (usage) io.out(`PSA API usage:   ${String(usage.used)} of ${String(usage.limit)} requests this hour, every integration together (read ${usage.at.slice(0, 16).replace('T', ' ')} UTC; this app keeps it under ${String(Math.round(usage.cap * 100))}%)`);
    const lastTickets = runs.find((r) => r.kind === 'tickets' && r.checkNow !== true);
    if (lastTickets) io.out(`Last ticket check: ${lastTickets.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${String(lastTickets.counts.created)} opened, ${String(lastTickets.counts.failed)} problem(s)${lastTickets.error ? `; ${lastTickets.error}` : ''}`);
    io.out(`Mapped customers: ${String(mapped)}`);
    return 0;
  } catch (error) {
    io.err(`Error: ${describeError(error)}`);
    return 1;
  }
}
