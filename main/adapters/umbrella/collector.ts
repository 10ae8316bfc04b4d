/**
 * Collects the 16 fields for one customer. Per org: one token and seven Reporting calls, or two once
 * the month's figures are kept (domain/monthly-figures.ts). The Reporting limit is per org, so orgs
 * run in parallel; the per-key Deployments limit of 14/min would otherwise bound the whole sync.
 * Category ids are resolved by label, never hard-coded.
 */
import type { UmbrellaFields } from '../../domain/fields';
import { keptFiguresHold, previousMonthKey, type KeptMonthlyFigures, type MonthlyFigures } from '../../domain/monthly-figures';
import { previousMonth, SEVEN_DAYS_MS } from '../../domain/windows';
import type { UmbrellaClient, UmbrellaCustomer } from './client';
import type { UmbrellaCategory } from './schemas';

export const NETWORK_TYPES = ['network'] as const;
/** Legacy Umbrella roaming clients and Cisco Secure Client (AnyConnect) both count as agents. */
export const AGENT_TYPES = ['roaming', 'anyconnect'] as const;

export interface SecurityCategories {
  malware: number[];
  botnet: number[];
}

export class CategoryLookupError extends Error {}

/** Malware and botnet (Command and Control) category ids, found by label. */
export function securityCategories(categories: readonly UmbrellaCategory[]): SecurityCategories {
  const security = categories.filter((c) => c.type === 'security');
  const malware = security.filter((c) => /malware/i.test(c.label)).map((c) => c.id);
  const botnet = security.filter((c) => /command and control|botnet/i.test(c.label)).map((c) => c.id);
  if (botnet.length === 0 || malware.length === 0) {
    throw new CategoryLookupError('Umbrella lists no "Command and Control" or "Malware" security category; the botnet and malware counts cannot be computed.');
  }
  return { malware, botnet };
}

/** Fields 10-15: five Reporting calls over the previous calendar month. */
async function readMonthlyFigures(client: UmbrellaClient, org: number, runAt: Date, categories: SecurityCategories): Promise<MonthlyFigures> {
  const month = previousMonth(runAt);
  const security = [...categories.malware, ...categories.botnet];
  const [dnsQueries, blocked, topDomains, topBlocked, topCategories] = await Promise.all([
    client.totalDnsRequests(org, month),
    client.allDestinations(org, month, { verdict: 'blocked', categories: security }),
    client.topDestinations(org, month, {}, 10),
    client.topDestinations(org, month, { verdict: 'blocked' }, 10),
    client.topCategories(org, month),
  ]);
  const inCategory = (ids: number[]) => blocked.filter((d) => d.categories.some((c) => ids.includes(c.id))).length;
  return {
    dnsQueriesLastMonth: dnsQueries,
    malwareLastMonth: inCategory(categories.malware),
    botnetLastMonth: inCategory(categories.botnet),
    topDomains: topDomains.map((d) => ({ name: d.domain, count: d.count })),
    topBlockedDomains: topBlocked.map((d) => ({ name: d.domain, count: d.count })),
    topCategories: topCategories
      .filter((c) => c.category.type === 'content' && !c.category.deprecated)
      .map((c) => ({ name: c.category.label, count: c.count })),
  };
}

/** The 16 fields, and whether fields 10-15 came from what was kept of the month (`kept`) instead of Umbrella. */
export async function collectFields(
  client: UmbrellaClient, customer: UmbrellaCustomer, runAt: Date, categories: SecurityCategories, kept?: KeptMonthlyFigures,
): Promise<{ fields: UmbrellaFields; monthly: KeptMonthlyFigures; monthlyKept: boolean }> {
  const org = customer.customerId;
  const week = { from: runAt.getTime() - SEVEN_DAYS_MS, to: runAt.getTime() };
  const monthlyKept = keptFiguresHold(kept, runAt);
  const [identities, active, figures] = await Promise.all([
    client.identities(org, [...NETWORK_TYPES, ...AGENT_TYPES]),
    client.topIdentities(org, week, { identityTypes: [...NETWORK_TYPES, ...AGENT_TYPES] }),
    monthlyKept ? kept.figures : readMonthlyFigures(client, org, runAt, categories),
  ]);
  const monthly = monthlyKept ? kept : { month: previousMonthKey(runAt), readAt: runAt.toISOString(), figures };

  const activeIds = new Set(active.filter((row) => row.counts.requests > 0).map((row) => row.identity.id));
  const live = identities.filter((i) => i.deleted !== true);
  const networks = live.filter((i) => (NETWORK_TYPES as readonly string[]).includes(i.type.type));
  const agents = live.filter((i) => (AGENT_TYPES as readonly string[]).includes(i.type.type));

  const fields: UmbrellaFields = {
    organizationId: org,
    package: customer.packageName,
    seats: customer.seats,
    totalNetworks: networks.length,
    activeNetworks: networks.filter((n) => activeIds.has(n.id)).length,
    inactiveNetworks: networks.filter((n) => !activeIds.has(n.id)).map((n) => n.label),
    agentsDeployed: agents.length,
    activeAgents: agents.filter((a) => activeIds.has(a.id)).length,
    inactiveAgents: agents.filter((a) => !activeIds.has(a.id)).map((a) => a.label),
    ...figures,
    lastUpdated: runAt,
  };
  return { fields, monthly, monthlyKept };
}
