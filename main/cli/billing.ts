/**
 * `billing [--date YYYY-MM-DD] [--json | --csv]`: the seat drift report, read only; and the approved write-back:
 * `billing plan`, `billing apply PLAN`, `billing undo CHANGE`, `billing changes`.
 */
import { billingReport } from '../jobs/billing/report';
import type { DriftReport, DriftRow, DriftStatus } from '../jobs/billing/drift';
import { billingCsv } from '../../preload/billing-csv';
import { DaySchema, type BillingChange, type BillingPlan, type BillingPlanLine } from '../../preload/contract';
import { applyBillingPlan, billingChanges, effectiveDay, makeBillingPlan, undoBillingChange, type ApplyOutcome, type Approval, type EffectiveChoice } from '../jobs/billing/writeback';
import { UsageError } from './exit-codes';
import { limitOption } from './history';
import type { SyncSetup } from '../jobs/setup';

const MARKS: Record<DriftStatus, string> = {
  'in-step': '=', 'under-billed': '+', 'over-billed': '-', 'no-line': '!', 'several-lines': '!', 'no-agreement': '!', ended: '!', 'no-company': '?', 'not-mapped': '?', trial: '~',
};
const LABELS: Record<DriftStatus, string> = {
  'in-step': 'in step', 'under-billed': 'under-billed', 'over-billed': 'over-billed', 'no-line': 'no line', 'several-lines': 'several lines',
  'no-agreement': 'no agreement', ended: 'not in force', 'no-company': 'no PSA company', 'not-mapped': 'not mapped', trial: 'trial',
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
  const product = row.product ? ` Product for this customer: ${row.product.name}.` : '';
  return `${MARKS[row.status]} ${row.customer} (${String(row.orgId)}): ${String(row.seats)} seat(s), ${LABELS[row.status]}${amount}. ${row.detail}${product}`;
}

export function billingLines(report: DriftReport): string[] {
  const { totals } = report;
  return [
    `Seat drift on ${report.day}, product ${report.product.name}:`,
    ...[...report.rows].sort((a, b) => a.customer.localeCompare(b.customer)).map(rowLine),
    `Umbrella seats of the customers with a PSA company: ${String(totals.umbrellaSeats)}. On the ${String(totals.compared)} compared: ${String(totals.comparedSeats)} in Umbrella, ${String(totals.billedSeats)} billed by the PSA.`,
    report.console
      ? `Cisco bills you for ${report.console.packageName}: ${String(report.console.seatsTotal)} seats allocated, ${String(report.console.seatsUsed)} used by ${String(report.console.customerCount)} customer(s).`
      : report.consoleNote ?? '',
    `${String(totals.inStep)} in step, ${String(totals.underBilled.customers)} under-billed (${String(totals.underBilled.seats)} seat(s) not billed), ${String(totals.overBilled.customers)} over-billed (${String(totals.overBilled.seats)} seat(s) too many), ${String(totals.toReview)} to review${totals.trials > 0 ? `, ${String(totals.trials)} on a trial` : ''}.`,
  ];
}

export async function billingCommand(setup: SyncSetup, options: { date: string | undefined; json: boolean; csv: boolean }, now: Date): Promise<string[]> {
  if (options.json && options.csv) throw new UsageError('Choose one of --json and --csv.');
  const report = await billingReport(setup, billingDay(options.date, now));
  if (options.csv) return [billingCsv(report)];
  if (options.json) return [JSON.stringify(report, null, 2)];
  return billingLines(report);
}

export const EFFECTIVE_CHOICES = ['today', 'next-month'] as const;

function effectiveChoice(value: string | undefined): EffectiveChoice {
  const choice = (value ?? 'next-month').trim();
  if (!(EFFECTIVE_CHOICES as readonly string[]).includes(choice)) throw new UsageError(`--effective takes today or next-month (the first of next month), not "${choice}".`);
  return choice as EffectiveChoice;
}

const signed = (n: number) => (n > 0 ? `+${String(n)}` : String(n));

function planLine(line: BillingPlanLine): string {
  const head = `${String(line.line).padStart(3)}. ${line.customer} (${String(line.orgId)}), ${line.company}: ${String(line.from)} -> ${String(line.to)} (${signed(line.to - line.from)}) on ${line.where}.`;
  return line.blocked === null ? `${head} ${line.detail}` : `${head} Cannot be written: ${line.blocked}.`;
}

export function planLines(plan: BillingPlan): string[] {
  const ready = plan.lines.filter((l) => l.blocked === null);
  return [
    `Billing plan ${String(plan.id)} (${plan.psa}, ${plan.product.name}), effective ${plan.effective}: ${String(plan.lines.length)} line(s), ${String(ready.length)} can be written.`,
    ...plan.lines.map(planLine),
    ...(plan.toReview > 0 ? [`${String(plan.toReview)} customer(s) with a PSA company need a look first (no line, several lines, no agreement or contract in force, an inactive company): see "umbrella-psa-sync billing".`] : []),
    plan.lines.length === 0 ? 'Nothing to change: every customer with one line is billed as many seats as Umbrella has.'
      : `Nothing is written until you approve: "umbrella-psa-sync billing apply ${String(plan.id)} --line 1,2" or "--all [--within 5 | --within 10%]". The plan can be applied for 24 hours.`,
  ];
}

