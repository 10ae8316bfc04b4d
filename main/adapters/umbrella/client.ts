/**
 * Cisco Umbrella API v2 client for an MSP console.
 *
 * - One OAuth2 client-credentials token per org: the provider's own, and one per customer minted
 *   with X-Umbrella-OrgId on the token request (the header does nothing on data requests).
 *   Tokens are cached until five minutes before expiry; minting is single-flight per org.
 * - An expired token (400 invalid_request) or a 401 on a data request is answered by one re-mint.
 * - Reporting 302s to a regional host are followed with Authorization re-sent.
 * - The published limits are respected: tokens 20/min per key; admin and deployments 5/s, 14/min,
 *   350/30 min per key; reporting 5/s per org.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HttpClient, HttpError, type FetchLike, type HttpStats } from '../http/client';
import { VendorError } from '../http/vendor-error';
import { errorText, parseBody } from '../http/parse';
import { realClock, type Clock } from '../http/rate-limiter';
import { UMBRELLA_LIMITS, UmbrellaLimiters, type UmbrellaLimits } from './limits';
import { UmbrellaTokenCache, type MintedToken, type OrgKey } from './tokens';
import {
  ActivityResponse,
  CategoriesResponse,
  CountResponse,
  DeploymentStatusResponse,
  ErrorBodySchema,
  ManagedCustomerSchema,
  NetworkSchema,
  ProviderCustomerSchema,
  ProviderCategoryRequestsResponse,
  ProviderDeploymentsResponse,
  RoamingComputerSchema,
  TokenSchema,
  TopCategoriesResponse,
  TopDestinationsResponse,
  TopIdentitiesResponse,
  IdentitiesResponse,
  type ActivityRecord,
  type DeploymentCount,
  type TopCategory,
  type TopDestination,
  type TopIdentity,
  type UmbrellaCategory,
  type UmbrellaIdentity,
  type UmbrellaNetwork,
  type UmbrellaRoamingComputer,
  ProviderConsoleSchema,
  type ProviderConsole,
} from './schemas';
import { isAllowedHost } from '../http/host-rule';

export const UMBRELLA_BASE_URL = 'https://api.umbrella.com';
/** Cisco's hosts (api.umbrella.com and the regional reporting hosts): with the configured endpoint, the only ones that receive a token. */
export const UMBRELLA_DOMAINS = ['umbrella.com'] as const;
const VENDOR = 'Cisco Umbrella';
const TOKEN_MARGIN_MS = 5 * 60_000;
const PAGE_LIMIT = 100;
const REPORT_PAGE_LIMIT = 1000;
/** After a token 429, waits of 1, 2, 4 ... s up to the window (a minute): about 3 minutes at most in all. */
const TOKEN_RATE_LIMIT_RETRIES = 8;
/** Admin and deployments count per key over a second, a minute and 30 minutes. */
const ADMIN_RATE_LIMIT_WAIT = { waitMs: (attempt: number) => windowWait(attempt, 15_000), retries: 6 };

/**
 * Umbrella sends no Retry-After. Its advice is to wait a second and retry, which is right for a
 * passing burst; a window that stays full (another program on the same key) needs longer: the wait
 * doubles from 1 s up to the whole window, so the retries together always outlast it.
 */
function windowWait(attempt: number, windowMs: number): number {
  return Math.min(1000 * 2 ** attempt, windowMs + 1000) + Math.round(Math.random() * 250);
}

export { UMBRELLA_LIMITS, UmbrellaLimiters, type UmbrellaLimits };

export interface UmbrellaCustomer {
  customerId: number;
  customerName: string;
  seats: number | null;
  /** Known on MSSP consoles (providers API); null on MSP consoles. */
  packageName: string | null;
  /** A trial, where the console says (MSSP consoles); absent or null when it does not. */
  trial?: boolean | null | undefined;
}

export interface TimeRange {
  from: number;
  to: number;
}

export interface ReportFilters {
  verdict?: 'allowed' | 'blocked';
  categories?: readonly number[];
  identityIds?: readonly number[];
  identityTypes?: readonly string[];
}

