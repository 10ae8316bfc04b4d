/**
 * Suggested mappings: for each Umbrella customer, the PSA company a person would pick, with a
 * confidence from 0 to 1. Names are compared after normalising what differs between systems for
 * the same company (legal suffixes, "&" vs "and", punctuation, spacing, "Mgmt"), by edit distance
 * on the compact form and by shared words; each PSA company is suggested for one customer at most.
 */
import { distance } from 'fastest-levenshtein';

const LEGAL_SUFFIXES = new Set(['inc', 'incorporated', 'llc', 'llp', 'ltd', 'limited', 'co', 'corp', 'corporation', 'company', 'pllc', 'pc', 'plc', 'gmbh', 'bv', 'sa', 'pty', 'the']);
const ABBREVIATIONS: Record<string, string> = { mgmt: 'management', svcs: 'services', svc: 'service', intl: 'international', assoc: 'associates', bros: 'brothers', ctr: 'center', dept: 'department', med: 'medical' };

/** Words that identify the company, in order. */
export function nameWords(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !LEGAL_SUFFIXES.has(w))
    .map((w) => ABBREVIATIONS[w] ?? w);
}

/** 0..1: how likely two names are the same company. */
export function nameSimilarity(a: string, b: string): number {
  const wa = nameWords(a);
  const wb = nameWords(b);
  if (wa.length === 0 || wb.length === 0) return 0;
  const ca = wa.join('');
  const cb = wb.join('');
  if (ca === cb) return 1;
  const edit = 1 - distance(ca, cb) / Math.max(ca.length, cb.length);
  const sa = new Set(wa);
  const sb = new Set(wb);
  const shared = [...sa].filter((w) => sb.has(w)).length;
  const words = (2 * shared) / (sa.size + sb.size);
  return Math.max(edit, words) * 0.9 + Math.min(edit, words) * 0.1;
}

export interface Candidate {
  reference: string;
  name: string;
  active: boolean;
}

export interface Suggestion {
  orgId: number;
  reference: string;
  name: string;
  confidence: number;
}

export const MIN_CONFIDENCE = 0.6;

/** The best one-to-one suggestions above MIN_CONFIDENCE, most confident first; companies already mapped are not offered again. */
export function suggestMappings(customers: readonly { orgId: number; name: string }[], companies: readonly Candidate[], alreadyMapped: ReadonlySet<string> = new Set()): Suggestion[] {
  const pairs: Suggestion[] = [];
  for (const customer of customers) {
    for (const company of companies) {
      if (alreadyMapped.has(company.reference.toLowerCase())) continue;
      const confidence = nameSimilarity(customer.name, company.name) * (company.active ? 1 : 0.95);
      if (confidence >= MIN_CONFIDENCE) pairs.push({ orgId: customer.orgId, reference: company.reference, name: company.name, confidence: Math.round(confidence * 100) / 100 });
    }
  }
  pairs.sort((x, y) => y.confidence - x.confidence || x.orgId - y.orgId);
  const usedCustomers = new Set<number>();
  const usedCompanies = new Set<string>();
  const chosen: Suggestion[] = [];
  for (const pair of pairs) {
    if (usedCustomers.has(pair.orgId) || usedCompanies.has(pair.reference)) continue;
    usedCustomers.add(pair.orgId);
    usedCompanies.add(pair.reference);
    chosen.push(pair);
  }
  return chosen;
}
