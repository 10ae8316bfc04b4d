/**
 * Headless command line: the same services as the app, without Electron. Reads the same settings
 * file and keychain entries as the app; everything the setup wizard and the Customers screen do can
 * be done here, and `service` runs the app's schedule on a machine without a desktop.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import pkg from '../../package.json';
import { describeError } from '../domain/errors';
import { consoleLogger, type Logger } from '../adapters/logging/logger';
import { defaultDataDir, PRODUCT_NAME } from '../adapters/store/paths';
import { runLine, utcMinute } from '../app/run-summary';
import { openSettingsStore } from '../adapters/store/settings';
import { openStateStore } from '../adapters/store/state-database';
import { historyCommand } from './history';
import { BILLING_ACTIONS, billingActionCommand, billingCommand, type BillingAction } from './billing';
import { CREDENTIAL_FIELDS, missingTicketingChoice, PsaKindSchema, type CredentialKind, type RunRecord } from '../../preload/contract';
import { sendTestTicket, testConnections } from './checks';
import { configure, configureChecked, parseSecretLines } from './configure';
import { demoDataDir, withCommandSetup, type CliIo, type CommandTarget } from './context';
import { EXIT, EXIT_CODES_HELP, exitCodeOf, UsageError, type ExitCode } from './exit-codes';
import { exportMappings, importMappings, mapOne, requestedMapping, suggestMappings } from './mapping';
import { runSyncCommand, runTicketsCommand } from './runs';
import { runService } from './service';
import { printDiagnostics } from './diagnostics';
import { configureTicketing, LISTS, listLines, listRows, type ListName } from './ticketing';
import { cliCredentials } from './credentials';
import { KeychainUnavailableError } from '../adapters/store/secrets';
import { nearestName } from './choices';

const HELP = `${PRODUCT_NAME} ${pkg.version} — command line

Usage: umbrella-psa-sync <command> [options]

Set-up (what the wizard does):
  configure [--psa KIND] [--site HOST] [--billing-code ID|NAME] [--autotask-api-share PERCENT]
            [--threshold N] [--fallback-company COMPANY|none] [--history-days DAYS]
            [--billing-product REF [--customer ORG_ID]] [--billing-check on|off] [--billing-auto-apply SEATS|off]
            [--umbrella-url URL] [--autotask-url URL] [--secrets-stdin] [--switch-psa]
                         Save settings; credentials are read from environment variables
                         (UMBRELLA_API_KEY, UMBRELLA_API_SECRET, CONNECTWISE_COMPANY_ID,
                         CONNECTWISE_PUBLIC_KEY, CONNECTWISE_PRIVATE_KEY, CONNECTWISE_CLIENT_ID,
                         AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE) or, with
                         --secrets-stdin, from KEY=VALUE lines on stdin. Never from arguments.
                         --autotask-api-share: how far this app may bring the tenant's shared
                         hourly API usage (5-90%, default 50); it pauses there.
                         --billing-product: the ConnectWise catalog item (identifier or id) or
                         Autotask service (id or name) that bills Umbrella seats (checked first);
                         with --customer, for that customer only (another package), and
                         "--billing-product default --customer ORG_ID" undoes it.
                         --billing-check on: after each daily sync, compare seats with what the
                         PSA bills (the run says the drift; the app notifies when it appears).
                         --billing-auto-apply SEATS: then also apply increases of at most SEATS
                         seats from the first of next month without asking (decreases and larger
                         changes wait for "billing apply"); off turns it off.
                         --history-days: how long the run history and the audit trail of PSA
                         writes are kept (30-3650, default 365).
                         --billing-code (Autotask material billing code) and --fallback-company
                         are checked with the PSA first, by id or exact name.
                         --psa to the other PSA needs --switch-psa: it removes the current
                         integration (its settings, credentials and ticketing) and keeps the
                         mappings, the Umbrella keys and the run history.
  configure ticketing    Botnet tickets, by name or id, checked against the PSA's lists:
            ConnectWise: --board X [--status X] [--priority X] [--type X] [--subtype X] [--item X]
            Autotask:    --queue X --priority X [--status X] [--issue-type X] [--sub-issue-type X]
            both:        [--threshold N] [--fallback-company COMPANY|none]
                         or --off. Only open statuses, and only the subtype/item (sub-issue type)
                         combinations the PSA allows; "none" clears an optional choice.
                         --fallback-company: the PSA company that receives the tickets of
                         customers not mapped to an active company (off by default).
  list ${LISTS.join('|')}
       [--board X] [--json]
                         The PSA's lists with their ids (statuses, types, subtypes and items of
                         ConnectWise belong to a board: --board, or the one configured).
  test-connection [umbrella|psa]
                         Prove the saved settings and credentials (both when not given).
  test-ticket [--company COMPANY]
                         Send a labelled test ticket with the ticketing choices, to COMPANY
                         (default: the fallback company; never a customer's unless named).

Customers (what the Customers screen does):
  map ORG_ID COMPANY | map ORG_ID --exclude | map ORG_ID --clear   [--no-check]
                         Map an Umbrella customer to a PSA company (ConnectWise company identifier
                         or Autotask company id, or the company's exact name), exclude it, or clear
                         it. Both are checked with the vendors first; --no-check saves offline.
  map export FILE.csv    Every customer, its mapping and last result, as the Customers screen exports.
  map import FILE.csv    Apply a mapping CSV: all lines or none; each bad line is named.
  map suggest [--accept-above PERCENT]
                         The suggested PSA company for each unmapped customer; with
                         --accept-above, those at or above PERCENT are mapped.

Runs:
  status [--json]        The PSA chosen, which credentials are saved (never their values), the
                         ticketing settings, how many customers are mapped, the last runs.
  sync [--dry-run] [--json]
                         Sync the 16 Umbrella fields into the PSA for every mapped customer: a line
                         per customer and a summary. --dry-run writes nothing and shows every value
                         of a configuration it would create and each changed field of one it would
                         update.
  tickets [--json]       Check for botnet activity in the 4-hour windows not yet processed (at
                         most the last 48 hours): a ticket per identity over the threshold, or a
                         note on its open ticket.
       sync and tickets also take [--demo [--psa connectwise|autotask]]: built-in simulators with
       the demo MSP, nothing of yours touched.
  history [--customer ORG_ID|NAME] [--since DATE] [--run RUN_ID] [--limit N] [--json | --csv]
                         Every write the app made to the PSA, newest first: when, which run, which
                         customer and company, what (configuration, ticket, note, set-up), and each
                         field's old and new value. --csv gives one line per changed field, for a
                         spreadsheet. Kept for a year (configure --history-days).
  billing [--date YYYY-MM-DD] [--json | --csv]
                         Seat drift, read only: per customer, the seats Cisco bills you against what
                         the PSA bills the customer for the product chosen with --billing-product
                         (ConnectWise agreement additions, Autotask contract service units), on the
                         day (default today); under- and over-billed, and what cannot be compared.
  billing plan [--effective next-month|today] [--json]
                         The changes that would bring each drifting line to Umbrella's seats from
                         the effective day (default the first of next month), and those that cannot
                         be written (cancelled, expired, a period already posted or invoiced).
                         Saved as a numbered plan; nothing is written.
  billing apply PLAN --line N[,N…] | --all [--within N|N%] [--json]
                         Writes the approved lines of a plan (made in the last 24 hours): each is
                         recorded before it is sent, read again first (refused if the PSA changed
                         since the plan), written (ConnectWise: the addition's quantity, or a new
                         dated line where the agreement prorates; Autotask: one adjustment and a
                         contract note), read back and kept in the history. Never a price, never a
                         delete. --within approves only changes of at most N seats or N%.
  billing undo CHANGE    Puts back the quantity an applied change replaced, from the same day.
  billing changes [--customer ORG_ID|NAME] [--limit N] [--json]
                         The seat changes written, newest first (kept as long as the history).
  service                Run the app's schedule in the foreground, without the desktop app: the
                         daily sync from 00:00 UTC and the 4-hourly ticket checks, with catch-up
                         after downtime and retries. SIGTERM or Ctrl+C stops it cleanly. Never runs
                         a job at the same time as the app or another CLI on the same folder.
  diagnostics            What support asks for first: versions, settings (no secrets), which
                         credentials are saved, the last runs and recent log lines, redacted.
  help                   Show this help.

Options:
  --data-dir DIR         Settings folder (default: the app's own, ${defaultDataDir()})
  --json                 Machine-readable output on stdout (status, list, sync, tickets, history, billing); the
                         human lines go to stderr
  -h, --help             Show this help
  -v, --version          Show the version

${EXIT_CODES_HELP}
`;

export interface CliInput {
  env: NodeJS.ProcessEnv;
  readStdin: () => Promise<string>;
}

const COMMANDS = ['status', 'sync', 'tickets', 'history', 'billing', 'configure', 'map', 'list', 'test-connection', 'test-ticket', 'service', 'diagnostics'];
const OPTIONS = {
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
  'history-days': { type: 'string' },
  'umbrella-url': { type: 'string' },
  'autotask-url': { type: 'string' },
  'secrets-stdin': { type: 'boolean', default: false },
  'switch-psa': { type: 'boolean', default: false },
  exclude: { type: 'boolean', default: false },
  clear: { type: 'boolean', default: false },
  'no-check': { type: 'boolean', default: false },
  'accept-above': { type: 'string' },
  board: { type: 'string' },
  queue: { type: 'string' },
  status: { type: 'string' },
  priority: { type: 'string' },
  type: { type: 'string' },
  subtype: { type: 'string' },
  item: { type: 'string' },
  'issue-type': { type: 'string' },
  'sub-issue-type': { type: 'string' },
  off: { type: 'boolean', default: false },
  company: { type: 'string' },
  customer: { type: 'string' },
  since: { type: 'string' },
  run: { type: 'string' },
  limit: { type: 'string' },
  csv: { type: 'boolean', default: false },
  date: { type: 'string' },
  'billing-product': { type: 'string' },
  'billing-check': { type: 'string' },
  'billing-auto-apply': { type: 'string' },
  effective: { type: 'string' },
  line: { type: 'string' },
  all: { type: 'boolean', default: false },
  within: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

/** The stores' and engines' log for a command: warnings and errors only (the command says the rest). */
const log: Logger = { ...consoleLogger, info: () => undefined };

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Positionals beyond what a command takes are a usage error, not silently ignored. */
function expectPositionals(positionals: string[], max: number, usage: string): void {
  if (positionals.length > max) throw new UsageError(`Unexpected "${positionals.slice(max).join(' ')}". Usage: ${usage}`);
}