export interface UmbrellaClientOptions {
  apiKey: string;
  apiSecret: string;
  fetch: FetchLike;
  baseUrl?: string;
  limits?: UmbrellaLimits;
  /** Shared with the app's other Umbrella clients (the limits are per key and per org); without it, the client has its own. */
  limiters?: UmbrellaLimiters;
  /** The process's token cache, shared by every engine; without it, the client has its own. */
  tokens?: UmbrellaTokenCache;
  clock?: Clock;
  timeoutMs?: number;
  retries?: number;
  /** Once aborted (the process is stopping), requests waiting for Umbrella's windows give up instead of waiting. */
  stopSignal?: AbortSignal;
  /** Order in the shared limiters (tokens, admin calls) when several engines wait for the key's windows: higher first (the ticket check before the sync). */
  priority?: number;
}

/** The run note for time spent waiting on Umbrella's rate limits (a 429 from a window another program also fills), or null. */
export function rateLimitWaitNote(waitedMs: number): string | null {
  if (waitedMs <= 0) return null;
  return `Waited ${String(Math.round(waitedMs / 1000))} s in all for Cisco Umbrella's rate limits (20 tokens a minute per API key, shared with every program using the key): the run went on once the window had room.`;
}

/**
 * A run's progress reports, with Umbrella's rate-limit waits shown in them while they last: the
 * engines call `report` as customers finish and `stop` when the run ends.
 */
export function progressReporter(umbrella: UmbrellaClient, emit: (progress: { done: number; total: number; finished: false; waiting?: string }) => void) {
  let current = { done: 0, total: 0 };
  const stop = umbrella.onRateLimitWait((waiting) => { emit({ ...current, finished: false, waiting }); });
  const report = (progress: { done: number; total: number }) => {
    current = progress;
    emit({ ...progress, finished: false });
  };
  return { report, stop };
}

/** A failure the user can act on, e.g. wrong keys or a missing scope. */
export class UmbrellaError extends VendorError {
  override readonly name = 'UmbrellaError';
}

function describeUmbrellaError(_status: number, text: string): string | null {
  return errorText(text, (raw) => {
    const body = ErrorBodySchema.safeParse(raw);
    if (!body.success) return undefined;
    return body.data.message ?? body.data.data?.error ?? body.data.error_description ?? body.data.error;
  });
}

export class UmbrellaClient {
  readonly http: HttpClient;
  private readonly baseUrl: string;
  private readonly tokens: UmbrellaTokenCache;
  private readonly owner: string;
  /** Which console this client reads (endpoint and API key, hashed): a cached customer list belongs to one. */
  readonly console: string;
  private readonly limiters: UmbrellaLimiters;
  private readonly clock: Clock;
  private customersEndpoint: 'providers' | 'managed' | null = null;
  private readonly waitListeners = new Set<(message: string) => void>();
  /** The category list, read once per client with a customer's token or with the provider's (a failure is not kept). */
  private readonly categoryLists = new Map<'customer' | 'provider', Promise<UmbrellaCategory[]>>();

