/**
 * Autotask PSA REST client.
 *
 * Zone discovery (no auth, cached 12 h, resolved again after a 401 because tenants move zones);
 * the three auth headers; queries POSTed with filter JSON, following nextPageUrl by POSTing the
 * original body again; at most 3 requests in flight per endpoint (Autotask's thread limit); picklists
 * from entityInformation; creates never retried (callers reconcile); and the errors Autotask sends
 * as HTTP 500 with an `errors` array turned into clear messages, not retried.
 */
import { z } from 'zod';
import { HttpClient, HttpError, type FetchLike, type HttpRequest, type HttpStats } from '../../http/client';
import { VendorError } from '../../http/vendor-error';
import { errorText, parseBody } from '../../http/parse';
import { RateLimiter, realClock, type Clock } from '../../http/rate-limiter';
import { AutotaskBudget, type AutotaskBudgetOptions } from './budget';
import {
  BillingCodeSchema,
  CompanySchema,
  ConfigurationItemSchema,
  ErrorBodySchema,
  FieldsResponse,
  OperationResult,
  PageDetailsSchema,
  ProductSchema,
  TicketSchema,
  UdfFieldsResponse,
  ZoneSchema,
  type AutotaskCompany,
  type AutotaskTicket,
  type BillingCode,
  type ConfigurationItem,
  type FieldInfo,
  type PicklistValue,
  type UdfValue,
} from './schemas';
import { isAllowedHost } from '../../http/host-rule';

const VENDOR = 'Autotask';
const ThresholdSchema = z.object({ externalRequestThreshold: z.number(), requestThresholdTimeframe: z.number().optional(), currentTimeframeRequestCount: z.number() });
export const AUTOTASK_DISCOVERY_URL = 'https://webservices.autotask.net/atservicesrest';
/** Where Autotask's zones live (webservicesN.autotask.net): the only hosts, with the configured lookup host, that receive the credentials. */
export const AUTOTASK_DOMAINS = ['autotask.net'] as const;

/** A URL to check, or one no rule allows (an unparseable address is refused, not thrown). */
const safeUrl = (value: string): URL => URL.canParse(value) ? new URL(value) : new URL('invalid://');
const describeHost = (value: string): string => (URL.canParse(value) ? `${new URL(value).protocol}//${new URL(value).host}` : `"${value.slice(0, 80)}"`);
const ZONE_TTL_MS = 12 * 3_600_000;
const MAX_RECORDS = 500;
const MAX_PAGES = 1000;
/** System value of Tickets.status for "Complete". */
export const TICKET_STATUS_COMPLETE = 5;

export interface AutotaskCredentials {
  username: string;
  secret: string;
  integrationCode: string;
}

export interface AutotaskClientOptions extends AutotaskCredentials {
  fetch: FetchLike;
  discoveryUrl?: string;
  clock?: Clock;
  timeoutMs?: number;
  retries?: number;
  /** The tenant's hourly budget: the share of the threshold this app may bring the tenant to (default 50%). */
  budget?: Omit<AutotaskBudgetOptions, 'clock'>;
}

