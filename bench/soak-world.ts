/**
 * The soak's vendors and what it checks in them at the end: botnet hits planted in the simulated
 * weeks ahead, then every configuration, ticket and note the service left in the PSA simulator
 * counted against them, and every file it wrote searched for a secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CustomerMapping, PsaKind } from '../preload/contract';
import type { DemoSimulators } from '../simulators/demo';
import { seededRandom, type Random } from '../simulators/random';
import { DEMO_CREDENTIALS } from '../simulators/demo';
import { FOUR_HOURS, HOUR } from '../simulators/seed';

/** A botnet hit over the threshold, planted in one 4-hour window. */
export interface PlantedHit {
  orgId: number;
  identityId: number;
  window: number;
}

/** Customers mapped to an active company, with a roaming computer: where a planted hit must become a ticket. */
function ticketable(demo: DemoSimulators, kind: PsaKind, mappings: Record<string, CustomerMapping>) {
  const { world } = demo;
  const inactive = new Set(kind === 'connectwise'
    ? world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.identifier)
    : world.autotask.companies.filter((c) => !c.isActive).map((c) => String(c.id)));
  return world.customers.filter((c) => {
    const reference = mappings[String(c.customerId)]?.psaCompany;
    return typeof reference === 'string' && !inactive.has(reference) && c.roamingComputers.length > 0;
  });
}

/**
 * Plants hits in every 4-hour window from `from` to `to`: a few customers a window, drawn from a small
 * pool so that the same computer comes back (a note on its open ticket, not a second ticket).
 */
export function plantHits(demo: DemoSimulators, kind: PsaKind, mappings: Record<string, CustomerMapping>, from: number, to: number, seed = 7): PlantedHit[] {
  const random: Random = seededRandom(seed);
  const candidates = ticketable(demo, kind, mappings);
  const pool = candidates.slice(0, Math.max(3, Math.ceil(candidates.length / 20)));
  const perWindow = Math.max(1, Math.round(candidates.length / 200));
  const c2 = demo.world.categories.find((c) => c.label === 'Command and Control')?.id;
  if (c2 === undefined || pool.length === 0) throw new Error('The soak world has no customer a botnet hit could be ticketed for');
  const planted: PlantedHit[] = [];
  for (let window = Math.ceil(from / FOUR_HOURS) * FOUR_HOURS; window < to; window += FOUR_HOURS) {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(perWindow, pool.length)) chosen.add(Math.floor(random() * pool.length));
    for (const index of chosen) {
      const customer = pool[index];
      const computer = customer?.roamingComputers[Math.floor(random() * Math.min(2, customer.roamingComputers.length))];
      if (!customer || !computer) continue;
      demo.umbrella.addActivity(customer.customerId, { ts: window + HOUR, identityId: computer.originId, domain: 'cnc.emotet-panel.ru', categories: [c2], verdict: 'blocked', count: 6 });
      planted.push({ orgId: customer.customerId, identityId: computer.originId, window });
    }
  }
  return planted;
}

interface AnyTicket { id: number; externalXRef?: unknown; externalID?: unknown }

const markerOf = (t: AnyTicket): string => {
  const marker = t.externalXRef ?? t.externalID;
  return typeof marker === 'string' ? marker : '';
};

export interface PsaFindings {
  /** Companies with more than one of the app's configurations, tickets opened twice, notes written twice. */
  duplicates: string[];
  /** Planted hits (before `until`) that neither opened a ticket nor added a note. */
  lostWindows: number;
  tickets: number;
  notes: number;
}

