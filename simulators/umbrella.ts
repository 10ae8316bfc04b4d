/**
 * Cisco Umbrella for MSPs, on loopback: OAuth2 client-credentials tokens (one per customer org via
 * X-Umbrella-OrgId), the managed/providers customer lists, deployments, and the Reporting API
 * computed from the seeded activity. Behaviour follows shared/reference/umbrella-api.md, quirks
 * included: a parent token on per-org data yields empty results, an expired token is a 400
 * `invalid_request`, reports can 302 to a regional host, and the rate limits are enforced.
 */
import { randomBytes } from 'node:crypto';
import { json, SimServer, WindowCounter, type SimRequest, type SimResponse } from './kit';
import { type ActivityBucket, type DemoWorld, type UmbrellaCustomer } from './seed';

export interface UmbrellaSimOptions {
  world: DemoWorld;
  apiKey: string;
  apiSecret: string;
  /** 'msp' consoles cannot call /admin/v2/providers/*; 'mssp' consoles can. */
  console?: 'msp' | 'mssp';
  /** Answer report calls on the first host with a 302 to a second ("regional") host. */
  redirectReports?: boolean;
  tokenLifetimeSeconds?: number;
  /** Enforce the published rate limits (default true). */
  rateLimits?: boolean;
  /** Divide every rate-limit window by this factor (benchmarks compress time; default 1). */
  limitScale?: number;
  now?: () => number;
  /** The rate limits' clock (default real time, even when the data clock is pinned); the soak's jumps over sleep. */
  limitsNow?: () => number;
  seed?: number;
  /** Told of every token issued (the soak looks for them in the app's logs). */
  onTokenIssued?: (token: string) => void;
}

interface TokenInfo {
  orgId: number | null;
  expiresAt: number;
}

const TOKEN_LIMITS = [{ limit: 20, ms: 60_000 }];
const ADMIN_LIMITS = [{ limit: 5, ms: 1000 }, { limit: 14, ms: 60_000 }, { limit: 350, ms: 1_800_000 }];
const REPORT_LIMITS = [{ limit: 5, ms: 1000 }];

function parseTime(value: string | null, now: number): number | null {
  if (value === null || value === '') return null;
  if (value === 'now') return now;
  const relative = /^-(\d+)(days|hours|minutes)$/.exec(value);
  if (relative) {
    const unit = relative[2] === 'days' ? 86_400_000 : relative[2] === 'hours' ? 3_600_000 : 60_000;
    return now - Number(relative[1]) * unit;
  }
  return /^\d{10,14}$/.test(value) ? Number(value) : null;
}

function numberList(value: string | null): number[] | null {
  if (!value) return null;
  return value.split(',').map((v) => Number(v.trim())).filter((n) => Number.isFinite(n));
}

export class UmbrellaSimulator {
  readonly server: SimServer;
  private readonly regional: SimServer;
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly counter: WindowCounter;
  private readonly now: () => number;
  private readonly onTokenIssued: ((token: string) => void) | undefined;
  readonly options: Required<Omit<UmbrellaSimOptions, 'now' | 'limitsNow' | 'seed' | 'limitScale' | 'onTokenIssued'>>;
  private readonly limits: { token: typeof TOKEN_LIMITS; admin: typeof ADMIN_LIMITS; reports: typeof REPORT_LIMITS };

  constructor(options: UmbrellaSimOptions) {
    this.now = options.now ?? Date.now;
    this.onTokenIssued = options.onTokenIssued;
    // Rate limits run on real time, even when the data clock is pinned for a test.
    this.counter = new WindowCounter(options.limitsNow);
    this.options = {
      world: options.world,
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      console: options.console ?? 'msp',
      redirectReports: options.redirectReports ?? false,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      rateLimits: options.rateLimits ?? true,
    };
    const scale = options.limitScale ?? 1;
    const scaled = (windows: { limit: number; ms: number }[]) => windows.map((w) => ({ limit: w.limit, ms: w.ms / scale }));
    this.limits = { token: scaled(TOKEN_LIMITS), admin: scaled(ADMIN_LIMITS), reports: scaled(REPORT_LIMITS) };
    this.server = new SimServer('umbrella', { seed: options.seed ?? 11, rateLimitHeaders: {} });
    this.regional = new SimServer('umbrella', { seed: (options.seed ?? 11) + 1, rateLimitHeaders: {} });
    this.register(this.server, false);
    this.register(this.regional, true);
  }