function requireSettingsFolder(dir: string): void {
  if (!fs.existsSync(dir)) throw new UsageError(`There is no settings folder at ${dir}: nothing is set up there. Check --data-dir (or UMBRELLA_PSA_DATA_DIR), or set it up with "umbrella-psa-sync configure".`);
}

/** parseArgs' complaint in one plain sentence, with the option meant when one is close (its own text has unbalanced quotes). */
function optionError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  const given = /'(-{1,2}[^'=\s]+)/.exec(describeError(error))?.[1];
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || given === undefined) return describeError(error);
  const near = nearestName(given, Object.keys(OPTIONS).map((name) => `--${name}`));
  return `Unknown option '${given}'.${near ? ` Did you mean ${near}?` : ''}`;
}

export async function runCli(argv: string[], io: CliIo, input: CliInput = { env: process.env, readStdin: () => Promise.resolve('') }): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    io.err(`${optionError(error)}\nRun "umbrella-psa-sync --help" for usage.`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? (values.version ? 'version' : 'help');
  if (values.help || command === 'help') {
    io.out(HELP);
    return EXIT.ok;
  }
  if (values.version || command === 'version') {
    io.out(pkg.version);
    return EXIT.ok;
  }
  if (!COMMANDS.includes(command)) {
    const near = nearestName(command, COMMANDS);
    io.err(`Unknown command "${command}".${near ? ` Did you mean "${near}"?` : ''} Run "umbrella-psa-sync --help" for the list of commands.`);
    return EXIT.usage;
  }
  try {
    return await dispatch(command, positionals.slice(1), values, io, input);
  } catch (error) {
    io.err(`Error: ${describeError(error)}${error instanceof KeychainUnavailableError ? `\n${NO_DESKTOP_KEYCHAIN}` : ''}`);
    return exitCodeOf(error);
  }
}

