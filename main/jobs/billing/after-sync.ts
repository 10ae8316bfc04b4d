/**
 * The billing check after a real daily sync (settings billing.checkAfterSync): the drift on the day, from the
 * customer list the sync just saved, into the sync's run record (the notification says when drift appears);
 * and, where the administrator turned it on, the increases of at most N seats applied without asking, from
 * the first of next month, through the same plan, ledger and exactly-once apply as an approval.
 */
import type { RunRecord } from '../../../preload/contract';
import { plural } from '../../../preload/plural';
import type { SyncFollowUp } from '../sync/engine';
import type { SyncSetup } from '../setup';
import { billingProductId, billingReport } from './report';
import { applyBillingPlan, effectiveDay, makeBillingPlan } from './writeback';

export function billingAfterSync(setup: SyncSetup): (runAt: Date) => Promise<SyncFollowUp | null> {
  return async (runAt) => {
    const settings = setup.settings();
    const kind = settings.psa.kind;
    if (!settings.billing.checkAfterSync || kind === null) return null;
    if (billingProductId(settings, kind) === null) {
      return { notes: ['Billing check after the sync skipped: no product is chosen for Umbrella seats (the Billing screen, or "umbrella-psa-sync configure --billing-product REF").'] };
    }
    const report = await billingReport(setup, runAt.toISOString().slice(0, 10), 'recent');
    const { underBilled, overBilled, toReview } = report.totals;
    const notes = [
      `Billing on ${report.day}: ${plural(underBilled.customers, 'customer')} under-billed (${plural(underBilled.seats, 'seat')} not billed), ` +
        `${plural(overBilled.customers, 'customer')} over-billed (${plural(overBilled.seats, 'seat')} too many), ${String(toReview)} to review.`,
    ];
    const billing: NonNullable<RunRecord['billing']> = { underBilled, overBilled, toReview, autoApplied: 0, planId: null };
    const { autoApply } = settings.billing;
    if (autoApply.enabled && underBilled.customers > 0) {
      const plan = await makeBillingPlan(setup, effectiveDay('next-month', runAt), 'recent');
      const increases = plan.lines.filter((l) => l.blocked === null && l.to > l.from && l.to - l.from <= autoApply.maxSeats);
      billing.planId = plan.id;
      if (increases.length > 0) {
        const { outcomes } = await applyBillingPlan(setup, plan.id, { lines: increases.map((l) => l.line) });
        const applied = outcomes.filter((o) => o.outcome === 'applied' || o.outcome === 'found');
        billing.autoApplied = applied.length;
        const others = outcomes.filter((o) => !applied.includes(o) && o.outcome !== 'not-needed' && o.outcome !== 'already');
        notes.push(`Billing: ${plural(applied.length, 'increase')} of at most ${plural(autoApply.maxSeats, 'seat')} applied from ${plan.effective} without asking (plan ${String(plan.id)}).` +
          (others.length > 0 ? ` Not applied: ${others.map((o) => `${o.customer} (${o.message})`).join('; ')}` : ''));
      }
    }
    return { notes, billing };
  };
}
