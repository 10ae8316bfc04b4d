/**
 * The 16 Umbrella fields written to each mapped company (DESIGN.md, "The 16 fields"): one table
 * gives each field's ConnectWise question (in CW order, with its field type) and Autotask UDF
 * (name, number, single or multi line). Values are formatted once, here, as the PSA shows them.
 */
import { psaText } from './text';

export const FIELD_KEYS = [
  'organizationId', 'package', 'seats', 'totalNetworks', 'activeNetworks', 'inactiveNetworks', 'agentsDeployed', 'activeAgents',
  'inactiveAgents', 'dnsQueriesLastMonth', 'malwareLastMonth', 'botnetLastMonth', 'topDomains', 'topBlockedDomains', 'topCategories', 'lastUpdated',
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];

export interface FieldDefinition {
  key: FieldKey;
  /** ConnectWise question text; its position in FIELDS is the CW sequence number. */
  question: string;
  cwFieldType: 'Text' | 'Number' | 'TextArea';
  /** Autotask UDF name and its number in the seeds' order. */
  udf: string;
  udfNumber: number;
  multiLine: boolean;
}

export const FIELDS: readonly FieldDefinition[] = [
  { key: 'organizationId', question: 'Organization ID', cwFieldType: 'Text', udf: 'Organization ID', udfNumber: 1, multiLine: false },
  { key: 'package', question: 'Package', cwFieldType: 'Text', udf: 'Package', udfNumber: 3, multiLine: false },
  { key: 'seats', question: 'Seats', cwFieldType: 'Number', udf: 'Seats', udfNumber: 4, multiLine: false },
  { key: 'totalNetworks', question: 'Total Networks', cwFieldType: 'Number', udf: 'Total Networks', udfNumber: 5, multiLine: false },
  { key: 'activeNetworks', question: 'Active Networks (7 days)', cwFieldType: 'Number', udf: 'Active Networks in Last 7 Days', udfNumber: 6, multiLine: false },
  { key: 'inactiveNetworks', question: 'Inactive Networks (7 days)', cwFieldType: 'TextArea', udf: 'Inactive Networks in Last 7 Days', udfNumber: 7, multiLine: true },
  { key: 'agentsDeployed', question: 'Roaming Agents Deployed', cwFieldType: 'Number', udf: 'Umbrella Agents Deployed', udfNumber: 8, multiLine: false },
  { key: 'activeAgents', question: 'Active Agents (7 days)', cwFieldType: 'Number', udf: 'Umbrella Agents Active in Last 7 Days', udfNumber: 9, multiLine: false },
  { key: 'inactiveAgents', question: 'Inactive Agents (7 days)', cwFieldType: 'TextArea', udf: 'Umbrella Agents Inactive in Last 7 Days', udfNumber: 10, multiLine: true },
  { key: 'dnsQueriesLastMonth', question: 'DNS Queries Last Month', cwFieldType: 'Number', udf: 'DNS Queries Last Month', udfNumber: 11, multiLine: false },
  { key: 'malwareLastMonth', question: 'Malware Infections Prevented Last Month', cwFieldType: 'Number', udf: 'Malware Infections Prevented Last Month', udfNumber: 12, multiLine: false },
  { key: 'botnetLastMonth', question: 'Botnet Infections Contained Last Month', cwFieldType: 'Number', udf: 'Botnet Infections Contained Last Month', udfNumber: 13, multiLine: false },
  { key: 'topDomains', question: 'Top Domains Last Month', cwFieldType: 'TextArea', udf: 'Top Domains Last Month', udfNumber: 14, multiLine: true },
  { key: 'topBlockedDomains', question: 'Top Blocked Domains Last Month', cwFieldType: 'TextArea', udf: 'Top Blocked Domains Last Month', udfNumber: 15, multiLine: true },
  { key: 'topCategories', question: 'Top Categories Last Month', cwFieldType: 'TextArea', udf: 'Top Categories Last Month', udfNumber: 16, multiLine: true },
  { key: 'lastUpdated', question: 'Last Updated', cwFieldType: 'Text', udf: 'Last Updated', udfNumber: 2, multiLine: false },
];

