/** `umbrella-psa-sync sync [--dry-run] [--demo [--psa KIND]] [--data-dir DIR]` */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CustomerMapping, PsaKind, RunProgress, Settings } from '../preload/contract';
import { DEMO_CREDENTIALS, DEMO_LIMIT_SCALE, DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../simulators/demo';
import { scaleUmbrellaLimits, UMBRELLA_LIMITS } from './umbrella/limits';
import { describeError } from './errors';
import type { Logger } from './log';
import { createSecretStore, loadKeytar, type SecretStore } from './store/secrets';
import { openSettingsStore, type SettingsStore } from './store/settings';
import { openStateStore } from './store/state';
import type { CustomerOutcome, SyncRun } from './sync/engine';
import { createSyncEngine, createTicketEngine, type SyncSetup } from './sync/setup';
import { WINDOW_MS, windowOf, type TicketAction } from './tickets/engine';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const MARKS: Record<CustomerOutcome['status'], string> = { created: '+', updated: '~', unchanged: '=', skipped: '-', failed: '✗' };

export function outcomeLine(outcome: CustomerOutcome, dryRun: boolean): string {
  const verb = dryRun && (outcome.status === 'created' || outcome.status === 'updated') ? `would be ${outcome.status}` : outcome.status;
  const target = outcome.psaCompany ? ` -> ${outcome.psaCompany}` : '';
  const changed = outcome.changes?.filter((c) => c.field !== 'lastUpdated').map((c) => c.label) ?? [];
  const detail = outcome.reason ? `: ${outcome.reason}` : outcome.status === 'updated' ? ` (${changed.join(', ')})` : '';
  return `${MARKS[outcome.status]} ${outcome.name} [${String(outcome.orgId)}]${target}: ${verb}${detail}`;
}

export function summaryLine(run: SyncRun): string {
  const { counts, requests, startedAt, finishedAt, dryRun } = run.record;
  const seconds = ((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000).toFixed(1);
  const would = dryRun ? 'would be ' : '';
  return `${dryRun ? 'Dry run' : 'Sync'} finished in ${seconds} s: ${String(counts.created)} ${would}created, ${String(counts.updated)} ${would}updated, ${String(counts.unchanged)} unchanged, ${String(counts.skipped)} skipped, ${String(counts.failed)} failed. Requests: Umbrella ${String(requests.umbrella)}, PSA ${String(requests.psa)}.`;
}

/** The demo MSP's mapping as a person would make it: each customer to its PSA counterpart. */
export function demoMappings(demo: DemoSimulators, kind: PsaKind): Record<string, CustomerMapping> {
  const mappings: Record<string, CustomerMapping> = {};
  for (const [orgId, match] of Object.entries(demo.world.expectedMatches)) {
    const reference = kind === 'connectwise' ? match.connectwise : match.autotask?.toString();
    if (reference) mappings[orgId] = { psaCompany: reference, excluded: false };
  }
  return mappings;
}

export interface SyncCommand {
  dryRun: boolean;
  demo: boolean;
  psa: PsaKind | undefined;
  /** Settings and state folder (for --demo without --data-dir: a fresh temporary one). */
  dataDir: string;
}

/** Ticketing choices that exist in the demo simulators. */
export const DEMO_TICKETING: Settings['ticketing'] = {
  enabled: true,
  threshold: 3,
  connectwise: { boardId: 1, statusId: null, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40 },
  autotask: { queueId: 29682969, statusId: 1, priorityId: 2, issueTypeId: 12, subIssueTypeId: 136 },
  fallbackCompany: null,
};

/** Settings and credentials for a demo run: the stored mappings, everything else pointing at the simulators. */
async function demoSetup(settingsStore: SettingsStore, kind: PsaKind, io: CliIo, anchor?: number) {
  const demo = await startDemoSimulators({ rateLimits: true, limitScale: DEMO_LIMIT_SCALE, ...(anchor ? { anchor } : {}) });
  if (Object.keys(settingsStore.get().mappings).length === 0) settingsStore.update({ mappings: demoMappings(demo, kind) });
  const settings = (): Settings => ({
    ...settingsStore.get(),
    psa: { kind },
    connectwise: { site: demo.urls.connectwiseSite },
    autotask: { ...settingsStore.get().autotask, materialBillingCodeId: DEMO_MATERIAL_BILLING_CODE },
    ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: demo.urls.umbrella, autotaskDiscoveryUrl: demo.urls.autotaskDiscovery },
  });
  // The demo credentials only open the local simulators; they never go into the keychain.
  const secrets: Pick<SecretStore, 'get'> = { get: (credentialKind) => Promise.resolve({ ...DEMO_CREDENTIALS[credentialKind] } as never) };
  io.out(`Demo: ${String(demo.world.customers.length)} Umbrella customers, the ${kind === 'connectwise' ? 'ConnectWise' : 'Autotask'} simulator; settings and state in ${path.dirname(settingsStore.path)}`);
  return { demo, settings, secrets };
}

/**
 * Runs a command body with what both sync and tickets need: the settings of the data folder, the
 * keychain (or, with --demo, the in-process simulators and their demo credentials), the state file,
 * and one error report; everything is closed afterwards.
 */
async function withCommandSetup(command: Omit<SyncCommand, 'dryRun'>, io: CliIo, baseLog: Logger, demoAnchor: number | undefined, body: (setup: SyncSetup, reportError: (message: string) => void) => Promise<number>): Promise<number> {
  let demo: DemoSimulators | null = null;
  // An engine logs its fatal error and also returns it in the run: say it once.
  const said = new Set<string>();
  const log: Logger = { ...baseLog, error: (message) => { said.add(message); io.err(`Error: ${message}`); } };
  const reportError = (message: string) => { if (!said.has(message)) io.err(`Error: ${message}`); };
  try {
    const settingsStore = openSettingsStore({ dir: command.dataDir, log });
    let settings: () => Settings = () => settingsStore.get();
    let secrets: Pick<SecretStore, 'get'>;
    if (command.demo) {
      ({ demo, settings, secrets } = await demoSetup(settingsStore, command.psa ?? 'connectwise', io, demoAnchor));
    } else {
      secrets = createSecretStore(await loadKeytar());
    }
    const state = openStateStore({ dir: command.dataDir, log });
    try {
      // The demo simulators enforce every limit with compressed windows: the client keeps to the same.
      const limits = command.demo ? { umbrellaLimits: scaleUmbrellaLimits(UMBRELLA_LIMITS, DEMO_LIMIT_SCALE) } : {};
      // Waits for a vendor's rate-limit window are said as they happen.
      const onRunProgress = (progress: RunProgress) => { if (progress.waiting) io.out(`… ${progress.waiting}`); };
      return await body({ settings, secrets, state, log, fetch: (u, i) => fetch(u, i), role: 'the command line', onRunProgress, ...limits }, reportError);
    } finally {
      state.close();
    }
  } catch (error) {
    reportError(describeError(error));
    return 1;
  } finally {
    await demo?.stop();
  }
}

export function runSyncCommand(command: SyncCommand, io: CliIo, log: Logger): Promise<number> {
  return withCommandSetup(command, io, log, undefined, async (setup, reportError) => {
    const engine = await createSyncEngine(setup);
    const run = await engine.run({ dryRun: command.dryRun, onProgress: ({ outcome }) => { io.out(outcomeLine(outcome, command.dryRun)); } });
    for (const note of run.record.notes) io.out(`note: ${note}`);
    if (run.record.error) reportError(run.record.error);
    io.out(summaryLine(run));
    return run.record.error || run.record.counts.failed > 0 ? 1 : 0;
  });
}

/** A folder for a demo run's settings and state when none is given: fresh each time. */
export function demoDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'umbrella-psa-sync-demo-'));
}