export type AutotaskFilter =
  | { op: 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains'; field: string; value: string | number | boolean; udf?: boolean }
  | { op: 'in' | 'notIn'; field: string; value: (string | number)[] }
  | { op: 'exist' | 'notExist'; field: string }
  | { op: 'and' | 'or'; items: AutotaskFilter[] };

export class AutotaskError extends VendorError {
  override readonly name = 'AutotaskError';
}

function vendorErrors(text: string): string[] {
  try {
    return ErrorBodySchema.safeParse(JSON.parse(text)).data?.errors ?? [];
  } catch {
    return [];
  }
}

function describeAutotaskError(_status: number, text: string): string | null {
  return errorText(text, (raw) => ErrorBodySchema.safeParse(raw).data?.errors?.join('; '));
}

/** Answers that no retry can change: the tenant does not know the user or the tracking identifier. */
const PERMANENT = /Zone information could not be determined|IntegrationCode is invalid|filter is required|not valid JSON|MaxRecords must be/i;

/**
 * Autotask says "invalid input" with a 500 and an errors array, so for a write only a fault that says
 * it is temporary is worth repeating (and writes that create are never repeated at all). A read
 * (GET, or a query POST) changes nothing: any 5xx is retried, unless it names a permanent problem.
 */
function isTransient(_status: number, text: string, request: HttpRequest): boolean {
  const messages = vendorErrors(text);
  if (request.method === 'GET' || /\/query(\/next|\/count)?(\?|$)/i.test(new URL(request.url).pathname)) return !messages.some((m) => PERMANENT.test(m));
  return messages.length === 0 || messages.some((m) => /timeout|try again|temporar/i.test(m));
}

/** The thread limit ("Itgenatr005") may come with another status than 429: the request was not carried out. */
function isThreadLimit(_status: number, text: string): boolean {
  return /Thread Threshold Exceeded|Itgenatr005/i.test(text);
}

export interface NewTicket {
  companyID: number;
  title: string;
  description: string;
  queueID: number;
  status: number;
  priority: number;
  issueType?: number | null;
  subIssueType?: number | null;
  ticketType?: number | null;
  externalID?: string;
}

/** Where the tenant's API lives, and when that was last asked. */
interface Zone { url: string; webUrl: string | null; at: number }

export class AutotaskClient {
  readonly http: HttpClient;
  private zone: Zone | null = null;
  private zonePending: Promise<Zone> | null = null;
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly clock: Clock;
  readonly budget: AutotaskBudget;

  constructor(private readonly options: AutotaskClientOptions) {
    this.clock = options.clock ?? realClock;
    this.http = new HttpClient({
      vendor: VENDOR,
      fetch: options.fetch,
      clock: this.clock,
      describeError: describeAutotaskError,
      isTransient,
      isRateLimited: isThreadLimit,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
    this.budget = new AutotaskBudget({ share: 0.5, ...options.budget, clock: this.clock }, async () => {
      const info = await this.request('GET', '/V1.0/ThresholdInformation', ThresholdSchema, { unbudgeted: true });
      return { used: info.currentTimeframeRequestCount, limit: info.externalRequestThreshold };
    });
  }

  get stats(): HttpStats {
    return this.http.stats;
  }

  // ---- plumbing ----

  /** The tenant's zone; callers that arrive while it is being discovered share that discovery. */
  private async zoneUrl(refresh = false): Promise<string> {
    if (!this.zone || refresh || this.clock.now() - this.zone.at > ZONE_TTL_MS) {
      this.zonePending ??= this.discoverZone().finally(() => { this.zonePending = null; });
      this.zone = await this.zonePending;
    }
    return this.zone.url;
  }

  private async discoverZone(): Promise<Zone> {
    const base = (this.options.discoveryUrl ?? AUTOTASK_DISCOVERY_URL).replace(/\/+$/, '');
    const url = `${base}/v1.0/zoneInformation?user=${encodeURIComponent(this.options.username)}`;
    try {
      const zone = parseBody(VENDOR, await this.http.send({ method: 'GET', url, headers: { Accept: 'application/json' } }), ZoneSchema);
      const zoneUrl = zone.url.replace(/\/+$/, '');
      if (!isAllowedHost({ vendorDomains: AUTOTASK_DOMAINS, configured: base }, safeUrl(zoneUrl))) {
        throw new AutotaskError(`The Autotask zone lookup named ${describeHost(zoneUrl)} as the tenant's API, which is not an https address of Autotask (${AUTOTASK_DOMAINS.join(', ')}) nor the lookup host configured: refused, and no credential was sent there. Check the Autotask address in the settings (configure --autotask-url).`, null);
      }
      return { url: zoneUrl, webUrl: zone.webUrl ?? null, at: this.clock.now() };
    } catch (error) {
      throw this.explain(error);
    }
  }

  private headers(): Record<string, string> {
    return {
      ApiIntegrationCode: this.options.integrationCode,
      UserName: this.options.username,
      Secret: this.options.secret,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
  }

  /** One limiter per endpoint: Autotask allows 3 threads per endpoint and tracking identifier. */
  private limiter(path: string): RateLimiter {
    const endpoint = /^\/V1\.0\/([^/?]+)/i.exec(path)?.[1]?.toLowerCase() ?? path;
    let limiter = this.limiters.get(endpoint);
    if (!limiter) {
      limiter = new RateLimiter([], 3, this.clock);
      this.limiters.set(endpoint, limiter);
    }
    return limiter;
  }

  private async request<T extends z.ZodType>(method: 'GET' | 'POST' | 'PATCH', path: string, schema: T, options: { body?: unknown; idempotent?: boolean; absoluteUrl?: string; unbudgeted?: boolean } = {}): Promise<z.output<T>> {
    if (!options.unbudgeted) await this.budget.admit();
    for (let attempt = 0; ; attempt++) {
      const url = options.absoluteUrl ?? `${await this.zoneUrl(attempt > 0)}${path}`;
      if (options.absoluteUrl && this.zone && new URL(url).origin !== new URL(this.zone.url).origin) {
        throw new AutotaskError(`Autotask sent a next-page address on another host (${new URL(url).host}); refusing to send credentials there.`, null);
      }
      try {
        const response = await this.http.send({
          method, url, headers: this.headers(), limiters: [this.limiter(path)],
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
        });
        return parseBody(VENDOR, response, schema, method);
      } catch (error) {
        // A tenant can move to another zone: after a 401, resolve the zone again and retry once.
        if (error instanceof HttpError && error.status === 401 && attempt === 0 && !options.absoluteUrl) continue;
        throw this.explain(error);
      }
    }
  }

  private explain(error: unknown): unknown {
    if (!(error instanceof HttpError) || error.status === null) return error;
    const messages = vendorErrors(error.responseText ?? '').join(' ');
    if (/Zone information could not be determined/i.test(messages)) {
      // The username is not repeated: every saved credential value is redacted from what the window and the logs are shown.
      return new AutotaskError(`Autotask does not know the API username that was entered: check it for typos, and use the API user's username (it looks like an email address, e.g. abc123@yourmsp.com).`, error.status, true);
    }
    if (/IntegrationCode is invalid/i.test(messages)) {
      return new AutotaskError('Autotask rejected the tracking identifier (integration code): copy it from the API user\'s page (Admin > Resources/Users > the API user > API Tracking Identifier).', error.status, true);
    }
    if (error.status === 401) {
      return new AutotaskError('Autotask rejected the API user\'s secret (401), or the user is not an API user: check the secret, and that the resource has the "API User (API-only)" security level.', 401);
    }
    if (error.status === 403) {
      return new AutotaskError(`${error.message}. The API user's security level lacks a permission for this entity (it also needs "View Unprotected Data" for device UDFs).`, 403);
    }
    return new AutotaskError(error.message, error.status);
  }

  // ---- generic entity operations ----

  /** Every record matching the filters, across pages (the original body is POSTed to nextPageUrl). */
  async query<T extends z.ZodType>(entity: string, filter: AutotaskFilter[], item: T, includeFields?: string[]): Promise<z.output<T>[]> {
    const body = { filter, maxRecords: MAX_RECORDS, ...(includeFields ? { includeFields } : {}) };
    const page = z.object({ items: z.array(item), pageDetails: PageDetailsSchema.optional() });
    const all: z.output<T>[] = [];
    let next: string | null = null;
    for (let n = 0; n < MAX_PAGES; n++) {
      const path = `/V1.0/${entity}/query`;
      const result: z.output<typeof page> = await this.request('POST', path, page, { body, idempotent: true, ...(next ? { absoluteUrl: next } : {}) });
      all.push(...result.items);
      next = result.pageDetails?.nextPageUrl ?? null;
      if (!next) return all;
    }
    throw new AutotaskError(`Autotask returned more than ${String(MAX_PAGES)} pages for ${entity}; stopping.`, null);
  }

  /** One record by id; null when Autotask says `{item: null}` or 404. */
  async get<T extends z.ZodType>(entity: string, id: number, item: T): Promise<z.output<T> | null> {
    try {
      const envelope = z.object({ item: z.unknown() });
      const { item: raw } = await this.request('GET', `/V1.0/${entity}/${String(id)}`, envelope);
      if (raw === null || raw === undefined) return null;
      const parsed = item.safeParse(raw);
      if (!parsed.success) throw new AutotaskError(`Autotask sent an unexpected ${entity} record: ${parsed.error.issues[0]?.message ?? 'invalid'}`, null);
      return parsed.data;
    } catch (error) {
      if (error instanceof AutotaskError && error.status === 404) return null;
      throw error;
    }
  }

  /** Creates a record; never retried after an unknown outcome. Returns the new id. */
  async create(path: string, body: Record<string, unknown>): Promise<number> {
    return (await this.request('POST', `/V1.0/${path}`, OperationResult, { body })).itemId;
  }

  /** Partial update (PATCH): only the fields sent change. Setting values is safe to repeat. */
  async update(entity: string, body: Record<string, unknown> & { id: number }): Promise<number> {
    return (await this.request('PATCH', `/V1.0/${entity}`, OperationResult, { body, idempotent: true })).itemId;
  }

  async fields(entity: string): Promise<FieldInfo[]> {
    return (await this.request('GET', `/V1.0/${entity}/entityInformation/fields`, FieldsResponse)).fields;
  }

  /** Active picklist values of one field, e.g. Tickets.queueID. */
  async picklist(entity: string, fieldName: string): Promise<PicklistValue[]> {
    const found = (await this.fields(entity)).find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    return (found?.picklistValues ?? []).filter((v) => v.isActive);
  }

  // ---- what the app uses ----

  /** Zone discovery plus one authenticated call: proves username, secret and tracking identifier. */
  async testConnection(): Promise<{ zoneUrl: string; webUrl: string | null }> {
    await this.request('GET', '/V1.0/Version', z.looseObject({}));
    return { zoneUrl: await this.zoneUrl(), webUrl: this.zone?.webUrl ?? null };
  }

  /** The tenant's API usage: requests in the current hour against the threshold (10,000/h, shared by all integrations). */
  async thresholdInformation(): Promise<{ used: number; limit: number; share: number }> {
    const info = await this.request('GET', '/V1.0/ThresholdInformation', ThresholdSchema, { unbudgeted: true });
    return { used: info.currentTimeframeRequestCount, limit: info.externalRequestThreshold, share: info.currentTimeframeRequestCount / Math.max(1, info.externalRequestThreshold) };
  }

  listCompanies(): Promise<AutotaskCompany[]> {
    return this.query('Companies', [{ op: 'exist', field: 'id' }], CompanySchema, ['id', 'companyName', 'isActive']);
  }

  getCompany(id: number): Promise<AutotaskCompany | null> {
    return this.get('Companies', id, CompanySchema);
  }

  /** Active Material billing codes; the Material use type is found by its label, not a guessed number. */
  async listMaterialBillingCodes(): Promise<BillingCode[]> {
    const material = (await this.picklist('BillingCodes', 'useType')).find((v) => /material/i.test(v.label));
    if (!material) throw new AutotaskError('Autotask lists no "Material Cost Code" billing code type, so no material code can be chosen.', null);
    return this.query('BillingCodes', [{ op: 'eq', field: 'isActive', value: true }, { op: 'eq', field: 'useType', value: Number(material.value) }], BillingCodeSchema, ['id', 'name', 'description', 'useType', 'isActive']);
  }

  findProducts(name: string) {
    return this.query('Products', [{ op: 'eq', field: 'name', value: name }], ProductSchema);
  }

  createProduct(input: { name: string; description: string; productBillingCodeID: number }): Promise<number> {
    return this.create('Products', { ...input, isActive: true, isSerialized: false });
  }

  async listConfigurationItemUdfNames(): Promise<string[]> {
    return (await this.request('GET', '/V1.0/ConfigurationItems/entityInformation/userDefinedFields', UdfFieldsResponse)).fields.map((f) => f.name);
  }

  /** Creates a text UDF on configuration items; the udfType/dataType/displayFormat codes come from the tenant's picklists. */
  async createConfigurationItemUdf(name: string, multiLine: boolean): Promise<number> {
    const fields = await this.fields('UserDefinedFieldDefinitions');
    const pick = (field: string, label: RegExp) => fields.find((f) => f.name === field)?.picklistValues?.find((v) => label.test(v.label))?.value;
    const udfType = pick('udfType', /configuration item|device|installed product/i);
    const dataType = pick('dataType', /^string|text/i);
    const displayFormat = pick('displayFormat', multiLine ? /multi/i : /single/i);
    if (udfType === undefined || dataType === undefined) {
      throw new AutotaskError(`Autotask does not offer a text user-defined field for configuration items through the API; add "${name}" by hand under Admin > Features & Settings > Application-Wide > User-Defined Fields (Configuration Items).`, null);
    }
    return this.create('UserDefinedFieldDefinitions', { name, udfType: Number(udfType), dataType: Number(dataType), isActive: true, ...(displayFormat ? { displayFormat: Number(displayFormat) } : {}) });
  }

  findConfigurationItems(companyId: number, productId: number): Promise<ConfigurationItem[]> {
    return this.query('ConfigurationItems', [{ op: 'eq', field: 'companyID', value: companyId }, { op: 'eq', field: 'productID', value: productId }], ConfigurationItemSchema);
  }

  /** The product's configuration items of several companies at once (an `in` filter of their ids). */
  findConfigurationItemsOf(companyIds: number[], productId: number): Promise<ConfigurationItem[]> {
    return this.query('ConfigurationItems', [{ op: 'in', field: 'companyID', value: companyIds }, { op: 'eq', field: 'productID', value: productId }], ConfigurationItemSchema);
  }

  getConfigurationItem(id: number): Promise<ConfigurationItem | null> {
    return this.get('ConfigurationItems', id, ConfigurationItemSchema);
  }

  createConfigurationItem(input: { companyID: number; productID: number; referenceTitle: string; installDate: string; userDefinedFields: UdfValue[] }): Promise<number> {
    return this.create('ConfigurationItems', { ...input, isActive: true });
  }

  updateConfigurationItemUdfs(id: number, userDefinedFields: UdfValue[]): Promise<number> {
    return this.update('ConfigurationItems', { id, userDefinedFields });
  }

  /** Queues, statuses, priorities, issue and sub-issue types (sub-issues carry parentValue = issue type). */
  async ticketPicklists(): Promise<Record<'queueID' | 'status' | 'priority' | 'issueType' | 'subIssueType' | 'ticketType', PicklistValue[]>> {
    const fields = await this.fields('Tickets');
    const values = (name: string) => (fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.picklistValues ?? []).filter((v) => v.isActive);
    return { queueID: values('queueID'), status: values('status'), priority: values('priority'), issueType: values('issueType'), subIssueType: values('subIssueType'), ticketType: values('ticketType') };
  }

  createTicket(input: NewTicket): Promise<number> {
    const body = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));
    return this.create('Tickets', body);
  }

  getTicket(id: number): Promise<AutotaskTicket | null> {
    return this.get('Tickets', id, TicketSchema);
  }

  findTicketsByExternalId(externalID: string): Promise<AutotaskTicket[]> {
    return this.query('Tickets', [{ op: 'eq', field: 'externalID', value: externalID }], TicketSchema);
  }

  /** Tickets not Complete whose externalID starts with `prefix` (checked again here, whatever the filter did). */
  async findOpenTicketsByExternalIdPrefix(prefix: string): Promise<AutotaskTicket[]> {
    const rows = await this.query('Tickets', [{ op: 'beginsWith', field: 'externalID', value: prefix }, { op: 'noteq', field: 'status', value: TICKET_STATUS_COMPLETE }], TicketSchema);
    return rows.filter((t) => t.status !== TICKET_STATUS_COMPLETE && (t.externalID ?? '').startsWith(prefix));
  }

  /** Adds a note to a ticket, with the tenant's default note type and publish setting. */
  async addNote(ticketId: number, title: string, description: string): Promise<number> {
    const fields = await this.fields('TicketNotes');
    const defaultOf = (name: string) => {
      const values = fields.find((f) => f.name === name)?.picklistValues?.filter((v) => v.isActive) ?? [];
      return Number((values.find((v) => v.isDefaultValue) ?? values[0])?.value ?? 1);
    };
    return this.create(`Tickets/${String(ticketId)}/Notes`, { ticketID: ticketId, title: title.slice(0, 250), description, noteType: defaultOf('noteType'), publish: defaultOf('publish') });
  }
}
