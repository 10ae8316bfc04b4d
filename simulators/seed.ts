/**
 * Deterministic demo data shared by the three simulators: one MSP's Umbrella customers with their
 * networks, roaming computers and DNS activity, and the matching (and not quite matching) PSA
 * companies and ticketing set-up. Same seed and anchor time -> same world.
 */
import { at, pick, randomInt, seededRandom, type Random } from './random';

export interface UmbrellaCategory {
  id: number;
  legacyid: number;
  label: string;
  type: 'content' | 'security' | 'application';
  integration: boolean;
  deprecated: boolean;
}

export interface UmbrellaNetwork {
  originId: number;
  name: string;
  ipAddress: string;
  prefixLength: number;
  isDynamic: boolean;
  isVerified: boolean;
  status: 'OPEN' | 'CLOSED';
  createdAt: string;
}

export interface UmbrellaRoamingComputer {
  originId: number;
  deviceId: string;
  type: 'anyconnect' | 'roaming';
  status: string;
  swgStatus: string;
  lastSyncStatus: string;
  lastSyncSwgStatus: string;
  lastSync: string;
  version: string;
  name: string;
  hasIpBlocking: boolean;
  appliedBundle: number;
  osVersion: string;
  osVersionName: string;
}

/** Aggregated DNS requests: `count` requests at `ts` from one identity to one domain. */
export interface ActivityBucket {
  ts: number;
  identityId: number;
  domain: string;
  categories: number[];
  verdict: 'allowed' | 'blocked' | 'proxied';
  count: number;
}

export interface UmbrellaCustomer {
  customerId: number;
  customerName: string;
  seats: number;
  packageId: number;
  packageName: string;
  /** A trial (MSSP consoles say so; Cisco does not bill it yet). */
  isTrial: boolean;
  networks: UmbrellaNetwork[];
  roamingComputers: UmbrellaRoamingComputer[];
  activity: ActivityBucket[];
}

export interface ConnectWiseCompany {
  id: number;
  identifier: string;
  name: string;
  status: { id: number; name: 'Active' | 'Inactive' };
  deletedFlag: boolean;
}

export interface AutotaskCompany {
  id: number;
  companyName: string;
  companyNumber: string;
  companyType: number;
  isActive: boolean;
}

export interface DemoWorld {
  anchor: number;
  provider: { orgId: number; name: string };
  categories: UmbrellaCategory[];
  customers: UmbrellaCustomer[];
  connectwise: { companies: ConnectWiseCompany[] };
  autotask: { companies: AutotaskCompany[] };
  /** Umbrella customer id -> the PSA company a person would pick (absent when there is none). */
  expectedMatches: Record<number, { connectwise?: string; autotask?: number }>;
  /** Umbrella customer id -> how its company's agreement (ConnectWise) or contract (Autotask) bills Umbrella. */
  billing: Record<number, SeededBilling>;
}

/**
 * The billing situations the demo MSP's companies are in, one per customer in turn: billed as many seats as
 * Umbrella has, fewer, more, an agreement or contract without the Umbrella line, none at all, the line twice,
 * or an agreement cancelled / a contract expired.
 */
export const BILLING_CASES = ['in-step', 'under', 'over', 'no-line', 'no-agreement', 'ambiguous', 'ended'] as const;
export type BillingCase = (typeof BILLING_CASES)[number];
export interface SeededBilling {
  case: BillingCase;
  /** The quantity of each Umbrella line (two for "ambiguous"; none for "no-line" and "no-agreement"). */
  quantities: number[];
  /**
   * "under": the line was changed on the world's anchor day, from this quantity: ConnectWise has the old addition
   * cancelled that day and the new one effective that day; Autotask an adjustment's units row starting that day
   * where the earlier row ends. On that very day both touch it, and only the new one is in force.
   */
  changedFrom?: number;
  /**
   * The period the change would fall in is closed: ConnectWise has invoiced the current month already (the next
   * invoice is the month after next), Autotask has approved and posted the current month's units row.
   */
  posted?: boolean;
  /** ConnectWise: the agreement does not prorate (a change sets the quantity in place). */
  noProrate?: boolean;
  /** ConnectWise: the line has its own price, not the catalog's (a new line would change it). */
  ownPrice?: boolean;
}