  constructor(private readonly options: UmbrellaClientOptions) {
    this.baseUrl = (options.baseUrl ?? UMBRELLA_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? realClock;
    this.http = new HttpClient({
      vendor: VENDOR,
      fetch: options.fetch,
      clock: this.clock,
      describeError: describeUmbrellaError,
      onRateLimitWait: (ms, request) => {
        const what = request.url.endsWith('/auth/v2/token') ? 'token limit (20 a minute per API key, shared with every program using it)' : 'rate limit';
        for (const listener of this.waitListeners) listener(`Waiting ${String(Math.ceil(ms / 1000))} s for Cisco Umbrella's ${what}`);
      },
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    });
    this.limiters = options.limiters ?? new UmbrellaLimiters(options.limits ?? UMBRELLA_LIMITS, this.clock);
    this.tokens = options.tokens ?? new UmbrellaTokenCache(this.clock);
    this.owner = UmbrellaTokenCache.owner(this.baseUrl, options.apiKey, options.apiSecret);
    this.console = createHash('sha256').update(`${this.baseUrl}\n${options.apiKey}`).digest('hex').slice(0, 16);
  }

  get stats(): HttpStats {
    return this.http.stats;
  }

  /** Tells `listener` whenever a request waits for a rate-limit window; returns the unsubscribe. */
  onRateLimitWait(listener: (message: string) => void): () => void {
    this.waitListeners.add(listener);
    return () => { this.waitListeners.delete(listener); };
  }

  // ---- tokens ----

  private token(org: OrgKey): Promise<string> {
    return this.tokens.get(this.owner, org, (priority) => this.mint(org, priority), this.options.priority ?? 0);
  }

  private async mint(org: OrgKey, priority: () => number): Promise<MintedToken> {
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${this.options.apiKey}:${this.options.apiSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    };
    if (org !== 'provider') headers['X-Umbrella-OrgId'] = String(org);
    try {
      // Minting creates nothing lasting, so it is safe to repeat after an unknown outcome.
      // A 429 here means the key's 20-a-minute budget is full, perhaps by another program or process
      // using the same key: wait for the minute to turn over (bounded), never fail the customer at once.
      const response = await this.http.send({
        method: 'POST', url: `${this.baseUrl}/auth/v2/token`, headers, body: 'grant_type=client_credentials',
        idempotent: true, limiters: [this.limiters.token], priority, rateLimit: { waitMs: (attempt) => windowWait(attempt, this.limiters.tokenWindowMs), retries: TOKEN_RATE_LIMIT_RETRIES },
      });
      const token = parseBody(VENDOR, response, TokenSchema, 'POST');
      return { token: token.access_token, lifetimeMs: Math.max(60_000, token.expires_in * 1000 - TOKEN_MARGIN_MS) };
    } catch (error) {
      throw this.explainTokenError(error, org);
    }
  }

  private explainTokenError(error: unknown, org: OrgKey): unknown {
    if (!(error instanceof HttpError) || error.status === null) return error;
    if (error.status === 401) {
      return new UmbrellaError('Cisco Umbrella rejected the API key and secret (401). Check them under Admin > API Keys in the Umbrella for MSPs console; the key may have expired or be limited to other IP addresses.', 401);
    }
    if (error.status === 403 && org !== 'provider') {
      return new UmbrellaError(`Cisco Umbrella refused a token for customer organization ${String(org)} (403): it is not managed by this console, or the key was created in a customer console rather than the MSP console.`, 403);
    }
    return error;
  }

  // ---- requests ----

  private async get<T extends z.ZodType>(org: OrgKey, path: string, query: Record<string, string | number | undefined>, schema: T): Promise<z.output<T>> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const reports = path.startsWith('/reports/');
    const limiter = reports ? this.limiters.reportsFor(org) : this.limiters.admin;
    for (let attempt = 0; ; attempt++) {
      const token = await this.token(org);
      try {
        const response = await this.http.send({
          method: 'GET', url: url.href, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
          limiters: [limiter], priority: this.options.priority ?? 0, followRedirects: reports, allowRedirect: (target) => this.isUmbrellaHost(target),
          ...(reports ? {} : { rateLimit: ADMIN_RATE_LIMIT_WAIT }),
        });
        return parseBody(VENDOR, response, schema);
      } catch (error) {
        const expired = error instanceof HttpError && (error.status === 401 || (error.status === 400 && /invalid_request/.test(error.responseText ?? '')));
        if (expired && attempt === 0) {
          this.tokens.drop(this.owner, org);
          continue;
        }
        throw this.explainDataError(error, path);
      }
    }
  }

  /** Cisco's own hosts over https (the regional reporting hosts included), or the host the endpoint was configured as. */
  private isUmbrellaHost(target: URL): boolean {
    return isAllowedHost({ vendorDomains: UMBRELLA_DOMAINS, configured: this.baseUrl }, target);
  }

  private explainDataError(error: unknown, path: string): unknown {
    if (error instanceof HttpError && error.status === 403) {
      const scope = path.startsWith('/reports/') ? 'Reports (aggregations, granular events, utilities, customers)' : path.startsWith('/deployments/') ? 'Deployments (networks, roaming computers)' : 'Admin (customers)';
      return new UmbrellaError(`${error.message}. The API key needs Read-Only access to ${scope}: edit the key under Admin > API Keys.`, 403);
    }
    return error;
  }

