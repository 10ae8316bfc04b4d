/**
 * Fields 10-15 describe the previous calendar month, so they cannot change between the 2nd and the
 * last day of a month: a sync reads them once a month and reuses them. They are read again on the 1st
 * (a new month), on the 2nd (Umbrella's data for the last hours of the month may arrive late), and
 * whenever what is kept is not the previous month's, was read before the 2nd, or is missing.
 */
import type { UmbrellaFields } from './fields';
import { previousMonth } from './windows';

export type MonthlyFigures = Pick<UmbrellaFields, 'dnsQueriesLastMonth' | 'malwareLastMonth' | 'botnetLastMonth' | 'topDomains' | 'topBlockedDomains' | 'topCategories'>;

/** The previous month's figures of one customer as last read: which month, and when they were read. */
export interface KeptMonthlyFigures {
  /** YYYY-MM of the month they describe. */
  month: string;
  /** ISO time they were read. */
  readAt: string;
  figures: MonthlyFigures;
}

/** YYYY-MM of the calendar month before `runAt` (UTC). */
export function previousMonthKey(runAt: Date): string {
  return new Date(previousMonth(runAt).from).toISOString().slice(0, 7);
}

/** From the 2nd of the month on, the previous month's data is complete. */
const COMPLETE_FROM_DAY = 2;

/** Whether `kept` can stand for the previous month's figures in a run at `runAt`. */
export function keptFiguresHold(kept: KeptMonthlyFigures | undefined, runAt: Date): kept is KeptMonthlyFigures {
  if (!kept || kept.month !== previousMonthKey(runAt)) return false;
  // The 1st and the 2nd read again; from the 3rd on, figures read on or after the 2nd hold.
  if (runAt.getUTCDate() <= COMPLETE_FROM_DAY) return false;
  const completeFrom = Date.UTC(runAt.getUTCFullYear(), runAt.getUTCMonth(), COMPLETE_FROM_DAY);
  return Date.parse(kept.readAt) >= completeFrom;
}