/** Raw values collected from Umbrella for one customer. */
export interface UmbrellaFields {
  organizationId: number;
  package: string | null;
  seats: number | null;
  totalNetworks: number;
  activeNetworks: number;
  inactiveNetworks: string[];
  agentsDeployed: number;
  activeAgents: number;
  inactiveAgents: string[];
  dnsQueriesLastMonth: number;
  malwareLastMonth: number;
  botnetLastMonth: number;
  topDomains: { name: string; count: number }[];
  topBlockedDomains: { name: string; count: number }[];
  topCategories: { name: string; count: number }[];
  lastUpdated: Date;
}

/** What a field holds in the PSA: a number for numeric CW questions, text otherwise. */
export type FieldValue = string | number;
export type FieldValues = Record<FieldKey, FieldValue>;

export const LIST_LIMIT = 10;
/** Names lists (inactive networks/agents) are complete up to this many lines, then summarised. */
export const NAMES_LIMIT = 50;

function names(list: readonly string[]): string {
  const sorted = [...list].sort((a, b) => a.localeCompare(b));
  if (sorted.length <= NAMES_LIMIT) return sorted.join('\n');
  return [...sorted.slice(0, NAMES_LIMIT), `… and ${String(sorted.length - NAMES_LIMIT)} more`].join('\n');
}

export function formatLastUpdated(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The 16 values as they are written, identical for both PSAs apart from number vs text; vendor text made safe for a PSA field. */
export function formatFields(fields: UmbrellaFields): FieldValues {
  const values = formatRaw(fields);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === 'string' ? psaText(value) : value])) as FieldValues;
}

function formatRaw(fields: UmbrellaFields): FieldValues {
  return {
    organizationId: String(fields.organizationId),
    package: fields.package ?? '',
    seats: fields.seats ?? '',
    totalNetworks: fields.totalNetworks,
    activeNetworks: fields.activeNetworks,
    inactiveNetworks: names(fields.inactiveNetworks),
    agentsDeployed: fields.agentsDeployed,
    activeAgents: fields.activeAgents,
    inactiveAgents: names(fields.inactiveAgents),
    dnsQueriesLastMonth: fields.dnsQueriesLastMonth,
    malwareLastMonth: fields.malwareLastMonth,
    botnetLastMonth: fields.botnetLastMonth,
    topDomains: fields.topDomains.slice(0, LIST_LIMIT).map((d) => d.name).join('\n'),
    topBlockedDomains: fields.topBlockedDomains.slice(0, LIST_LIMIT).map((d) => d.name).join('\n'),
    topCategories: fields.topCategories.slice(0, LIST_LIMIT).map((c) => `${c.name} (${String(c.count)})`).join('\n'),
    lastUpdated: formatLastUpdated(fields.lastUpdated),
  };
}

/**
 * A name reduced to what identifies it, so that an existing "DNS Requests Last Month" or
 * "Umbrella Agents Active in Last 7 Days" is adopted instead of adding a near-duplicate.
 */
export function normaliseFieldName(name: string): string {
  const synonyms: Record<string, string> = { requests: 'queries', request: 'queries', query: 'queries', agent: 'agents', network: 'networks', day: 'days', domain: 'domains', category: 'categories', id: 'id', identifier: 'id' };
  const dropped = new Set(['in', 'the', 'of', 'last', 'for', 'umbrella', 'roaming', 'opendns', 'cisco', 'number', 'no']);
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '' && !dropped.has(t))
    .map((t) => synonyms[t] ?? t)
    .sort()
    .join(' ');
}

/** Field key -> the name the PSA shows for it: the ConnectWise question or the Autotask UDF. */
export function fieldLabels(shownAs: 'question' | 'udf'): Record<string, string> {
  return Object.fromEntries(FIELDS.map((f) => [f.key, shownAs === 'question' ? f.question : f.udf]));
}