  /** Admin and deployments lists: page/limit, bare arrays, last page when shorter than the limit. */
  private async pages<T extends z.ZodType>(org: OrgKey, path: string, item: T, query: Record<string, string | undefined> = {}): Promise<z.output<T>[]> {
    const all: z.output<T>[] = [];
    for (let page = 1; ; page++) {
      const batch = await this.get(org, path, { ...query, page, limit: PAGE_LIMIT }, z.array(item));
      all.push(...batch);
      if (batch.length < PAGE_LIMIT) return all;
    }
  }

  /** Reporting lists: offset/limit in a {data, meta} envelope with no total. */
  private async reportPages<T>(org: OrgKey, path: string, query: Record<string, string | number | undefined>, schema: z.ZodType<{ data: T[] }>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const all: T[] = [];
    for (let offset = 0; ; offset += REPORT_PAGE_LIMIT) {
      const limit = Math.min(REPORT_PAGE_LIMIT, max - all.length);
      const { data } = await this.get(org, path, { ...query, limit, offset }, schema);
      all.push(...data);
      if (data.length < limit || all.length >= max) return all;
    }
  }

  private reportQuery(range: TimeRange, filters: ReportFilters = {}): Record<string, string | undefined> {
    return {
      from: String(range.from),
      to: String(range.to),
      verdict: filters.verdict,
      categories: filters.categories?.join(','),
      identityids: filters.identityIds?.join(','),
      identitytypes: filters.identityTypes?.join(','),
    };
  }

  // ---- the API the app uses ----

  /** Mints the provider token and reads one page of customers: proves key, secret and scope. */
  async testConnection(): Promise<{ customers: number }> {
    return { customers: (await this.listCustomers()).length };
  }

  /** All customer orgs: the providers API where the console allows it (it has the package), else the managed API. */
  async listCustomers(): Promise<UmbrellaCustomer[]> {
    if (this.customersEndpoint !== 'managed') {
      try {
        const rows = await this.pages('provider', '/admin/v2/providers/customers', ProviderCustomerSchema);
        this.customersEndpoint = 'providers';
        return rows.map((c) => ({ customerId: c.customerId, customerName: c.customerName, seats: c.seats ?? null, packageName: c.packageName ?? null, trial: c.isTrial ?? null }));
      } catch (error) {
        const status = error instanceof UmbrellaError || error instanceof HttpError ? error.status : null;
        if (status !== 403 && status !== 404) throw error;
        this.customersEndpoint = 'managed';
      }
    }
    const rows = await this.pages('provider', '/admin/v2/managed/customers', ManagedCustomerSchema);
    return rows.map((c) => ({ customerId: c.customerId, customerName: c.customerName, seats: c.seats ?? null, packageName: null }));
  }

  listNetworks(orgId: number): Promise<UmbrellaNetwork[]> {
    return this.pages(orgId, '/deployments/v2/networks', NetworkSchema);
  }

  listRoamingComputers(orgId: number, filter: { lastSyncBefore?: Date } = {}): Promise<UmbrellaRoamingComputer[]> {
    return this.pages(orgId, '/deployments/v2/roamingcomputers', RoamingComputerSchema, { lastSyncBefore: filter.lastSyncBefore?.toISOString() });
  }

  /** Security and content categories, looked up by label (ids are never hard-coded). */
  categories(orgId: number): Promise<UmbrellaCategory[]> {
    return this.categoryList('customer', orgId, '/reports/v2/categories');
  }

  /** The same categories, read with the provider token (no customer token needed). */
  providerCategories(): Promise<UmbrellaCategory[]> {
    return this.categoryList('provider', 'provider', '/reports/v2/providers/categories');
  }

  private categoryList(slot: 'customer' | 'provider', org: OrgKey, path: string): Promise<UmbrellaCategory[]> {
    let list = this.categoryLists.get(slot);
    if (!list) {
      list = this.get(org, path, {}, CategoriesResponse).then((r) => r.data);
      this.categoryLists.set(slot, list);
      list.catch(() => { this.categoryLists.delete(slot); });
    }
    return list;
  }

