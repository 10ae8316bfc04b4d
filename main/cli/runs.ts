/** `sync [--dry-run] [--json]` and `tickets [--json]`, on the user's settings or with --demo. */
import type { Logger } from '../adapters/logging/logger';
import type { CustomerOutcome, FieldChange, SyncRun } from '../jobs/sync/engine';
import { createSyncEngine, createTicketEngine } from '../jobs/setup';
import { billingAfterSync } from '../jobs/billing/after-sync';
import { utcText, windowOf, windowText } from '../domain/windows';
import type { TicketAction, TicketRun } from '../jobs/tickets/types';
import { withCommandSetup, type CliIo, type CommandTarget } from './context';
import { EXIT, exitCodeOf, type ExitCode } from './exit-codes';

export type { CliIo };

const MARKS: Record<CustomerOutcome['status'], string> = { created: '+', updated: '~', unchanged: '=', skipped: '-', failed: '✗' };

export function outcomeLine(outcome: CustomerOutcome, dryRun: boolean): string {
  const verb = dryRun && (outcome.status === 'created' || outcome.status === 'updated') ? `would be ${outcome.status}` : outcome.status;
  const target = outcome.psaCompany ? ` -> ${outcome.psaCompany}` : '';
  const changed = outcome.changes?.filter((c) => c.field !== 'lastUpdated').map((c) => c.label) ?? [];
  const detail = outcome.reason ? `: ${outcome.reason}` : outcome.status === 'updated' ? ` (${changed.join(', ')})` : '';
  return `${MARKS[outcome.status]} ${outcome.name} [${String(outcome.orgId)}]${target}: ${verb}${detail}`;
}

/** A value as printed: lists (one item per line) continue under their label. */
const shown = (value: FieldChange['before']) => (value === null || value === '' ? '(empty)' : String(value).replace(/\n/g, '\n      '));

/** A dry run's detail: every value of a configuration it would create, the changed fields of one it would update. */
export function changeLines(outcome: CustomerOutcome): string[] {
  if (outcome.status === 'created') return (outcome.changes ?? []).map((c) => `    ${c.label}: ${shown(c.after)}`);
  if (outcome.status === 'updated') return (outcome.changes ?? []).map((c) => `    ${c.label}: ${shown(c.before)} -> ${shown(c.after)}`);
  return [];
}

export function summaryLine(run: SyncRun): string {
  const { counts, requests, startedAt, finishedAt, dryRun } = run.record;
  const seconds = ((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000).toFixed(1);
  const would = dryRun ? 'would be ' : '';
  return `${dryRun ? 'Dry run' : 'Sync'} finished in ${seconds} s: ${String(counts.created)} ${would}created, ${String(counts.updated)} ${would}updated, ${String(counts.unchanged)} unchanged, ${String(counts.skipped)} skipped, ${String(counts.failed)} failed. Requests: Umbrella ${String(requests.umbrella)}, PSA ${String(requests.psa)}.`;
}

export interface SyncCommand extends CommandTarget {
  dryRun: boolean;
}

/** The run's exit code: 0 all done, 1 some customers failed, 2 or 3 when it stopped (see exit-codes.ts). */
function runExitCode(run: { record: { error?: string | undefined; counts: { failed: number } }; failure?: unknown }): ExitCode {
  if (run.record.error) return exitCodeOf(run.failure);
  return run.record.counts.failed > 0 ? EXIT.failures : EXIT.ok;
}

export function runSyncCommand(command: SyncCommand, io: CliIo, log: Logger): Promise<ExitCode> {
  return withCommandSetup(command, io, log, async ({ setup, reportError, say }) => {
    const engine = await createSyncEngine(setup, { afterSync: billingAfterSync(setup) });
    const run = await engine.run({
      dryRun: command.dryRun,
      onProgress: ({ outcome }) => {
        say(outcomeLine(outcome, command.dryRun));
        if (command.dryRun) for (const line of changeLines(outcome)) say(line);
      },
    });
    for (const note of run.record.notes) say(`note: ${note}`);
    if (run.record.error) reportError(run.record.error);
    say(summaryLine(run));
    if (command.json) io.out(JSON.stringify({ record: run.record, outcomes: run.outcomes }, null, 2));
    return runExitCode(run);
  });
}

const ACTION_MARKS: Record<TicketAction['action'], string> = { created: '+', noted: '~', unchanged: '=', failed: '✗', unticketed: '!', lost: '✗' };

export function ticketActionLine(action: TicketAction): string {
  // The one way a window is written everywhere (problems, notes, tickets): "2026-12-05 00:00-04:00 UTC".
  const window = windowText(action.window);
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

/** A ticket check's outcome counted as its summary line says it (the run record's `failed` also counts hits not ticketed and lost windows). */
export function ticketSummary(run: TicketRun): {
  windowsCompleted: string[]; customersToCheckAgain: number; opened: number; noted: number; alreadyReported: number;
  failed: number; notTicketed: number; windowsLost: number; windowsSkipped: number;
} {
  const { counts } = run.record;
  const of = (kind: TicketAction['action']) => run.actions.filter((a) => a.action === kind).length;
  return {
    windowsCompleted: run.processedWindows.map((w) => utcText(w)),
    customersToCheckAgain: new Set(run.retries.map((r) => r.orgId)).size,
    opened: counts.created, noted: counts.updated, alreadyReported: counts.unchanged,
    failed: of('failed'), notTicketed: of('unticketed'), windowsLost: of('lost'), windowsSkipped: counts.skipped,
  };
}

export function ticketSummaryLine(run: TicketRun): string {
  const s = ticketSummary(run);
  const retry = s.customersToCheckAgain > 0 ? `; ${String(s.customersToCheckAgain)} customer(s) to check again` : '';
  const unticketed = s.notTicketed > 0 ? `, ${String(s.notTicketed)} not ticketed (no active PSA company)` : '';
  const lost = s.windowsLost > 0 ? `, ${String(s.windowsLost)} window(s) lost` : '';
  return `Ticket check finished: windows completed ${s.windowsCompleted.join(', ') || 'none'} (UTC)${retry}; ${String(s.opened)} opened, ${String(s.noted)} noted, ${String(s.alreadyReported)} already reported, ${String(s.failed)} failed${unticketed}${lost}, ${String(s.windowsSkipped)} window(s) skipped.`;
}

/** `umbrella-psa-sync tickets [--json] [--demo [--psa KIND]] [--data-dir DIR]` */
export function runTicketsCommand(command: CommandTarget, io: CliIo, log: Logger): Promise<ExitCode> {
  // In the demo, activity is anchored inside the previous 4-hour window, the one a check processes.
  return withCommandSetup(command, io, log, async ({ setup, reportError, say }) => {
    const engine = await createTicketEngine(setup);
    const run = await engine.run();
    for (const action of run.actions) say(ticketActionLine(action));
    for (const note of run.record.notes) say(`note: ${note}`);
    if (run.record.error) reportError(run.record.error);
    say(ticketSummaryLine(run));
    if (command.json) {
      const { record, actions, processedWindows, skippedWindows, retries } = run;
      // `summary` counts as the summary line does; `record.counts.failed` also counts hits not ticketed and lost windows.
      io.out(JSON.stringify({ summary: ticketSummary(run), record, actions, processedWindows, skippedWindows, retries }, null, 2));
    }
    return runExitCode(run);
  }, windowOf(Date.now()) - 30 * 60_000);
}