/** Counts what the service left in the PSA simulator against what was planted. */
export function psaFindings(demo: DemoSimulators, kind: PsaKind, planted: readonly PlantedHit[], until: number): PsaFindings {
  const duplicates: string[] = [];
  const perCompany = new Map<string, number>();
  if (kind === 'connectwise') {
    for (const c of demo.connectwise.configurations) if (/umbrella/i.test(c.type.name ?? '')) perCompany.set(String(c.company.id), (perCompany.get(String(c.company.id)) ?? 0) + 1);
  } else {
    for (const item of demo.autotask.configurationItems) perCompany.set(`${String(item.companyID)}:${String(item.productID)}`, (perCompany.get(`${String(item.companyID)}:${String(item.productID)}`) ?? 0) + 1);
  }
  for (const [company, count] of perCompany) if (count > 1) duplicates.push(`configuration ${company} x${String(count)}`);

  const tickets: AnyTicket[] = kind === 'connectwise' ? demo.connectwise.tickets : demo.autotask.tickets;
  // ConnectWise makes a ticket's initialDescription its first note: that one is the ticket, not a later window's note.
  const noteCount = (id: number) => (kind === 'connectwise'
    ? Math.max(0, demo.connectwise.notes.filter((n) => n.ticketId === id).length - 1)
    : demo.autotask.notes.filter((n) => n.ticketID === id).length);
  const byPair = new Map<string, AnyTicket[]>();
  for (const t of tickets) {
    const prefix = markerOf(t).split('/').slice(0, 3).join('/');
    if (!prefix.startsWith('umbrella-psa-sync/') || prefix.includes('/test')) continue;
    byPair.set(prefix, [...(byPair.get(prefix) ?? []), t]);
  }
  const windowsPerPair = new Map<string, Set<number>>();
  for (const hit of planted) {
    if (hit.window + FOUR_HOURS > until) continue;
    const key = `umbrella-psa-sync/${String(hit.orgId)}/${String(hit.identityId)}`;
    windowsPerPair.set(key, (windowsPerPair.get(key) ?? new Set()).add(hit.window));
  }
  let lostWindows = 0;
  let notes = 0;
  for (const [pair, windows] of windowsPerPair) {
    const opened = byPair.get(pair) ?? [];
    if (opened.length > 1) duplicates.push(`ticket ${pair} x${String(opened.length)}`);
    const noted = opened.reduce((sum, t) => sum + noteCount(t.id), 0);
    notes += noted;
    // One ticket for the first window, one note for each later one: fewer is a lost window, more a duplicate.
    const handled = (opened.length > 0 ? 1 : 0) + noted;
    if (handled < windows.size) lostWindows += windows.size - handled;
    if (noted > windows.size - 1) duplicates.push(`notes on ${pair}: ${String(noted)} for ${String(windows.size - 1)} later window(s)`);
  }
  for (const pair of byPair.keys()) if (!windowsPerPair.has(pair)) duplicates.push(`ticket ${pair} for nothing planted`);
  return { duplicates, lostWindows, tickets: byPair.size, notes };
}

/** Every file under `dir` (recursively). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

export function bytesUnder(dir: string): number {
  return filesUnder(dir).reduce((sum, file) => sum + fs.statSync(file).size, 0);
}

/** Runs of the characters a token is made of (base64url, 32 long). */
const TOKEN_CHARS = /[A-Za-z0-9_-]{32,}/g;
const TOKEN_LENGTH = 32;

/** Secrets (the saved credentials, their Basic header, any Umbrella token issued) found in the files under `dir`. */
export function secretsIn(dir: string, tokens: ReadonlySet<string>): string[] {
  const { umbrella, connectwise, autotask } = DEMO_CREDENTIALS;
  const fixed = [umbrella.apiSecret, connectwise.privateKey, autotask.secret, Buffer.from(`${umbrella.apiKey}:${umbrella.apiSecret}`).toString('base64')];
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const secret of fixed) if (text.includes(secret)) found.push(`${path.basename(file)}: a saved credential`);
    for (const [run] of text.matchAll(TOKEN_CHARS)) {
      for (let i = 0; i + TOKEN_LENGTH <= run.length; i++) {
        if (tokens.has(run.slice(i, i + TOKEN_LENGTH))) found.push(`${path.basename(file)}: an Umbrella token`);
      }
    }
  }
  return found;
}
