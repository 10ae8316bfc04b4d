/** One line per run, for the tray, notifications and diagnostics. */
import type { RunRecord } from '../../preload/contract';

export const utcMinute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** Whether a real run went wrong: it stopped with an error, or failed for some customers. A run stopped on purpose did not fail. */
export function runFailed(run: RunRecord): boolean {
  return run.stopped !== true && (run.error !== undefined || run.counts.failed > 0);
}

/** What a run did, or why it stopped. */
function outcome(run: RunRecord): string {
  const { counts } = run;
  if (run.error) return `stopped: ${run.error}`;
  const failed = counts.failed > 0 ? `, ${String(counts.failed)} customer(s) failed` : '';
  // Every synced configuration is written (Last Updated at least): "unchanged" ones are written too.
  const written = counts.created + counts.updated + counts.unchanged;
  const lastUpdatedOnly = counts.unchanged > 0 ? ` (${String(counts.unchanged)} with only Last Updated changed)` : '';
  if (run.kind === 'sync' && run.dryRun) return `dry run, nothing written: ${String(written)} configuration(s) would be written${lastUpdatedOnly}${failed}`;
  if (run.kind === 'sync') return `${String(written)} configuration(s) written${lastUpdatedOnly}${failed}`;
  return `${String(counts.created)} ticket(s) opened${counts.failed > 0 ? `, ${String(counts.failed)} problem(s)` : ''}`;
}

const RUN_NAMES = { sync: 'sync', tickets: 'ticket check' } as const;

/** One line for a run: what, when, and what came of it. */
export function runLine(run: RunRecord): string {
  const name = RUN_NAMES[run.kind];
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} ${utcMinute(run.startedAt)}: ${outcome(run)}`;
}

/** The tray's line for the last run (of any kind). */
export function lastResultLine(run: RunRecord | null): string {
  return run ? `Last ${RUN_NAMES[run.kind]} ${utcMinute(run.startedAt)}: ${outcome(run)}` : 'No run yet';
}