const ACTION_MARKS: Record<TicketAction['action'], string> = { created: '+', noted: '~', unchanged: '=', failed: '✗', unticketed: '!', lost: '✗' };

export function ticketActionLine(action: TicketAction): string {
  const window = `${new Date(action.window).toISOString().slice(11, 16)}-${new Date(action.window + WINDOW_MS).toISOString().slice(11, 16)} UTC ${new Date(action.window).toISOString().slice(0, 10)}`;
  const who = `${action.identity ?? '(customer)'} (${action.customer})`;
  switch (action.action) {
    case 'created': return `${ACTION_MARKS.created} ticket ${String(action.ticketId)} opened for ${who}: ${String(action.count)} blocked botnet requests in ${window}`;
    case 'noted': return `${ACTION_MARKS.noted} note added to ticket ${String(action.ticketId)} for ${who}: ${String(action.count)} blocked botnet requests in ${window}`;
    case 'unchanged': return `${ACTION_MARKS.unchanged} ticket ${String(action.ticketId)} for ${who}: already reported for ${window}`;
    case 'failed': return `${ACTION_MARKS.failed} ${who}: ${window}: ${action.reason ?? 'failed'} (checked again at the next check)`;
    case 'unticketed': return `${ACTION_MARKS.unticketed} ${action.customer}: ${action.reason ?? 'not ticketed'}`;
    case 'lost': return `${ACTION_MARKS.lost} ${action.customer}: ${action.reason ?? 'window lost'}`;
  }
}

/** `umbrella-psa-sync tickets [--demo [--psa KIND]] [--data-dir DIR]` */
export function runTicketsCommand(command: Omit<SyncCommand, 'dryRun'>, io: CliIo, log: Logger): Promise<number> {
  // In the demo, activity is anchored inside the previous 4-hour window, the one a check processes.
  return withCommandSetup(command, io, log, windowOf(Date.now()) - 30 * 60_000, async (setup, reportError) => {
    const engine = await createTicketEngine(setup);
    const run = await engine.run();
    for (const action of run.actions) io.out(ticketActionLine(action));
    for (const note of run.record.notes) io.out(`note: ${note}`);
    if (run.record.error) reportError(run.record.error);
    const { counts } = run.record;
    const windows = run.processedWindows.map((w) => new Date(w).toISOString().slice(0, 16).replace('T', ' ')).join(', ') || 'none';
    const pending = new Set(run.retries.map((r) => r.orgId)).size;
    const retry = pending > 0 ? `; ${String(pending)} customer(s) to check again` : '';
    const of = (kind: TicketAction['action']) => run.actions.filter((a) => a.action === kind).length;
    const unticketed = of('unticketed') > 0 ? `, ${String(of('unticketed'))} not ticketed (no active PSA company)` : '';
    const lost = of('lost') > 0 ? `, ${String(of('lost'))} window(s) lost` : '';
    io.out(`Ticket check finished: windows completed ${windows} (UTC)${retry}; ${String(counts.created)} opened, ${String(counts.updated)} noted, ${String(counts.unchanged)} already reported, ${String(of('failed'))} failed${unticketed}${lost}, ${String(counts.skipped)} window(s) skipped.`);
    return run.record.error || counts.failed > 0 ? 1 : 0;
  });
}