/** The ConnectWise catalog item and the Autotask service that bill Umbrella in the demo MSP. */
export const UMBRELLA_PRODUCT = { connectwise: { id: 501, identifier: 'UMB-DNS-ESS' }, autotask: { id: 29_684_001, name: 'Cisco Umbrella DNS Essentials' } } as const;

function seededBilling(index: number, seats: number): SeededBilling {
  const kind = BILLING_CASES[index % BILLING_CASES.length] ?? 'in-step';
  const quantities = kind === 'in-step' || kind === 'ended' ? [seats] : kind === 'under' ? [Math.max(1, seats - 5)] : kind === 'over' ? [seats + 3]
    : kind === 'ambiguous' ? [seats, 2] : [];
  // Each round of the cases varies how the line may be written: closed periods, agreements that do not prorate, own prices.
  const round = Math.floor(index / BILLING_CASES.length);
  return {
    case: kind, quantities, ...(kind === 'under' ? { changedFrom: Math.max(1, seats - 12) } : {}),
    ...(kind === 'over' && round === 1 ? { posted: true } : {}), ...(round === 2 ? { noProrate: true } : {}), ...(kind === 'under' && round === 1 ? { ownPrice: true } : {}),
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const FOUR_HOURS = 4 * HOUR;

const CONTENT: [number, number, string, boolean][] = [
  [162, 289, 'Web-based Email', false], [31, 131, 'Webmail', true], [164, 291, 'Chat and Instant Messaging', false],
  [123, 252, 'Infrastructure and Content Delivery Networks', false], [143, 270, 'Search Engines and Portals', false],
  [135, 262, 'Business Services', false], [118, 247, 'Software/Technology', false], [148, 275, 'Streaming Video', false],
  [155, 282, 'Social Networking', false], [130, 257, 'News', false], [147, 274, 'SaaS and B2B', false],
];
const SECURITY: [number, number, string, boolean][] = [
  [65, 92, 'Command and Control', false], [66, 94, 'Malware', true], [67, 95, 'Malware', false], [68, 96, 'Phishing', false],
  [150, 183, 'Cryptomining', false], [110, 176, 'DNS Tunneling VPN', false], [61, 90, 'Dynamic DNS', false], [108, 174, 'Newly Seen Domains', false],
];

/** Category ids can be shifted to prove that clients look them up by label. */
export function umbrellaCategories(idOffset = 0): UmbrellaCategory[] {
  const build = (type: 'content' | 'security') => ([id, legacyid, label, deprecated]: [number, number, string, boolean]): UmbrellaCategory => ({
    id: id + idOffset, legacyid, label, type, integration: type === 'security', deprecated,
  });
  return [...CONTENT.map(build('content')), ...SECURITY.map(build('security'))];
}

const DOMAINS: [string, string[]][] = [
  ['outlook.office365.com', ['Web-based Email', 'Webmail']], ['teams.microsoft.com', ['Chat and Instant Messaging']],
  ['login.microsoftonline.com', ['Business Services']], ['www.google.com', ['Search Engines and Portals']],
  ['cdn.jsdelivr.net', ['Infrastructure and Content Delivery Networks']], ['update.googleapis.com', ['Software/Technology']],
  ['slack.com', ['Chat and Instant Messaging']], ['www.youtube.com', ['Streaming Video']], ['www.linkedin.com', ['Social Networking']],
  ['feeds.bbci.co.uk', ['News']], ['api.dropboxapi.com', ['SaaS and B2B']], ['zoom.us', ['SaaS and B2B']],
  ['login.salesforce.com', ['SaaS and B2B']], ['github.com', ['Software/Technology']], ['ctldl.windowsupdate.com', ['Software/Technology']],
];
const MALWARE_DOMAINS = ['invoice-download.xyz', 'cdn-update-flash.top', 'free-pdf-converter.click'];
const C2_DOMAINS = ['gate.darkcomet-relay.net', 'cnc.emotet-panel.ru', 'beacon.cobalt-strike.biz', 'update-check.trickbot.cc'];
const PHISHING_DOMAINS = ['micros0ft-login.support', 'secure-payrol1.com'];

interface NamedCustomer {
  umbrella: string;
  connectwise: string | null;
  autotask: string | null;
  inactive?: boolean;
}

/** Umbrella names and how the MSP typed the same customers into its PSA. */
export const DEMO_CUSTOMERS: readonly NamedCustomer[] = [
  { umbrella: 'Acme Corporation', connectwise: 'Acme Corp', autotask: 'Acme Corporation Inc.' },
  { umbrella: 'Baker & Sons Plumbing', connectwise: 'Baker and Sons Plumbing LLC', autotask: 'Baker and Sons Plumbing' },
  { umbrella: 'Brightwater Dental Group', connectwise: 'Brightwater Dental Group, PLLC', autotask: 'Brightwater Dental Group' },
  { umbrella: 'Cedar Ridge Veterinary Clinic', connectwise: 'Cedar Ridge Veterinary Clinic', autotask: 'Cedar Ridge Veterinary Clinic' },
  { umbrella: 'Coastal Freight Logistics', connectwise: 'Coastal Freight Logistics Ltd', autotask: 'Coastal Freight Logistics Ltd.' },
  { umbrella: 'Crescent Legal Partners', connectwise: 'Crescent Legal Partners LLP', autotask: 'Crescent Legal Partners LLP' },
  { umbrella: 'Davis & Chen Accounting', connectwise: 'Davis and Chen Accounting', autotask: 'Davis & Chen Accounting, CPAs' },
  { umbrella: 'Evergreen Property Management', connectwise: 'Evergreen Property Mgmt', autotask: 'Evergreen Property Management' },
  { umbrella: 'Falcon Engineering', connectwise: 'Falcon Engineering, Inc.', autotask: 'Falcon Engineering Inc' },
  { umbrella: 'Fairview Community Church', connectwise: 'Fairview Community Church', autotask: 'Fairview Community Church' },
  { umbrella: 'Granite Peak Construction', connectwise: 'Granite Peak Construction Co.', autotask: 'Granite Peak Construction' },
  { umbrella: 'Harbor View Hotel', connectwise: 'Harborview Hotel', autotask: 'Harbor View Hotel & Suites' },
  { umbrella: 'Horizon Insurance Agency', connectwise: 'Horizon Insurance Agency Inc', autotask: 'Horizon Insurance Agency' },
  { umbrella: 'Lakeside Family Medicine', connectwise: 'Lakeside Family Medicine PC', autotask: 'Lakeside Family Medicine, P.C.' },
  { umbrella: 'Maple Street Bakery', connectwise: null, autotask: null },
  { umbrella: 'Meridian Architects', connectwise: 'Meridian Architects Ltd.', autotask: 'Meridian Architects Ltd' },
  { umbrella: 'Northwind Traders', connectwise: 'Northwind Traders', autotask: 'Northwind Traders' },
  { umbrella: 'Oakwood Elementary PTA', connectwise: null, autotask: 'Oakwood Elementary School PTA' },
  { umbrella: 'Pinnacle Financial Advisors', connectwise: 'Pinnacle Financial Advisors, LLC', autotask: 'Pinnacle Financial Advisors LLC' },
  { umbrella: 'Redwood Auto Repair', connectwise: 'Redwood Automotive Repair', autotask: 'Redwood Auto Repair' },
  { umbrella: 'Riverside Orthopedics', connectwise: 'Riverside Orthopaedics', autotask: 'Riverside Orthopedics Group' },
  { umbrella: 'Summit Realty Group', connectwise: 'Summit Realty Group', autotask: 'Summit Realty Group', inactive: true },
  { umbrella: 'Sunrise Senior Living', connectwise: 'Sunrise Senior Living Inc.', autotask: 'Sunrise Senior Living Inc' },
  { umbrella: 'Tidewater Marine Supply', connectwise: 'Tidewater Marine Supply LLC', autotask: 'Tidewater Marine Supply' },
  { umbrella: 'Westbrook Law Office', connectwise: null, autotask: null },
];

const PSA_ONLY = ['Contoso Ltd', 'Fabrikam Inc', 'Umbrella Demo MSP (our company)'];
// Package ids and names as listed in the Providers API document.
const PACKAGES: [number, string][] = [[246, 'Umbrella DNS Security Essentials'], [248, 'Umbrella DNS Security Advantage'], [250, 'Umbrella SIG Essentials']];
const OS: [string, string][] = [['Microsoft Windows NT 10.0.19045.0', 'Windows 10'], ['Microsoft Windows NT 10.0.22631.0', 'Windows 11'], ['macOS 14.5', 'macOS Sonoma']];

function identifierFor(name: string): string {
  return name.replace(/&/g, 'and').replace(/[^A-Za-z0-9]/g, '').slice(0, 30);
}

function generatedName(random: Random, index: number): NamedCustomer {
  const first = ['Blue', 'North', 'Silver', 'Oak', 'River', 'Stone', 'Bright', 'Green', 'Iron', 'Pine', 'Lake', 'Sun'];
  const second = ['Harbor', 'Ridge', 'Valley', 'Point', 'Field', 'Bridge', 'Creek', 'Hill', 'Park', 'Gate'];
  const trade = ['Dental', 'Legal', 'Logistics', 'Realty', 'Clinic', 'Accounting', 'Builders', 'Hotel', 'Motors', 'Design'];
  const base = `${pick(random, first)} ${pick(random, second)} ${pick(random, trade)} ${String(index + 1).padStart(4, '0')}`;
  const roll = random();
  if (roll < 0.05) return { umbrella: base, connectwise: null, autotask: null };
  const psa = roll < 0.5 ? `${base} LLC` : roll < 0.7 ? `${base}, Inc.` : base;
  return { umbrella: base, connectwise: psa, autotask: psa, inactive: roll > 0.98 };
}

export interface SeedOptions {
  /** Number of customers; 25 gives the named demo MSP, more are generated. */
  customers?: number;
  seed?: number;
  /** "Now" for the data: activity is generated for the 62 days before it. */
  anchor?: number;
  categoryIdOffset?: number;
  /** Days of history to generate (smaller for large benchmarks). */
  historyDays?: number;
  /** Share of customers with botnet hits over the threshold in the current window (default: the demo's mix, on both sides of it). */
  botnetShare?: number;
}

export function windowStart(ts: number): number {
  return Math.floor(ts / FOUR_HOURS) * FOUR_HOURS;
}

export function buildWorld(options: SeedOptions = {}): DemoWorld {
  const random = seededRandom(options.seed ?? 20261125);
  const anchor = options.anchor ?? Date.now();
  const count = options.customers ?? DEMO_CUSTOMERS.length;
  const historyDays = options.historyDays ?? 62;
  const categories = umbrellaCategories(options.categoryIdOffset ?? 0);
  const categoryId = (label: string, deprecated = false) => {
    const found = categories.find((c) => c.label === label && c.deprecated === deprecated);
    if (!found) throw new Error(`no category ${label}`);
    return found.id;
  };
  const domainCategories = DOMAINS.map(([domain, labels]) => ({
    domain,
    ids: labels.map((label) => categories.find((c) => c.label === label)?.id ?? 0),
  }));

  let nextIdentity = 600_000_000;
  const customers: UmbrellaCustomer[] = [];
  const cwCompanies: ConnectWiseCompany[] = [];
  const atCompanies: AutotaskCompany[] = [];
  const expectedMatches: DemoWorld['expectedMatches'] = {};
  const billing: DemoWorld['billing'] = {};

  for (let i = 0; i < count; i++) {
    const named = i < DEMO_CUSTOMERS.length && count <= DEMO_CUSTOMERS.length ? at(DEMO_CUSTOMERS, i) : generatedName(random, i);
    const customerId = 8_100_000 + i * 13;
    const [packageId, packageName] = pick(random, PACKAGES);
    const networks: UmbrellaNetwork[] = Array.from({ length: randomInt(random, 1, 4) }, (_, n) => ({
      originId: nextIdentity++,
      name: n === 0 ? `${named.umbrella.split(' ')[0] ?? 'Main'} HQ` : `${['Branch', 'Warehouse', 'Guest WiFi', 'Lab'][n - 1] ?? 'Site'} ${String(n)}`,
      ipAddress: `203.0.${String(113 + (i % 10))}.${String(n * 8)}`,
      prefixLength: 29,
      isDynamic: n > 0,
      isVerified: true,
      status: 'OPEN',
      createdAt: new Date(anchor - 400 * DAY).toISOString(),
    }));
    // One network in three has been silent for ten days: it must show up as inactive.
    const silentNetworks = new Set(networks.filter((_, n) => n > 0 && (i + n) % 3 === 0).map((net) => net.originId));
    const roamingComputers: UmbrellaRoamingComputer[] = Array.from({ length: randomInt(random, 2, 12) }, (_, r) => {
      const stale = (i + r) % 5 === 4;
      const [osVersion, osVersionName] = pick(random, OS);
      const anyconnect = r % 3 !== 2;
      return {
        originId: nextIdentity++,
        deviceId: (0xab000c044c87a4f0n + BigInt(i * 100 + r)).toString(16).toUpperCase(),
        type: anyconnect ? 'anyconnect' : 'roaming',
        status: stale ? 'Off' : 'Encrypted',
        swgStatus: stale ? 'Unprotected' : 'Protected',
        lastSyncStatus: 'Encrypted',
        lastSyncSwgStatus: 'Protected',
        lastSync: new Date(anchor - (stale ? randomInt(random, 9, 40) * DAY : randomInt(random, 1, 50) * HOUR)).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
        version: anyconnect ? '5.1.2' : '3.0.343',
        name: `${identifierFor(named.umbrella).slice(0, 6).toUpperCase()}-${osVersionName.startsWith('mac') ? 'MBP' : 'WS'}-${String(r + 1).padStart(2, '0')}`,
        hasIpBlocking: false,
        appliedBundle: 2,
        osVersion,
        osVersionName,
      };
    });

    const activity: ActivityBucket[] = [];
    const identities = [
      ...networks.map((n) => ({ id: n.originId, lastSeen: silentNetworks.has(n.originId) ? anchor - 10 * DAY : anchor })),
      ...roamingComputers.map((c) => ({ id: c.originId, lastSeen: Date.parse(c.lastSync) })),
    ];
    for (let day = historyDays; day >= 1; day--) {
      for (const identity of identities) {
        const ts = anchor - day * DAY + randomInt(random, 0, 23) * HOUR;
        if (ts > identity.lastSeen) continue;
        for (let k = 0; k < 2; k++) {
          const { domain, ids } = pick(random, domainCategories);
          activity.push({ ts, identityId: identity.id, domain, categories: ids, verdict: 'allowed', count: randomInt(random, 5, 400) });
        }
        if (random() < 0.04) {
          activity.push({ ts, identityId: identity.id, domain: pick(random, MALWARE_DOMAINS), categories: [categoryId('Malware', true), categoryId('Malware')], verdict: 'blocked', count: randomInt(random, 1, 6) });
        }
        if (random() < 0.02) {
          activity.push({ ts, identityId: identity.id, domain: pick(random, C2_DOMAINS), categories: [categoryId('Command and Control')], verdict: 'blocked', count: randomInt(random, 1, 3) });
        }
        if (random() < 0.02) {
          activity.push({ ts, identityId: identity.id, domain: pick(random, PHISHING_DOMAINS), categories: [categoryId('Phishing')], verdict: 'blocked', count: 1 });
        }
      }
    }
    // The current 4-hour window: botnet hits on both sides of the default threshold (3), and
    // malware that must never open a ticket.
    const windowTs = Math.max(windowStart(anchor), anchor - HOUR);
    const firstComputer = roamingComputers[0];
    if (options.botnetShare !== undefined) {
      const every = Math.max(1, Math.round(1 / Math.max(options.botnetShare, 1e-9)));
      if (firstComputer && i % every === 0) activity.push({ ts: windowTs, identityId: firstComputer.originId, domain: at(C2_DOMAINS, 0), categories: [categoryId('Command and Control')], verdict: 'blocked', count: 6 });
    } else if (firstComputer && i % 4 === 0) {
      activity.push({ ts: windowTs, identityId: firstComputer.originId, domain: at(C2_DOMAINS, i % C2_DOMAINS.length), categories: [categoryId('Command and Control')], verdict: 'blocked', count: 4 + (i % 3) });
      activity.push({ ts: windowTs, identityId: firstComputer.originId, domain: at(C2_DOMAINS, (i + 1) % C2_DOMAINS.length), categories: [categoryId('Command and Control')], verdict: 'blocked', count: 2 });
    }
    if (options.botnetShare === undefined && firstComputer && i % 4 === 1) {
      activity.push({ ts: windowTs, identityId: firstComputer.originId, domain: at(C2_DOMAINS, 0), categories: [categoryId('Command and Control')], verdict: 'blocked', count: 3 });
    }
    if (networks[0] && i % 4 === 2) {
      activity.push({ ts: windowTs, identityId: networks[0].originId, domain: at(MALWARE_DOMAINS, 0), categories: [categoryId('Malware')], verdict: 'blocked', count: 12 });
    }
    if (options.botnetShare === undefined && networks[0] && i % 8 === 3) {
      activity.push({ ts: windowTs, identityId: networks[0].originId, domain: at(C2_DOMAINS, 2), categories: [categoryId('Command and Control')], verdict: 'blocked', count: 9 });
    }

    const seats = randomInt(random, 5, 250);
    // Every eleventh customer is on a trial (only an MSSP console's providers API says so).
    customers.push({ customerId, customerName: named.umbrella, seats, packageId, packageName, isTrial: i % 11 === 10, networks, roamingComputers, activity });
    billing[customerId] = seededBilling(i, seats);

    const match: { connectwise?: string; autotask?: number } = {};
    if (named.connectwise) {
      const identifier = identifierFor(named.connectwise);
      cwCompanies.push({ id: 250 + i, identifier, name: named.connectwise, status: named.inactive ? { id: 2, name: 'Inactive' } : { id: 1, name: 'Active' }, deletedFlag: false });
      match.connectwise = identifier;
    }
    if (named.autotask) {
      const id = 29_683_000 + i * 7;
      atCompanies.push({ id, companyName: named.autotask, companyNumber: String(1000 + i), companyType: 1, isActive: !named.inactive });
      match.autotask = id;
    }
    expectedMatches[customerId] = match;
  }
  PSA_ONLY.forEach((name, k) => {
    cwCompanies.push({ id: 200 + k, identifier: identifierFor(name), name, status: { id: 1, name: 'Active' }, deletedFlag: false });
    atCompanies.push({ id: k === 2 ? 0 : 29_682_000 + k, companyName: name, companyNumber: String(k), companyType: k === 2 ? 5 : 1, isActive: true });
  });

  return {
    anchor,
    provider: { orgId: 8_000_001, name: 'Umbrella Demo MSP' },
    categories,
    customers,
    connectwise: { companies: cwCompanies },
    autotask: { companies: atCompanies },
    expectedMatches,
    billing,
  };
}
