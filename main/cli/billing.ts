/** `billing [--date YYYY-MM-DD] [--json | --csv]`: the seat drift report, read only. */
import { billingReport } from '../jobs/billing/report';
import type { DriftReport, DriftRow, DriftStatus } from '../jobs/billing/drift';
import { billingCsv } from '../../preload/billing-csv';
import { DaySchema } from '../../preload/contract';
import { UsageError } from './exit-codes';
import type { SyncSetup } from '../jobs/setup';

const MARKS: Record<DriftStatus, string> = {
  'in-step': '=', 'under-billed': '+', 'over-billed': '-', 'no-line': '!', 'several-lines': '!', 'no-agreement': '!', ended: '!', 'no-company': '?', 'not-mapped': '?',
};
const LABELS: Record<DriftStatus, string> = {
  'in-step': 'in step', 'under-billed': 'under-billed', 'over-billed': 'over-billed', 'no-line': 'no line', 'several-lines': 'several lines',
  'no-agreement': 'no agreement', ended: 'not in force', 'no-company': 'no PSA company', 'not-mapped': 'not mapped',
};

/** The day to compare on: today (UTC) unless --date names one. */
export function billingDay(date: string | undefined, today: Date): string {
  if (date === undefined) return today.toISOString().slice(0, 10);
  const day = DaySchema.safeParse(date.trim());
  if (!day.success) throw new UsageError(`--date takes a day such as 2026-12-01, not "${date}".`);
  return day.data;
}

function rowLine(row: DriftRow): string {
  const amount = row.difference === null || row.difference === 0 ? '' : ` by ${String(Math.abs(row.difference))}`;
  return `${MARKS[row.status]} ${row.customer} (${String(row.orgId)}): ${String(row.seats)} seat(s), ${LABELS[row.status]}${amount}. ${row.detail}`;
}

export function billingLines(report: DriftReport): string[] {
  const { totals } = report;
  return [
    `Seat drift on ${report.day}, product ${report.product.name}:`,
    ...[...report.rows].sort((a, b) => a.customer.localeCompare(b.customer)).map(rowLine),
    `Umbrella seats of the customers with a PSA company: ${String(totals.umbrellaSeats)}. On the ${String(totals.compared)} compared: ${String(totals.comparedSeats)} in Umbrella, ${String(totals.billedSeats)} billed by the PSA.`,
    `${String(totals.inStep)} in step, ${String(totals.underBilled.customers)} under-billed (${String(totals.underBilled.seats)} seat(s) not billed), ${String(totals.overBilled.customers)} over-billed (${String(totals.overBilled.seats)} seat(s) too many), ${String(totals.toReview)} to review.`,
  ];
}

export async function billingCommand(setup: SyncSetup, options: { date: string | undefined; json: boolean; csv: boolean }, now: Date): Promise<string[]> {
  if (options.json && options.csv) throw new UsageError('Choose one of --json and --csv.');
  const report = await billingReport(setup, billingDay(options.date, now));
  if (options.csv) return [billingCsv(report)];
  if (options.json) return [JSON.stringify(report, null, 2)];
  return billingLines(report);
}