  get world(): DemoWorld {
    return this.options.world;
  }

  get url(): string {
    return this.server.url;
  }

  /** Every exchange on both hosts, in order. */
  get exchanges() {
    return [...this.server.exchanges, ...this.regional.exchanges];
  }

  async start(): Promise<string> {
    await this.regional.start(0, '127.0.0.1');
    return this.server.start(0, '127.0.0.1');
  }

  async stop(): Promise<void> {
    await Promise.all([this.server.stop(), this.regional.stop()]);
  }

  /** Test hook: every token issued so far is now expired. */
  expireAllTokens(): void {
    for (const info of this.tokens.values()) info.expiresAt = 0;
  }

  private readonly failingOrgs = new Map<number, number>();
  /** Test hook: false for a console that refuses the provider-wide reports and categories (403). */
  providerReports = true;
  /** Test hook: orgs the provider-wide category report leaves out. */
  readonly providerOmits = new Set<number>();
  /** Test hook: the provider-wide category report holds at most this many orgs, whatever the limit asked. */
  providerMaxRows = Number.POSITIVE_INFINITY;
  /** Test hook: where report redirects point instead of the regional host (e.g. a trap on another host). */
  redirectOrigin: string | null = null;

  /** Test hook: the org's next `times` Reporting calls answer 500 (a fault on Umbrella's side). */
  failReportsFor(orgId: number, times = Number.POSITIVE_INFINITY): void {
    this.failingOrgs.set(orgId, times);
  }

  /** Test hook: the fault clears. */
  clearReportFailures(): void {
    this.failingOrgs.clear();
  }

  /** Test hook: add DNS activity for an org (e.g. botnet hits in a chosen window). */
  addActivity(customerId: number, bucket: ActivityBucket): void {
    this.customer(customerId)?.activity.push(bucket);
  }

  /** Test hook: a customer created in the console after the app last read the list. */
  addCustomer(customer: UmbrellaCustomer): void {
    this.world.customers.push(customer);
    this.byId = null;
  }

  private byId: Map<number, UmbrellaCustomer> | null = null;

  private customer(orgId: number): UmbrellaCustomer | undefined {
    this.byId ??= new Map(this.world.customers.map((c) => [c.customerId, c]));
    return this.byId.get(orgId);
  }

  private limited(bucket: string, windows: readonly { limit: number; ms: number }[]): SimResponse | null {
    if (!this.options.rateLimits) return null;
    const wait = this.counter.take(bucket, windows);
    // As Umbrella answers: no Retry-After (none is documented or sent); the client must know the window.
    return wait === null ? null : json(429, { message: 'Exceeded Limit: Too many requests made within a specific time period. You may have exceeded the rate limits for your organization or package.' });
  }