const OUTCOME_MARKS: Record<ApplyOutcome['outcome'], string> = { applied: '✓', found: '✓', 'not-needed': '=', already: '=', refused: '✗', busy: '…', unknown: '?' };

function outcomeLine(outcome: ApplyOutcome): string {
  const which = outcome.line === null ? (outcome.change ? `change ${String(outcome.change.id)}` : '') : `line ${String(outcome.line)}`;
  return `${OUTCOME_MARKS[outcome.outcome]} ${which ? `${which}, ` : ''}${outcome.customer}: ${outcome.message}`;
}

function lineNumbers(text: string): number[] {
  const numbers = text.split(',').map((part) => part.trim());
  if (numbers.some((n) => !/^\d{1,5}$/.test(n) || Number(n) < 1)) throw new UsageError(`--line takes plan line numbers such as 1,3,4, not "${text}".`);
  return numbers.map(Number);
}

function tolerance(text: string): { seats: number } | { percent: number } {
  const match = /^(\d{1,6})(%?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--within takes a number of seats (5) or a percentage (10%), not "${text}".`);
  return match[2] ? { percent: Number(match[1]) } : { seats: Number(match[1]) };
}

/** What `billing apply` approves: the lines named, or every line that can be written (within a tolerance). */
export function approvalOf(options: { line: string | undefined; all: boolean; within: string | undefined }): Approval {
  if (options.line !== undefined && (options.all || options.within !== undefined)) throw new UsageError('Approve either --line N[,N…] or --all [--within N|N%], not both.');
  if (options.line !== undefined) return { lines: lineNumbers(options.line) };
  if (options.within !== undefined) return { all: true, within: tolerance(options.within) };
  if (options.all) return { all: true };
  throw new UsageError('Say which lines to apply: --line 1,3 (their numbers in the plan), --all, or --all --within 5 (or 10%) for the small changes only.');
}

function idOf(text: string | undefined, what: string, usage: string): number {
  if (text === undefined || !/^\d{1,9}$/.test(text.trim())) throw new UsageError(`${what}: ${usage}`);
  return Number(text.trim());
}

const changeLine = (c: BillingChange) =>
  `${String(c.id)}. ${c.updatedAt.slice(0, 16).replace('T', ' ')} UTC  ${c.state.padEnd(10)} ${c.customer} (${String(c.orgId)}): ${String(c.from)} -> ${String(c.to)} from ${c.effective} on ${c.where}${c.undoOf !== null ? ` (undo of ${String(c.undoOf)})` : ''}. ${c.detail ?? ''}`.trimEnd();

export type BillingAction = 'plan' | 'apply' | 'undo' | 'changes';
export const BILLING_ACTIONS: readonly BillingAction[] = ['plan', 'apply', 'undo', 'changes'];

export interface BillingActionOptions {
  effective: string | undefined;
  line: string | undefined;
  all: boolean;
  within: string | undefined;
  customer: string | undefined;
  limit: string | undefined;
  json: boolean;
}

/** Runs one write-back action; answers its lines and whether everything asked was done. */
export async function billingActionCommand(setup: SyncSetup, action: BillingAction, argument: string | undefined, options: BillingActionOptions, now: Date): Promise<{ lines: string[]; ok: boolean }> {
  const json = (value: unknown) => [JSON.stringify(value, null, 2)];
  switch (action) {
    case 'plan': {
      const plan = await makeBillingPlan(setup, effectiveDay(effectiveChoice(options.effective), now));
      return { lines: options.json ? json(plan) : planLines(plan), ok: true };
    }
    case 'apply': {
      const planId = idOf(argument, 'billing apply needs the plan number', 'umbrella-psa-sync billing apply PLAN --line N[,N…] | --all [--within N|N%]');
      const { outcomes } = await applyBillingPlan(setup, planId, approvalOf(options));
      const ok = outcomes.every((o) => o.outcome !== 'refused' && o.outcome !== 'unknown' && o.outcome !== 'busy');
      const lines = options.json ? json(outcomes) : outcomes.length === 0 ? [`Plan ${String(planId)} has no line to apply within what you approved.`] : outcomes.map(outcomeLine);
      return { lines, ok };
    }
    case 'undo': {
      const outcome = await undoBillingChange(setup, idOf(argument, 'billing undo needs the change number', 'umbrella-psa-sync billing undo CHANGE (see "billing changes")'));
      return { lines: options.json ? json(outcome) : [outcomeLine(outcome)], ok: outcome.outcome === 'applied' || outcome.outcome === 'not-needed' };
    }
    case 'changes': {
      if (argument !== undefined) throw new UsageError(`Unexpected "${argument}". Usage: umbrella-psa-sync billing changes [--customer ORG_ID|NAME] [--limit N] [--json]`);
      const limit = options.limit === undefined ? 100 : limitOption(options.limit, 'changes');
      const changes = billingChanges(setup, { ...(options.customer !== undefined ? { customer: options.customer } : {}), limit });
      return { lines: options.json ? json(changes) : changes.length === 0 ? ['No seat change was written yet.'] : changes.map(changeLine), ok: true };
    }
  }
}