  async deploymentStatus(orgId: number, range: TimeRange): Promise<DeploymentCount[]> {
    return (await this.get(orgId, '/reports/v2/deployment-status', this.reportQuery(range), DeploymentStatusResponse)).data;
  }

  /**
   * Blocked requests per org in the given categories, for every customer in one call (provider
   * token). `cut` when the answer holds `limit` orgs: there may be more, which it does not list.
   */
  async providerBlockedByOrg(range: TimeRange, categories: readonly number[], limit: number): Promise<{ blocked: Map<number, number>; cut: boolean }> {
    const { data } = await this.get('provider', '/reports/v2/providers/category-requests-by-org', { from: String(range.from), to: String(range.to), limit }, ProviderCategoryRequestsResponse);
    const blocked = new Map<number, number>();
    for (const row of data) {
      blocked.set(row.organization.id, row.counts.filter((c) => categories.includes(c.category.id)).reduce((n, c) => n + c.requestsblocked, 0));
    }
    return { blocked, cut: data.length >= limit };
  }

  /**
   * The provider's own seats as Cisco counts them (allocated and used), for the billing totals; null where the
   * console does not answer it (a 403 or 404: whether every console type may call it is not confirmed).
   */
  async providerConsole(): Promise<ProviderConsole | null> {
    try {
      return await this.get('provider', '/reports/v2/providers/consoles', {}, ProviderConsoleSchema);
    } catch (error) {
      if ((error instanceof HttpError || error instanceof UmbrellaError) && (error.status === 403 || error.status === 404)) return null;
      throw error;
    }
  }

  /** Per-org deployment counts for every customer in one call (provider token). */
  async providerDeployments(range: TimeRange) {
    return (await this.get('provider', '/reports/v2/providers/deployments', this.reportQuery(range), ProviderDeploymentsResponse)).data;
  }

  async totalDnsRequests(orgId: number, range: TimeRange, filters: ReportFilters = {}): Promise<number> {
    return (await this.get(orgId, '/reports/v2/total-requests/dns', this.reportQuery(range, filters), CountResponse)).data.count;
  }

  topDestinations(orgId: number, range: TimeRange, filters: ReportFilters = {}, max = 10): Promise<TopDestination[]> {
    return this.reportPages(orgId, '/reports/v2/top-destinations/dns', this.reportQuery(range, filters), TopDestinationsResponse, max);
  }

  /** Every destination matching the filters (for counting distinct blocked sites). */
  allDestinations(orgId: number, range: TimeRange, filters: ReportFilters = {}): Promise<TopDestination[]> {
    return this.reportPages(orgId, '/reports/v2/top-destinations/dns', this.reportQuery(range, filters), TopDestinationsResponse);
  }

  async topCategories(orgId: number, range: TimeRange, filters: ReportFilters = {}): Promise<TopCategory[]> {
    // top-categories takes offset but no limit: one call returns them all.
    return (await this.get(orgId, '/reports/v2/top-categories/dns', { ...this.reportQuery(range, filters), offset: 0 }, TopCategoriesResponse)).data;
  }

  topIdentities(orgId: number, range: TimeRange, filters: ReportFilters = {}): Promise<TopIdentity[]> {
    return this.reportPages(orgId, '/reports/v2/top-identities', this.reportQuery(range, filters), TopIdentitiesResponse);
  }

  /** Every identity of an org (e.g. all networks or roaming computers), by name and type. */
  identities(orgId: number, identityTypes: readonly string[]): Promise<UmbrellaIdentity[]> {
    return this.reportPages(orgId, '/reports/v2/identities', { identitytypes: identityTypes.join(',') }, IdentitiesResponse);
  }

  activity(orgId: number, range: TimeRange, filters: ReportFilters = {}, max = 100): Promise<ActivityRecord[]> {
    return this.reportPages(orgId, '/reports/v2/activity/dns', this.reportQuery(range, filters), ActivityResponse, max);
  }
}