  private register(server: SimServer, regional: boolean): void {
    server.on('POST', '/auth/v2/token', (req) => this.token(req));
    server.on('GET', '/admin/v2/managed/customers', (req) => this.admin(req, () => this.pageOf(req, this.world.customers.map((c) => ({ customerId: c.customerId, customerName: c.customerName, seats: c.seats })))));
    server.on('GET', '/admin/v2/providers/customers', (req) => this.admin(req, () => {
      if (this.options.console === 'msp') return json(403, { message: 'Forbidden: this API is available to Managed Services (MSSP) consoles only' });
      return this.pageOf(req, this.world.customers.map((c) => ({
        customerId: c.customerId, customerName: c.customerName, packageName: c.packageName, packageId: c.packageId, seats: c.seats, isTrial: c.isTrial,
        licenseType: 'Subscription', streetAddress: '1 Main Street', city: 'Springfield', countryCode: 'US', adminEmails: [`admin@${String(c.customerId)}.example`],
      })));
    }));
    server.on('GET', '/deployments/v2/networks', (req) => this.deployment(req, (c) => this.pageOf(req, c ? c.networks : [])));
    server.on('GET', '/deployments/v2/roamingcomputers', (req) => this.deployment(req, (c) => {
      const before = req.query.get('lastSyncBefore');
      const after = req.query.get('lastSyncAfter');
      const list = (c ? c.roamingComputers : []).filter((rc) =>
        (!before || Date.parse(rc.lastSync) < Date.parse(before)) && (!after || Date.parse(rc.lastSync) > Date.parse(after)));
      return this.pageOf(req, list);
    }));
    const reports: [string, (req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number) => SimResponse][] = [
      ['/reports/v2/total-requests', (req, c, from, to) => json(200, { data: { count: sum(this.filter(req, c, from, to)) }, meta: {} })],
      ['/reports/v2/top-destinations', (req, c, from, to) => this.topDestinations(req, c, from, to)],
      ['/reports/v2/top-categories', (req, c, from, to) => this.topCategories(req, c, from, to)],
      ['/reports/v2/top-identities', (req, c, from, to) => this.topIdentities(req, c, from, to)],
      ['/reports/v2/deployment-status', (_req, c, from, to) => this.deploymentStatus(c, from, to)],
      ['/reports/v2/activity', (req, c, from, to) => this.activity(req, c, from, to)],
    ];
    for (const [path, handler] of reports) {
      const wrapped = (req: SimRequest) => this.report(req, regional, handler);
      server.on('GET', path, wrapped);
      server.on('GET', `${path}/{type}`, wrapped);
    }
    server.on('GET', '/reports/v2/identities', (req) => this.report(req, regional, (r, c) => this.identities(r, c), false));
    server.on('GET', '/reports/v2/categories', (req) => this.report(req, regional, () => json(200, { data: this.world.categories, meta: {} }), false));
    server.on('GET', '/reports/v2/providers/categories', (req) => this.report(req, regional, () => (this.providerReports
      ? json(200, { data: this.world.categories, meta: {} })
      : json(403, { message: 'Forbidden: this console is not allowed to use provider reports' })), false, true));
    server.on('GET', '/reports/v2/providers/category-requests-by-org', (req) => this.report(req, regional, (r, _c, from, to) => this.providerCategoryRequests(r, from, to), true, true));
    server.on('GET', '/reports/v2/providers/consoles', (req) => this.report(req, regional, () => json(200, this.consoleReport()), false, true));
    server.on('GET', '/reports/v2/providers/deployments', (req) => this.report(req, regional, (_r, _c, from, to) => this.providerDeployments(from, to), true, true));
  }

