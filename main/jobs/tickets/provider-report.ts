/**
 * Provider-wide first: one call per window with the parent token gives every org's blocked
 * command-and-control requests. Only an org over the threshold can have an identity over it, so an org
 * the report lists at or under it needs no token and no per-org call; an org not listed (or an answer
 * cut at its limit, or refused) is checked per org: correctness first.
 */
import { securityCategories } from '../../adapters/umbrella/collector';
import { describeError } from '../../domain/errors';
import { WINDOW_MS, windowText } from '../../domain/windows';
import type { Target, TicketDeps } from './types';

/** One window's provider-wide answer: blocked botnet requests per org, or why there is none. */
export type ProviderReport = { ok: true; blocked: Map<number, number>; cut: boolean; limit: number } | { ok: false; error: string };

/** Command and Control (and the other botnet categories), read with the provider token; per org where the console refuses that. */
export async function botnetCategories(deps: Pick<TicketDeps, 'umbrella'>, targets: Target[]): Promise<number[]> {
  const { umbrella } = deps;
  try {
    return securityCategories(await umbrella.providerCategories()).botnet;
  } catch {
    const first = targets.find((t) => t.windows.length > 0);
    return first ? securityCategories(await umbrella.categories(first.customer.customerId)).botnet : [];
  }
}

/** One report per window any target still needs (the answer is cut when it holds `limit` orgs). */
export async function providerReports(deps: Pick<TicketDeps, 'umbrella'>, targets: Target[], botnet: number[], now: number, customers: number): Promise<Map<number, ProviderReport>> {
  const reports = new Map<number, ProviderReport>();
  if (botnet.length === 0) return reports;
  const limit = Math.max(100, customers + 1);
  for (const window of [...new Set(targets.flatMap((t) => t.windows))].sort((a, b) => a - b)) {
    const range = { from: window, to: Math.min(window + WINDOW_MS, now) - 1 };
    try {
      reports.set(window, { ok: true, limit, ...(await deps.umbrella.providerBlockedByOrg(range, botnet, limit)) });
    } catch (error) {
      reports.set(window, { ok: false, error: describeError(error) });
    }
  }
  return reports;
}

/** Per window, the orgs the report lists at or under the threshold (they need no per-org look); a note per window says which path it took. */
export function quietOrgs(targets: Target[], reports: Map<number, ProviderReport>, threshold: number, notes: string[]): Map<number, Set<number>> {
  const clean = new Map<number, Set<number>>();
  for (const [window, report] of reports) {
    if (!report.ok) {
      notes.push(`${windowText(window)}: the provider-wide report could not be used (${report.error}); every customer was checked one by one.`);
      continue;
    }
    const pending = targets.filter((t) => t.windows.includes(window));
    const quiet = new Set(pending.filter((t) => (report.blocked.get(t.customer.customerId) ?? Number.POSITIVE_INFINITY) <= threshold).map((t) => t.customer.customerId));
    clean.set(window, quiet);
    const unlisted = pending.filter((t) => !report.blocked.has(t.customer.customerId)).length;
    const over = pending.length - quiet.size - unlisted;
    notes.push(`${windowText(window)}: the provider-wide report showed ${String(over)} customer(s) over the threshold${unlisted > 0 ? `; ${String(unlisted)} not in it${report.cut ? ` (the answer stopped at its limit of ${String(report.limit)})` : ''} were checked one by one` : ''}; the other ${String(quiet.size)} needed no per-customer call.`);
  }
  return clean;
}

/** Why the saved customer list must be read again, or null: a report names an org over the threshold it does not hold, or no report can vouch for the orgs it does not list. */
export function staleListReason(reports: Map<number, ProviderReport>, listed: Set<number>, threshold: number): string | null {
  const all = [...reports.values()];
  if (all.some((r) => !r.ok || r.cut)) return 'a provider-wide report was incomplete';
  if (all.some((r) => r.ok && [...r.blocked].some(([org, n]) => n > threshold && !listed.has(org)))) return 'a provider-wide report names a customer it does not hold';
  return null;
}
