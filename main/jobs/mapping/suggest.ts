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

/** A name prepared once for many comparisons: its words, their compact form, and its letter counts. */
interface PreparedName {
  words: ReadonlySet<string>;
  compact: string;
  letters: number[];
}

const ALPHABET = 36; // a-z and 0-9: all nameWords keeps

function prepare(name: string): PreparedName {
  const words = nameWords(name);
  const compact = words.join('');
  const letters = new Array<number>(ALPHABET).fill(0);
  for (let i = 0; i < compact.length; i++) {
    const code = compact.charCodeAt(i);
    const slot = code >= 97 ? code - 97 : code - 48 + 26;
    letters[slot] = (letters[slot] ?? 0) + 1;
  }
  return { words: new Set(words), compact, letters };
}

function combine(edit: number, words: number): number {
  return Math.max(edit, words) * 0.9 + Math.min(edit, words) * 0.1;
}

function wordScore(a: PreparedName, b: PreparedName): number {
  let shared = 0;
  for (const w of a.words) if (b.words.has(w)) shared++;
  return (2 * shared) / (a.words.size + b.words.size);
}

/**
 * A lower bound of the edit distance that costs 36 steps: every letter one name has more of than
 * the other needs an edit (the bag distance).
 */
function bagDistance(a: PreparedName, b: PreparedName): number {
  let more = 0;
  let fewer = 0;
  for (let i = 0; i < ALPHABET; i++) {
    const d = (a.letters[i] ?? 0) - (b.letters[i] ?? 0);
    if (d > 0) more += d;
    else fewer -= d;
  }
  return Math.max(more, fewer);
}

function preparedSimilarity(a: PreparedName, b: PreparedName, atLeast = 0): number {
  if (a.compact === '' || b.compact === '') return 0;
  if (a.compact === b.compact) return 1;
  const words = wordScore(a, b);
  const longest = Math.max(a.compact.length, b.compact.length);
  // Skip the edit distance when even its best case cannot reach the score asked for: the length
  // difference, then the bag distance, bound it from below.
  if (combine(1 - Math.abs(a.compact.length - b.compact.length) / longest, words) < atLeast) return 0;
  if (combine(1 - bagDistance(a, b) / longest, words) < atLeast) return 0;
  const edit = 1 - distance(a.compact, b.compact) / longest;
  return combine(edit, words);
}

/** 0..1: how likely two names are the same company. */
export function nameSimilarity(a: string, b: string): number {
  return preparedSimilarity(prepare(a), prepare(b));
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

/** How many times each key occurs. */
function counts<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(key(item), (seen.get(key(item)) ?? 0) + 1);
  return seen;
}

/**
 * The best one-to-one suggestions above MIN_CONFIDENCE, most confident first; companies already
 * mapped are not offered again. A name that normalises to exactly one active company's name (and
 * to no other customer's) is matched at once: that pair scores 1, the most any pair can, so the
 * pairwise comparison, quadratic in the number of names, runs only for the rest.
 */
export function suggestMappings(customers: readonly { orgId: number; name: string }[], companies: readonly Candidate[], alreadyMapped: ReadonlySet<string> = new Set()): Suggestion[] {
  const people = customers.map((customer) => ({ customer, name: prepare(customer.name) }));
  const open = companies.filter((c) => !alreadyMapped.has(c.reference.toLowerCase())).map((company) => ({ company, name: prepare(company.name) }));
  const customerNames = counts(people, (p) => p.name.compact);
  const companyNames = counts(open, (c) => c.name.compact);
  const exact = new Map(open.filter((c) => c.company.active && c.name.compact !== '' && companyNames.get(c.name.compact) === 1).map((c) => [c.name.compact, c.company]));

  const chosen: Suggestion[] = [];
  const usedCustomers = new Set<number>();
  const usedCompanies = new Set<string>();
  const choose = (pair: Suggestion) => {
    usedCustomers.add(pair.orgId);
    usedCompanies.add(pair.reference);
    chosen.push(pair);
  };
  for (const { customer, name } of people) {
    const company = customerNames.get(name.compact) === 1 ? exact.get(name.compact) : undefined;
    if (company) choose({ orgId: customer.orgId, reference: company.reference, name: company.name, confidence: 1 });
  }

  const pairs: Suggestion[] = [];
  const rest = open.filter((c) => !usedCompanies.has(c.company.reference));
  for (const { customer, name } of people) {
    if (usedCustomers.has(customer.orgId)) continue;
    for (const { company, name: companyName } of rest) {
      const weight = company.active ? 1 : 0.95;
      const confidence = preparedSimilarity(name, companyName, MIN_CONFIDENCE / weight) * weight;
      if (confidence >= MIN_CONFIDENCE) pairs.push({ orgId: customer.orgId, reference: company.reference, name: company.name, confidence: Math.round(confidence * 100) / 100 });
    }
  }
  pairs.sort((x, y) => y.confidence - x.confidence || x.orgId - y.orgId);
  for (const pair of pairs) {
    if (!usedCustomers.has(pair.orgId) && !usedCompanies.has(pair.reference)) choose(pair);
  }
  return chosen.sort((x, y) => y.confidence - x.confidence || x.orgId - y.orgId);
}