  private token(req: SimRequest): SimResponse {
    const limited = this.limited(`token:${this.options.apiKey}`, this.limits.token);
    if (limited) return limited;
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.options.apiKey}:${this.options.apiSecret}`).toString('base64')}`;
    if (auth !== expected) return json(401, { message: 'Unauthorized: invalid API key or secret' });
    const form = new URLSearchParams(req.rawBody);
    if (form.get('grant_type') !== 'client_credentials') return json(400, { message: 'grant_type must be client_credentials' });
    const orgHeader = req.headers['x-umbrella-orgid'];
    let orgId: number | null = null;
    if (typeof orgHeader === 'string' && orgHeader !== '') {
      orgId = Number(orgHeader);
      if (!this.customer(orgId)) return json(403, { message: `Forbidden: organization ${orgHeader} is not managed by this provider` });
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { orgId, expiresAt: this.now() + this.options.tokenLifetimeSeconds * 1000 });
    this.onTokenIssued?.(token);
    return json(200, { token_type: 'bearer', access_token: token, expires_in: this.options.tokenLifetimeSeconds });
  }

  /** Resolves the bearer token: a TokenInfo, or the vendor's answer for a bad one. */
  private bearer(req: SimRequest): TokenInfo | SimResponse {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const info = match?.[1] ? this.tokens.get(match[1]) : undefined;
    if (!info) return json(401, { message: 'Unauthorized' });
    if (info.expiresAt <= this.now()) return json(400, { error: 'invalid_request' });
    return info;
  }

  private admin(req: SimRequest, handler: () => SimResponse): SimResponse {
    const info = this.bearer(req);
    if (!('orgId' in info)) return info;
    if (info.orgId !== null) return json(403, { message: 'Forbidden: customer lists need the provider (parent) token' });
    return this.limited(`admin:${this.options.apiKey}`, this.limits.admin) ?? handler();
  }

  private deployment(req: SimRequest, handler: (c: UmbrellaCustomer | undefined) => SimResponse): SimResponse {
    const info = this.bearer(req);
    if (!('orgId' in info)) return info;
    const limited = this.limited(`admin:${this.options.apiKey}`, this.limits.admin);
    if (limited) return limited;
    // A parent token sees no per-org data: 200 with nothing in it, as on the real API.
    return handler(info.orgId === null ? undefined : this.customer(info.orgId));
  }

  private pageOf(req: SimRequest, items: readonly unknown[]): SimResponse {
    const page = Number(req.query.get('page') ?? '1');
    const limit = Number(req.query.get('limit') ?? '100');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      return json(400, { statusCode: 400, error: 'Bad Request', message: 'page must be >= 1 and limit between 1 and 100' });
    }
    return json(200, items.slice((page - 1) * limit, page * limit));
  }

  /** The provider's own console: seats allocated (in hundreds, above what the customers use) and used, as Cisco bills the MSP. */
  private consoleReport() {
    const used = this.world.customers.reduce((n, c) => n + c.seats, 0);
    const year = new Date(this.now()).getUTCFullYear();
    return {
      packageName: 'Umbrella DNS Essentials', seatsTotal: Math.ceil((used + 1) / 100) * 100, seatsUsed: used, customerCount: this.world.customers.length,
      status: 'enrolled', rebillAt: `${String(year)}-01-01T00:00:00.000Z`, expiresAt: `${String(year + 1)}-12-31T00:00:00.000Z`,
    };
  }

  private report(
    req: SimRequest,
    regional: boolean,
    handler: (req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number) => SimResponse,
    needsRange = true,
    parentOnly = false,
  ): SimResponse {
    if (this.options.redirectReports && !regional) {
      const target = new URL(req.path, this.redirectOrigin ?? this.regional.url);
      target.search = req.query.toString();
      return { status: 302, headers: { Location: target.href } };
    }
    const info = this.bearer(req);
    if (!('orgId' in info)) return info;
    const limited = this.limited(`reports:${String(info.orgId ?? 'provider')}`, this.limits.reports);
    if (limited) return limited;
    if (parentOnly && info.orgId !== null) return json(403, { message: 'Forbidden: provider reports need the provider (parent) token' });
    const failures = info.orgId === null ? 0 : this.failingOrgs.get(info.orgId) ?? 0;
    if (info.orgId !== null && failures > 0) {
      this.failingOrgs.set(info.orgId, failures - 1);
      return json(500, { message: 'Internal Server Error' });
    }
    let from = 0;
    let to = 0;
    if (needsRange) {
      const parsedFrom = parseTime(req.query.get('from'), this.now());
      const parsedTo = parseTime(req.query.get('to'), this.now());
      if (parsedFrom === null || parsedTo === null) return json(400, { data: { error: 'invalid timestamp: from and to are required (epoch milliseconds or relative such as -7days)' } });
      from = parsedFrom;
      to = parsedTo;
    }
    const type = req.params.type;
    if (type !== undefined && !['dns', 'proxy', 'firewall', 'ip'].includes(type)) return json(400, { message: `unknown traffic type ${type}` });
    if (type !== undefined && type !== 'dns') return json(200, { data: req.path.includes('total-requests') ? { count: 0 } : [], meta: {} });
    return handler(req, info.orgId === null ? undefined : this.customer(info.orgId), from, to);
  }

  /** Buckets of one org in [from, to] matching the common report filters. */
  private filter(req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number): ActivityBucket[] {
    if (!c) return [];
    const verdicts = req.query.get('verdict')?.split(',');
    const categories = numberList(req.query.get('categories'));
    const identities = numberList(req.query.get('identityids'));
    const identityTypes = req.query.get('identitytypes')?.split(',');
    const typeOf = (id: number) => c.networks.some((n) => n.originId === id) ? 'network' : (c.roamingComputers.find((r) => r.originId === id)?.type ?? 'unknown');
    return c.activity.filter((b) => b.ts >= from && b.ts <= to
      && (!verdicts || verdicts.includes(b.verdict))
      && (!categories || b.categories.some((id) => categories.includes(id)))
      && (!identities || identities.includes(b.identityId))
      && (!identityTypes || identityTypes.includes(typeOf(b.identityId))));
  }

  private paged(req: SimRequest, items: readonly unknown[], limitRequired = true): SimResponse {
    const limitText = req.query.get('limit');
    const offsetText = req.query.get('offset');
    if (limitRequired && limitText === null) return json(400, { message: 'limit is required' });
    if (offsetText === null) return json(400, { message: 'offset is required' });
    const limit = Number(limitText ?? items.length);
    const offset = Number(offsetText);
    return json(200, { data: items.slice(offset, offset + limit), meta: {} });
  }

  private categoryObjects(ids: number[]) {
    return ids.map((id) => this.world.categories.find((c) => c.id === id)).filter((c) => c !== undefined)
      .map(({ id, label, type, integration, deprecated }) => ({ id, label, type, integration, deprecated }));
  }

  private topDestinations(req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number): SimResponse {
    const byDomain = new Map<string, { requests: number; blocked: number; categories: number[] }>();
    for (const b of this.filter(req, c, from, to)) {
      const entry = byDomain.get(b.domain) ?? { requests: 0, blocked: 0, categories: b.categories };
      entry.requests += b.count;
      if (b.verdict === 'blocked') entry.blocked += b.count;
      byDomain.set(b.domain, entry);
    }
    const rows = [...byDomain.entries()].sort((a, b) => b[1].requests - a[1].requests || a[0].localeCompare(b[0])).map(([domain, e], i) => ({
      count: e.requests, bandwidth: null, domain, policycategories: [], categories: this.categoryObjects(e.categories),
      counts: { requests: e.requests, allowedrequests: e.requests - e.blocked, blockedrequests: e.blocked }, rank: i + 1,
    }));
    return this.paged(req, rows);
  }

  private topCategories(req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number): SimResponse {
    const byCategory = new Map<number, number>();
    for (const b of this.filter(req, c, from, to)) for (const id of b.categories) byCategory.set(id, (byCategory.get(id) ?? 0) + b.count);
    const rows = [...byCategory.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id, count], i) => ({
      count, bandwidth: null, category: this.categoryObjects([id])[0], rank: i + 1,
    }));
    return this.paged(req, rows, false);
  }

  private identityObject(c: UmbrellaCustomer, id: number) {
    const network = c.networks.find((n) => n.originId === id);
    if (network) return { id, label: network.name, type: { id: 1, type: 'network', label: 'Networks' }, deleted: false };
    const computer = c.roamingComputers.find((r) => r.originId === id);
    const type = computer?.type === 'roaming' ? { id: 9, type: 'roaming', label: 'Roaming Computers' } : { id: 34, type: 'anyconnect', label: 'Anyconnect Roaming Client' };
    return { id, label: computer?.name ?? String(id), type, deleted: false };
  }

  private topIdentities(req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number): SimResponse {
    const byIdentity = new Map<number, { requests: number; blocked: number }>();
    for (const b of this.filter(req, c, from, to)) {
      const entry = byIdentity.get(b.identityId) ?? { requests: 0, blocked: 0 };
      entry.requests += b.count;
      if (b.verdict === 'blocked') entry.blocked += b.count;
      byIdentity.set(b.identityId, entry);
    }
    const rows = !c ? [] : [...byIdentity.entries()].sort((a, b) => b[1].requests - a[1].requests || a[0] - b[0]).map(([id, e], i) => ({
      requests: e.requests, bandwidth: null, identity: this.identityObject(c, id),
      counts: { requests: e.requests, allowedrequests: e.requests - e.blocked, blockedrequests: e.blocked }, rank: i + 1,
    }));
    return this.paged(req, rows);
  }

  /** Every identity of the org (networks and roaming computers), filtered by type and name. */
  private identities(req: SimRequest, c: UmbrellaCustomer | undefined): SimResponse {
    const limitText = req.query.get('limit');
    if (limitText === null) return json(400, { message: 'limit is required' });
    if (Number(limitText) > 5000) return json(400, { message: 'limit may not exceed 5000' });
    if (!c) return json(200, { data: [], meta: {} });
    const types = req.query.get('identitytypes')?.split(',');
    const search = req.query.get('search')?.toLowerCase();
    const rows = [...c.networks.map((n) => n.originId), ...c.roamingComputers.map((r) => r.originId)]
      .map((id) => this.identityObject(c, id))
      .filter((i) => (!types || types.includes(i.type.type)) && (!search || i.label.toLowerCase().includes(search)));
    return this.paged(req, rows);
  }

  private activeIds(c: UmbrellaCustomer, from: number, to: number): Set<number> {
    return new Set(c.activity.filter((b) => b.ts >= from && b.ts <= to).map((b) => b.identityId));
  }

  private countsFor(c: UmbrellaCustomer, from: number, to: number) {
    const active = this.activeIds(c, from, to);
    const anyconnect = c.roamingComputers.filter((r) => r.type === 'anyconnect');
    const roaming = c.roamingComputers.filter((r) => r.type === 'roaming');
    const row = (id: number, type: string, label: string, items: { originId: number }[]) => ({
      type: { id, type, label }, count: items.length, activecount: items.filter((i) => active.has(i.originId)).length,
    });
    return [row(1, 'network', 'Networks', c.networks), row(9, 'roaming', 'Roaming Computers', roaming), row(34, 'anyconnect', 'Anyconnect Roaming Client', anyconnect)];
  }

  private deploymentStatus(c: UmbrellaCustomer | undefined, from: number, to: number): SimResponse {
    return json(200, { data: c ? this.countsFor(c, from, to) : [], meta: {} });
  }

  /** Every org's requests per category in [from, to], from the same activity as the per-org reports. */
  private providerCategoryRequests(req: SimRequest, from: number, to: number): SimResponse {
    if (!this.providerReports) return json(403, { message: 'Forbidden: this console is not allowed to use provider reports' });
    const limitText = req.query.get('limit');
    if (limitText === null) return json(400, { message: 'limit is required' });
    const rows = this.world.customers.map((c) => {
      const byCategory = new Map<number, { requests: number; blocked: number }>();
      for (const b of this.filter(req, c, from, to)) {
        for (const id of b.categories) {
          const entry = byCategory.get(id) ?? { requests: 0, blocked: 0 };
          entry.requests += b.count;
          if (b.verdict === 'blocked') entry.blocked += b.count;
          byCategory.set(id, entry);
        }
      }
      const total = [...byCategory.values()].reduce((n, e) => n + e.requests, 0);
      const counts = [...byCategory.entries()].map(([id, e]) => ({ category: this.categoryObjects([id])[0], requests: e.requests, requestsblocked: e.blocked, numberoforganizationswithcategorizedtraffic: 1 }));
      return { total, row: { organization: { id: c.customerId, label: c.customerName }, counts } };
    }).sort((a, b) => b.total - a.total || a.row.organization.id - b.row.organization.id);
    const listed = rows.filter((r) => !this.providerOmits.has(r.row.organization.id));
    return json(200, { data: listed.slice(0, Math.min(Number(limitText), this.providerMaxRows)).map((r) => r.row), meta: {} });
  }

  private providerDeployments(from: number, to: number): SimResponse {
    return json(200, {
      data: this.world.customers.map((c) => ({
        organization: { id: c.customerId, label: c.customerName },
        counts: this.countsFor(c, from, to).map(({ type, count, activecount }) => ({ identitytype: type, count, activecount })),
      })),
      meta: {},
    });
  }

  /** One record per request, newest first, as the real activity report gives them. */
  private activity(req: SimRequest, c: UmbrellaCustomer | undefined, from: number, to: number): SimResponse {
    if (!c) return json(200, { data: [], meta: {} });
    const limitText = req.query.get('limit');
    if (limitText === null) return json(400, { message: 'limit is required' });
    const offset = Number(req.query.get('offset') ?? '0');
    const end = offset + Number(limitText);
    const rows: unknown[] = [];
    let index = 0;
    for (const b of this.filter(req, c, from, to).sort((x, y) => y.ts - x.ts)) {
      for (let k = 0; k < b.count && index < end; k++, index++) {
        if (index < offset) continue;
        const d = new Date(b.ts);
        rows.push({
          returncode: 0, externalip: '203.0.113.10', internalip: '10.0.0.15', date: d.toISOString().slice(0, 10), time: d.toISOString().slice(11, 19),
          querytype: 'A', type: 'dns', verdict: b.verdict, domain: b.domain, timestamp: b.ts, categories: this.categoryObjects(b.categories),
          policycategories: [], allapplications: [], blockedapplications: [], allowedapplications: [], identities: [this.identityObject(c, b.identityId)], threats: [],
        });
      }
    }
    return json(200, { data: rows, meta: {} });
  }
}

function sum(buckets: ActivityBucket[]): number {
  return buckets.reduce((total, b) => total + b.count, 0);
}

