/**
 * `umbrella-psa-sync service`: the app's schedule without the desktop app, for an always-on server
 * or VM. The same services as the app (daily sync from 00:00 UTC, 4-hourly ticket checks, catch-up
 * after downtime, retries) on the same settings folder and keychain, and the same cross-process job
 * lock, so the app, the CLI and the service never run one job at once.
 *
 * SIGTERM or SIGINT stops it cleanly: no new job and no new customer starts, the customers in
 * progress finish (their PSA writes are guarded against duplicates either way), the run is recorded
 * as stopped, and what it left is done at the next start. A second signal (2 s or more after the
 * first) ends it at once.
 */
import pkg from '../../package.json';
import type { RunProgress, RunRecord } from '../../preload/contract';
import { defaultLogDir, openFileLog } from '../adapters/logging/file-log';
import { Redactor } from '../adapters/logging/redact';
import { learnSavedSecrets, redactingSecretStore } from '../adapters/store/redacting-secrets';
import { createAppServices, type AppServices } from '../app/compose';
import { describeError } from '../domain/errors';
import type { Logger } from '../adapters/logging/logger';
import { PRODUCT_NAME } from '../adapters/store/paths';
import { utcMinute } from '../app/run-summary';
import { cliIdentity, testLimits, type CliIo } from './context';
import { EXIT, exitCodeOf, type ExitCode } from './exit-codes';
import type { JobOutcome, SchedulerClock } from '../jobs/scheduler';
import { cliCredentials } from './credentials';

/** Each line with its UTC time, as a journal or a log file wants it. */
export function timestampedLogger(io: CliIo, now: () => Date = () => new Date()): Logger {
  const stamp = () => now().toISOString();
  return {
    info: (message) => { io.out(`${stamp()} ${message}`); },
    warn: (message) => { io.err(`${stamp()} warning: ${message}`); },
    error: (message) => { io.err(`${stamp()} error: ${message}`); },
  };
}

/** How many customers or tickets a service line names before it says "and N more". */
const NAMED_IN_LINE = 5;

const someOf = (names: readonly string[]) => `${names.slice(0, NAMED_IN_LINE).join(', ')}${names.length > NAMED_IN_LINE ? ` and ${String(names.length - NAMED_IN_LINE)} more` : ''}`;

function runLine(run: RunRecord): string {
  const { counts } = run;
  const what = run.kind === 'sync'
    ? `${String(counts.created)} created, ${String(counts.updated)} updated, ${String(counts.unchanged)} unchanged, ${String(counts.skipped)} skipped, ${String(counts.failed)} failed`
    : `${String(counts.created)} ticket(s) opened, ${String(counts.updated)} noted, ${String(counts.failed)} problem(s)`;
  // Which customers failed, and which tickets were opened or noted: what the admin looks for first.
  const failed = [...new Set(run.problems.filter((p) => p.status === 'failed').map((p) => p.name))];
  const tickets = (run.tickets ?? []).map((t) => `${t.action === 'created' ? 'opened' : 'noted'} ${String(t.ticketId)} for ${t.identity} (${t.customer})`);
  return `${run.kind === 'sync' ? 'Sync' : 'Ticket check'} finished: ${what}${tickets.length > 0 ? `; tickets: ${someOf(tickets)}` : ''}${failed.length > 0 ? `; failed: ${someOf(failed)}` : ''}${run.error ? `; ${run.error}` : ''}`;
}

/** A second SIGTERM or SIGINT this long after the first ends the service at once. */
const SECOND_SIGNAL_AFTER_MS = 2000;

export interface ServiceOptions {
  dataDir: string;
  io: CliIo;
  /** Test hook (the soak): the schedule's clock, so that simulated days pass in seconds. */
  schedulerClock?: SchedulerClock;
  /** Test hook (the soak): the composed services once the schedule has started, and the signal that stops them. */
  onStarted?: (services: AppServices, stopSignal: AbortSignal) => void;
}

