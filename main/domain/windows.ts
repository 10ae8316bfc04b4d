/**
 * The time windows the app reasons in, all in UTC: the 4-hour botnet windows aligned to 00:00, how far
 * back a missed window is still checked, the previous calendar month (fields 10-15) and the 7 days
 * before a run (fields 5-9).
 */

export const WINDOW_MS = 4 * 3_600_000;
/** Windows missed for longer than this are no longer checked (reported as skipped or lost). */
export const CATCH_UP_MS = 48 * 3_600_000;
export const SEVEN_DAYS_MS = 7 * 86_400_000;

/** The start of the 4-hour window holding `ms`. */
export function windowOf(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

/** Window starts from `first` to `last`, inclusive. */
export function windowRange(first: number, last: number): number[] {
  const all: number[] = [];
  for (let w = first; w <= last; w += WINDOW_MS) all.push(w);
  return all;
}

/** `2026-01-31 20:00`, the minute in UTC. */
export const utcText = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** `2026-01-31 20:00-00:00 UTC`, a window as a person reads it. */
export const windowText = (window: number): string => `${utcText(window)}-${utcText(window + WINDOW_MS).slice(11)} UTC`;

/** The calendar month before `runAt`, in UTC, as epoch milliseconds [from, to]. */
export function previousMonth(runAt: Date): { from: number; to: number } {
  const from = Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth() - 1, 1);
  const to = Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), 1) - 1;
  return { from, to };
}