/** What a server without a desktop session does instead of a keychain (issue 24, item 1). */
const NO_DESKTOP_KEYCHAIN = 'On a server without a desktop session, give the command line and the service their credentials through systemd instead: README, "Service mode" (systemd-creds and LoadCredentialEncrypted=; for a command run by hand, CREDENTIALS_DIRECTORY=<folder with one file per credential>).';

async function dispatch(command: string, args: string[], values: Values, io: CliIo, input: CliInput): Promise<ExitCode> {
  if (command === 'sync' || command === 'tickets') {
    expectPositionals(args, 0, `umbrella-psa-sync ${command} [options]`);
    if (values.psa !== undefined && !values.demo) throw new UsageError('--psa goes with --demo; for your own PSA, choose it with "umbrella-psa-sync configure --psa ...".');
    const psa = values.psa === undefined ? undefined : PsaKindSchema.safeParse(values.psa);
    if (psa && !psa.success) throw new UsageError('--psa must be connectwise or autotask');
    // A demo without --data-dir gets a folder of its own for this run, removed when it ends.
    const scratch = values.demo && values['data-dir'] === undefined ? demoDataDir() : null;
    const target: CommandTarget = { demo: values.demo, psa: psa?.data, dataDir: values['data-dir'] ?? scratch ?? defaultDataDir(), json: values.json };
    if (!values.demo) requireSettingsFolder(target.dataDir);
    try {
      if (command === 'tickets') return await runTicketsCommand(target, io, log);
      return await runSyncCommand({ ...target, dryRun: values['dry-run'] }, io, log);
    } finally {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Only configure makes the folder: a mistyped --data-dir elsewhere is said, not created and run on empty.
  if (command !== 'configure') requireSettingsFolder(dataDir);
  const target: CommandTarget = { demo: false, psa: undefined, dataDir, json: values.json };
  const withSetup = (body: Parameters<typeof withCommandSetup>[3]) => withCommandSetup(target, io, log, body);
  switch (command) {
    case 'service':
      expectPositionals(args, 0, 'umbrella-psa-sync service [--data-dir DIR]');
      return runService({ dataDir, io });
    case 'diagnostics':
      expectPositionals(args, 0, 'umbrella-psa-sync diagnostics [--data-dir DIR]');
      return printDiagnostics(dataDir, io, log);
    case 'configure':
      if (args[0] === 'ticketing') {
        expectPositionals(args, 1, 'umbrella-psa-sync configure ticketing [options]');
        return withSetup(async ({ setup, settings }) => {
          for (const line of await configureTicketing(setup, settings, {
            board: values.board, queue: values.queue, status: values.status, priority: values.priority, type: values.type, subtype: values.subtype,
            item: values.item, issueType: values['issue-type'], subIssueType: values['sub-issue-type'], threshold: values.threshold,
            fallbackCompany: values['fallback-company'], off: values.off,
          })) io.out(line);
          return EXIT.ok;
        });
      }
      expectPositionals(args, 0, 'umbrella-psa-sync configure [options] | configure ticketing [options]');
      return configureCommand(values, io, input, dataDir, withSetup);
    case 'list': {
      const name = args[0];
      if (!name || !(LISTS as readonly string[]).includes(name)) throw new UsageError(`list takes one of: ${LISTS.join(', ')}`);
      expectPositionals(args, 1, `umbrella-psa-sync list ${LISTS.join('|')} [--board X] [--json]`);
      return withSetup(async ({ setup }) => {
        const rows = await listRows(setup, name as ListName, values.board);
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else for (const line of listLines(rows)) io.out(line);
        return EXIT.ok;
      });
    }
    case 'test-connection':
      expectPositionals(args, 1, 'umbrella-psa-sync test-connection [umbrella|psa]');
      return withSetup(({ setup }) => testConnections(setup, args[0], io));
    case 'test-ticket':
      expectPositionals(args, 0, 'umbrella-psa-sync test-ticket [--company COMPANY]');
      return withSetup(async ({ setup }) => {
        io.out(await sendTestTicket(setup, values.company));
        return EXIT.ok;
      });
    case 'map':
      return mapCommand(args, values, io, dataDir, withSetup);
    case 'billing':
      if (args[0] !== undefined && (BILLING_ACTIONS as readonly string[]).includes(args[0])) {
        const action = args[0] as BillingAction;
        expectPositionals(args, action === 'apply' || action === 'undo' ? 2 : 1, `umbrella-psa-sync billing ${action} …`);
        return withSetup(async ({ setup }) => {
          const { lines, ok } = await billingActionCommand(setup, action, args[1], {
            effective: values.effective, line: values.line, all: values.all, within: values.within, customer: values.customer, limit: values.limit, json: values.json,
          }, new Date());
          for (const line of lines) io.out(line);
          return ok ? EXIT.ok : EXIT.failures;
        });
      }
      expectPositionals(args, 0, 'umbrella-psa-sync billing [--date YYYY-MM-DD] [--json | --csv] | billing plan|apply|undo|changes');
      return withSetup(async ({ setup }) => {
        for (const line of await billingCommand(setup, { date: values.date, json: values.json, csv: values.csv }, new Date())) io.out(line);
        return EXIT.ok;
      });
    case 'history':
      expectPositionals(args, 0, 'umbrella-psa-sync history [--customer ORG_ID|NAME] [--since DATE] [--run RUN_ID] [--limit N] [--json | --csv]');
      return historyCommand(dataDir, { customer: values.customer, since: values.since, run: values.run, limit: values.limit, json: values.json, csv: values.csv }, io, log);
    default:
      expectPositionals(args, 0, 'umbrella-psa-sync status [--json]');
      return statusCommand(values, io, dataDir);
  }
}

async function configureCommand(values: Values, io: CliIo, input: CliInput, dataDir: string, withSetup: (body: Parameters<typeof withCommandSetup>[3]) => Promise<ExitCode>): Promise<ExitCode> {
  const settings = openSettingsStore({ dir: dataDir, log });
  const provided: Record<string, string | undefined> = { ...input.env, ...(values['secrets-stdin'] ? parseSecretLines(await input.readStdin()) : {}) };
  const secrets = (await cliCredentials()).store;
  // The billing code and the fallback company are checked with the PSA (as the wizard and "configure ticketing" do), after the rest is saved.
  const checked = { billingCode: values['billing-code'], fallbackCompany: values['fallback-company'], billingProduct: values['billing-product'], customer: values.customer };
  const lines = await configure({
    psa: values.psa, site: values.site, threshold: values.threshold,
    umbrellaUrl: values['umbrella-url'], autotaskUrl: values['autotask-url'], autotaskApiShare: values['autotask-api-share'], historyDays: values['history-days'],
    billingCheck: values['billing-check'], billingAutoApply: values['billing-auto-apply'], switchPsa: values['switch-psa'],
  }, provided, settings, secrets);
  const nothingElse = lines.length === 0;
  for (const line of lines) io.out(line);
  if (checked.billingCode === undefined && checked.fallbackCompany === undefined && checked.billingProduct === undefined && checked.customer === undefined) {
    if (!nothingElse) return EXIT.ok;
    throw new UsageError('Nothing to save: pass settings options, or credentials in environment variables / on stdin (see --help).');
  }
  return withSetup(async ({ setup, settings: store }) => {
    for (const line of await configureChecked(setup, store, checked)) io.out(line);
    return EXIT.ok;
  });
}

async function mapCommand(args: string[], values: Values, io: CliIo, dataDir: string, withSetup: (body: Parameters<typeof withCommandSetup>[3]) => Promise<ExitCode>): Promise<ExitCode> {
  const [first, second] = args;
  if (first === 'export' || first === 'import') {
    expectPositionals(args, 2, `umbrella-psa-sync map ${first} FILE.csv`);
    if (!second) throw new UsageError(`map ${first} needs the CSV file, e.g. "map ${first} customers.csv"`);
    if (values['no-check']) throw new UsageError(`map ${first} reads Umbrella's customers and the PSA's companies, so it cannot run with --no-check (that is for "map ORG_ID COMPANY" alone). Lines that keep a mapping saved with --no-check are accepted as they are.`);
    return withSetup(async ({ setup, settings }) => {
      if (first === 'export') {
        io.out(await exportMappings(setup, second));
        return EXIT.ok;
      }
      const { lines, errors } = await importMappings(setup, settings, second);
      for (const line of lines) io.out(line);
      if (errors.length === 0) return EXIT.ok;
      for (const error of errors) io.err(error);
      io.err(`Nothing was imported: correct the ${String(errors.length)} line(s) above and import the file again.`);
      return EXIT.usage;
    });
  }
  if (first === 'suggest') {
    expectPositionals(args, 1, 'umbrella-psa-sync map suggest [--accept-above PERCENT]');
    const above = values['accept-above'];
    const threshold = above === undefined ? null : Number(above.replace(/%$/, ''));
    if (threshold !== null && (!Number.isFinite(threshold) || threshold < 1 || threshold > 100)) throw new UsageError('--accept-above takes a percentage from 1 to 100, e.g. 90');
    return withSetup(async ({ setup, settings }) => {
      for (const line of await suggestMappings(setup, settings, threshold)) io.out(line);
      return EXIT.ok;
    });
  }
  expectPositionals(args, 2, 'umbrella-psa-sync map ORG_ID COMPANY | map ORG_ID --exclude | map ORG_ID --clear');
  if (values['no-check']) {
    const settings = openSettingsStore({ dir: dataDir, log });
    io.out(await mapOne(null, settings, requestedMapping(first, second, values, settings.get().mappings)));
    return EXIT.ok;
  }
  return withSetup(async ({ setup, settings }) => {
    io.out(await mapOne(setup, settings, requestedMapping(first, second, values, settings.get().mappings)));
    return EXIT.ok;
  });
}

async function statusCommand(values: Values, io: CliIo, dataDir: string): Promise<ExitCode> {
  // Read-only: status writes nothing, not even to repair a damaged file.
  const settings = openSettingsStore({ dir: dataDir, log, readOnly: true }).get();
  const runs = openStateStore({ dir: dataDir, log, readOnly: true }).get().runs;
  const usage = runs.find((r) => r.psaUsage)?.psaUsage;
  const source = await cliCredentials();
  const credentials = await source.store.status();
  const mapped = Object.values(settings.mappings).filter((m) => m.psaCompany !== null && !m.excluded).length;
  // The runs the schedule counts: not dry runs, not "Check now".
  const lastOf = (kind: RunRecord['kind']) => runs.find((r) => r.kind === kind && r.checkNow !== true && !r.dryRun) ?? null;
  const lastSync = lastOf('sync');
  const lastTickets = lastOf('tickets');
  const recent = runs.slice(0, RECENT_RUNS_SHOWN);
  if (values.json) {
    io.out(JSON.stringify({ dataDir, psa: settings.psa.kind, credentialsSource: source.description, credentials, ticketing: settings.ticketing, mapped, psaUsage: usage ?? null, lastSync, lastTicketCheck: lastTickets, runs: recent }, null, 2));
    return EXIT.ok;
  }
  io.out(`Settings folder: ${dataDir}`);
  io.out(`PSA:             ${settings.psa.kind ?? 'not chosen'}`);
  io.out(`Credentials:     from ${source.description}`);
  for (const kind of Object.keys(CREDENTIAL_FIELDS) as CredentialKind[]) {
    const status = credentials[kind];
    const missing = Object.entries(status.fields).filter(([, saved]) => !saved).map(([field]) => field);
    io.out(`${`${kind} credentials:`.padEnd(24)} ${status.complete ? 'saved' : `missing ${missing.join(', ')}`}`);
  }
  const incomplete = settings.ticketing.enabled && settings.psa.kind ? missingTicketingChoice(settings.psa.kind, settings.ticketing) : null;
  if (incomplete) io.out(`Ticketing:       on, but incomplete: ${incomplete} (run "umbrella-psa-sync configure ticketing")`);
  else io.out(`Ticketing:       ${settings.ticketing.enabled ? `on (threshold ${String(settings.ticketing.threshold)}${settings.ticketing.fallbackCompany ? `, fallback company ${settings.ticketing.fallbackCompany}` : ''})` : 'off'}`);
  if (usage) io.out(`PSA API usage:   ${String(usage.used)} of ${String(usage.limit)} requests this hour, every integration together (read ${utcMinute(usage.at)}; this app keeps it under ${String(Math.round(usage.cap * 100))}%)`);
  if (lastSync) io.out(`Last sync:       ${utcMinute(lastSync.startedAt)}, ${String(lastSync.counts.created)} created, ${String(lastSync.counts.updated)} updated, ${String(lastSync.counts.unchanged)} unchanged, ${String(lastSync.counts.failed)} failed${lastSync.error ? `; ${lastSync.error}` : ''}`);
  if (lastTickets) io.out(`Last ticket check: ${utcMinute(lastTickets.startedAt)}, ${String(lastTickets.counts.created)} opened, ${String(lastTickets.counts.failed)} problem(s)${lastTickets.error ? `; ${lastTickets.error}` : ''}`);
  io.out(`Mapped customers: ${String(mapped)}`);
  if (recent.length > 0) {
    io.out('Last runs:');
    for (const run of recent) io.out(`  ${runLine(run)}${run.checkNow ? ' (check now)' : ''}`);
  }
  return EXIT.ok;
}

/** How many of the last runs `status` lists. */
const RECENT_RUNS_SHOWN = 5;