export async function runService(options: ServiceOptions): Promise<ExitCode> {
  const { io, dataDir } = options;
  const redactor = new Redactor();
  // The same log files as the app (service.log beside app.log), every line redacted; the console too.
  const fileLog = openFileLog({ dir: defaultLogDir(dataDir, PRODUCT_NAME), name: 'service', redactor, also: timestampedLogger(io) });
  const log: Logger = fileLog;
  let secrets;
  let source;
  try {
    source = await cliCredentials();
    secrets = redactingSecretStore(source.store, redactor);
    log.info(`Credentials: from ${source.description}.`);
    // A locked or missing keychain is found now, not at the first run hours later; the saved values are redacted from the start.
    await secrets.status();
    await learnSavedSecrets(secrets);
  } catch (error) {
    log.error(describeError(error));
    await fileLog.close();
    return exitCodeOf(error);
  }
  const stopping = new AbortController();
  let services: AppServices | null = null;
  const dueLine = () => (services?.scheduler.status() ?? [])
    .map((s) => `${s.name === 'sync' ? 'sync' : 'ticket check'} ${s.running ? 'running' : `due ${utcMinute(new Date(s.nextRunAt).toISOString())}`}`).join(', ');
  const onRunProgress = (progress: RunProgress) => { if (progress.waiting) log.info(progress.waiting); };
  // This job's own record: the newest in the state file may be another job's, or another process's.
  const onJobDone = (_name: string, outcome: JobOutcome<RunRecord>) => {
    if ('result' in outcome) log[outcome.result.error || outcome.result.counts.failed > 0 ? 'warn' : 'info'](runLine(outcome.result));
    if (!stopping.signal.aborted) log.info(`Next: ${dueLine()}`);
  };
  try {
    services = createAppServices({
      identity: { ...cliIdentity(dataDir), ...(source.keychain ? {} : { credentialsSource: source.description }) },
      secrets, log, fetch: (u, i) => fetch(u, i), onRunProgress, onJobDone, stopSignal: stopping.signal, role: 'the service', redactor,
      ...testLimits(),
      ...(options.schedulerClock ? { schedulerClock: options.schedulerClock } : {}),
    });
  } catch (error) {
    log.error(describeError(error));
    await fileLog.close();
    return exitCodeOf(error);
  }
  const running = services;
  const settings = running.service.getSettings();
  if (!settings.psa.kind) log.warn('No PSA is chosen yet: nothing runs until "umbrella-psa-sync configure --psa ..." has been done (the service picks it up within a minute).');
  if (settings.schedule.paused) log.warn('The schedule is paused (in the app\'s tray menu): nothing runs until it is resumed.');

  let firstSignalAt = 0;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => { resolveStopped = resolve; });
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt > 0) {
      // The same stop said again at once (a library re-sending it, a process group): keep stopping cleanly.
      if (Date.now() - firstSignalAt < SECOND_SIGNAL_AFTER_MS) return;
      log.warn(`Second ${signal}: stopping at once (nothing is written twice: the PSA is checked before each create).`);
      process.exit(EXIT.cannotRun);
    }
    firstSignalAt = Date.now();
    log.info(`${signal}: stopping. No new job or customer starts; the customers in progress finish first.`);
    stopping.abort();
    running.scheduler.stop();
    resolveStopped();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  log.info(`${PRODUCT_NAME} ${pkg.version} service on ${dataDir} (PSA: ${settings.psa.kind ?? 'not chosen'}); log: ${fileLog.file}.`);
  running.scheduler.start();
  log.info(`Schedule: ${dueLine()}`);
  options.onStarted?.(running, stopping.signal);
  await stopped;
  await running.scheduler.idle();
  running.close();
  // The handlers stay to the end: a library's exit hook re-sends the signal it saw (when-exit does),
  // which must find this handler, not Node's default that would end the process by the signal.
  log.info('Stopped.');
  await fileLog.close();
  return EXIT.ok;
}
