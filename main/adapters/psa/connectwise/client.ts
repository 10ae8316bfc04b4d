/**
 * ConnectWise PSA (Manage) REST client.
 *
 * Site -> api host; codebase from login/companyinfo (cached, re-read once after a 404 because
 * cloud upgrades move it); Basic auth `companyId+publicKey:privateKey`, the clientId header and a
 * pinned Accept version on every call; page/pageSize=1000 following Link rel="next"; conditions
 * built with proper quoting; ConnectWise error bodies turned into clear messages. Creating POSTs
 * are never retried: callers reconcile (find what was created) after an unknown outcome.
 */
import { z } from 'zod';
import { HttpClient, HttpError, type FetchLike, type HttpStats } from '../../http/client';
import { VendorError } from '../../http/vendor-error';
import { errorText, parseBody } from '../../http/parse';
import { RateLimiter, realClock, type Clock } from '../../http/rate-limiter';
import { conditionString, nextLink, normaliseSite, trustedNextPage, type ConnectWiseSite } from './site';
import {
  AdditionSchema,
  AgreementSchema,
  AssociationSchema,
  CatalogItemSchema,
  type Addition,
  type Agreement,
  type CatalogItem,
  BoardSchema,
  BoardStatusSchema,
  BoardSubTypeSchema,
  BoardTypeSchema,
  CompanyInfoSchema,
  CompanySchema,
  ConfigurationSchema,
  ConfigurationStatusSchema,
  ConfigurationTypeSchema,
  ErrorBodySchema,
  NoteSchema,
  PrioritySchema,
  TicketSchema,
  TypeQuestionSchema,
  type Configuration,
  type ConfigurationAnswer,
  type ConnectWiseCompany,
  type ConnectWiseTicket,
  type TypeQuestion,
} from './schemas';

const VENDOR = 'ConnectWise PSA';
export const CONNECTWISE_API_VERSION = '2025.1';
const PAGE_SIZE = 1000;

export interface ConnectWiseCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export interface ConnectWiseClientOptions extends ConnectWiseCredentials {
  site: string;
  fetch: FetchLike;
  clock?: Clock;
  timeoutMs?: number;
  retries?: number;
  /** Requests in flight at once (ConnectWise publishes no quota; stay modest). */
  concurrency?: number;
}

export class ConnectWiseError extends VendorError {
  override readonly name = 'ConnectWiseError';
  constructor(message: string, status: number | null, readonly code: string | null = null, configuration = false) {
    super(message, status, configuration);
  }
}

function describeConnectWiseError(_status: number, text: string): string | null {
  return errorText(text, (raw) => {
    const body = ErrorBodySchema.safeParse(raw);
    if (!body.success) return undefined;
    const detail = body.data.errors?.map((e) => e.message).filter(Boolean).join('; ');
    return [body.data.message, detail].filter(Boolean).join(': ') || body.data.code;
  });
}

export interface NewQuestion {
  question: string;
  fieldType: string;
  entryType: string;
  sequenceNumber: number;
  numberOfDecimals?: number;
}

export interface NewTicket {
  summary: string;
  companyId: number;
  boardId: number;
  statusId?: number | null;
  priorityId?: number | null;
  typeId?: number | null;
  subTypeId?: number | null;
  itemId?: number | null;
  initialDescription: string;
  externalXRef?: string;
}

export class ConnectWiseClient {
  readonly http: HttpClient;
  readonly site: ConnectWiseSite;
  private codebase: string | null = null;
  private codebasePending: Promise<string> | null = null;
  private readonly limiter: RateLimiter;

  constructor(private readonly options: ConnectWiseClientOptions) {
    this.site = normaliseSite(options.site);
    const clock = options.clock ?? realClock;
    this.http = new HttpClient({
      vendor: VENDOR,
      fetch: options.fetch,
      clock,
      describeError: describeConnectWiseError,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
    });
    this.limiter = new RateLimiter([], options.concurrency ?? 8, clock);
  }

  get stats(): HttpStats {
    return this.http.stats;
  }

  // ---- plumbing ----

  /** The API base for this company's codebase; callers that arrive while it is being read share that read. */
  private async base(refresh = false): Promise<string> {
    if (!this.codebase || refresh) {
      this.codebasePending ??= this.readCodebase().finally(() => { this.codebasePending = null; });
      this.codebase = await this.codebasePending;
    }
    return `${this.site.apiOrigin}/${this.codebase}apis/3.0`;
  }

  private async readCodebase(): Promise<string> {
    let info: z.output<typeof CompanyInfoSchema>;
    try {
      const response = await this.http.send({ method: 'GET', url: `${this.site.siteOrigin}/login/companyinfo/${encodeURIComponent(this.options.companyId)}`, headers: { Accept: 'application/json' } });
      info = parseBody(VENDOR, response, CompanyInfoSchema);
    } catch (error) {
      if (error instanceof HttpError && error.kind === 'network') {
        const reason = error.message.replace(/^.*?: /, '');
        throw new ConnectWiseError(`The ConnectWise site ${this.site.siteOrigin.replace(/^https?:\/\//, '')} could not be reached (tried ${this.site.siteOrigin}: ${reason}). Check the site name (for example na.myconnectwise.net) and your network.`, null);
      }
      throw error;
    }
    if (info === null) {
      // The company ID is not repeated: saved credential values are redacted from what the window and the logs are shown.
      throw new ConnectWiseError(`ConnectWise does not know the company ID that was entered on this site: check it for typos, and use the company name you log in with (Company field of the login page).`, 200, 'UnknownCompany', true);
    }
    return info.Codebase.endsWith('/') ? info.Codebase : `${info.Codebase}/`;
  }

  private headers(json: boolean): Record<string, string> {
    const { companyId, publicKey, privateKey, clientId } = this.options;
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`, 'utf8').toString('base64')}`,
      clientId,
      Accept: `application/vnd.connectwise.com+json; version=${CONNECTWISE_API_VERSION}`,
    };
    if (json) headers['Content-Type'] = 'application/json';
    return headers;
  }

  private async request<T extends z.ZodType>(method: 'GET' | 'POST' | 'PATCH', path: string, schema: T, options: { body?: unknown; query?: Record<string, string>; idempotent?: boolean; absoluteUrl?: string } = {}) {
    for (let attempt = 0; ; attempt++) {
      const url = new URL(options.absoluteUrl ?? `${await this.base(attempt > 0)}${path}`);
      for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
      try {
        const response = await this.http.send({
          method, url: url.href, headers: this.headers(options.body !== undefined), limiters: [this.limiter],
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          ...(options.idempotent !== undefined ? { idempotent: options.idempotent } : {}),
        });
        return { value: parseBody(VENDOR, response, schema, method), link: response.headers.get('link'), url: url.href };
      } catch (error) {
        // A 404 on the codebase itself means the cloud moved us: read companyinfo again, once.
        if (error instanceof HttpError && error.status === 404 && attempt === 0 && /Codebase/i.test(error.responseText ?? '')) continue;
        throw this.explain(error);
      }
    }
  }

  private explain(error: unknown): unknown {
    if (!(error instanceof HttpError) || error.status === null) return error;
    const code = errorText(error.responseText ?? '', (raw) => ErrorBodySchema.safeParse(raw).data?.code) ;
    if (error.status === 401) {
      return new ConnectWiseError('ConnectWise rejected the credentials (401): check the company ID, the public and private keys of the API member, and the clientId.', 401, code);
    }
    if (error.status === 403) {
      return new ConnectWiseError(`${error.message}. The API member's security role is missing a permission: it needs Companies (Company Maintenance: Inquire; Configurations: Add, Edit, Inquire), Service Desk (Service Tickets: Add, Edit, Inquire) and System (Table Setup: Add, Edit, Inquire).`, 403, code);
    }
    return new ConnectWiseError(error.message, error.status, code);
  }

  private async list<T extends z.ZodType>(path: string, item: T, conditions?: string): Promise<z.output<T>[]> {
    const all: z.output<T>[] = [];
    const query: Record<string, string> = { pageSize: String(PAGE_SIZE), page: '1' };
    if (conditions) query.conditions = conditions;
    let next: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const { value, link, url }: { value: z.output<T>[]; link: string | null; url: string } = next
        ? await this.request('GET', path, z.array(item), { absoluteUrl: next })
        : await this.request('GET', path, z.array(item), { query });
      all.push(...value);
      const target = nextLink(link);
      if (!target || value.length === 0) return all;
      next = trustedNextPage(target, url, this.site.apiOrigin);
      if (next === null) {
        // Never follow: the Basic credentials would go with the request.
        throw new ConnectWiseError(`ConnectWise sent a next-page address outside ${this.site.apiOrigin} (${describeLink(target)}); refusing to send the API keys there. Nothing was changed.`, null);
      }
    }
    return all;
  }

  private async getOrNull<T extends z.ZodType>(path: string, schema: T): Promise<z.output<T> | null> {
    try {
      return (await this.request('GET', path, schema)).value;
    } catch (error) {
      if (error instanceof ConnectWiseError && error.status === 404) return null;
      throw error;
    }
  }

  // ---- connection ----

  /** Codebase lookup plus one authenticated read: proves site, company ID, keys and clientId. */
  async testConnection(): Promise<{ codebase: string }> {
    await this.request('GET', '/company/companies', z.array(CompanySchema), { query: { pageSize: '1' } });
    return { codebase: this.codebase ?? '' };
  }

  // ---- companies ----

  listCompanies(): Promise<ConnectWiseCompany[]> {
    return this.list('/company/companies', CompanySchema, 'deletedFlag = false');
  }

  /** A catalog item by its identifier (the SKU the MSP knows) or id. */
  async findCatalogItem(reference: string): Promise<CatalogItem | null> {
    const byId = /^\d+$/.test(reference) ? await this.getOrNull(`/procurement/catalog/${reference}`, CatalogItemSchema) : null;
    if (byId) return byId;
    const [item] = await this.list('/procurement/catalog', CatalogItemSchema, `identifier = ${conditionString(reference)}`);
    return item ?? null;
  }

  async listAgreements(companyId: number): Promise<Agreement[]> {
    return this.list('/finance/agreements', AgreementSchema, `company/id=${String(companyId)}`);
  }

  async listAdditions(agreementId: number, productId: number): Promise<Addition[]> {
    return this.list(`/finance/agreements/${String(agreementId)}/additions`, AdditionSchema, `product/id=${String(productId)}`);
  }

  async getAgreement(id: number): Promise<Agreement | null> {
    return this.getOrNull(`/finance/agreements/${String(id)}`, AgreementSchema);
  }

  async getCatalogItem(id: number): Promise<CatalogItem | null> {
    return this.getOrNull(`/procurement/catalog/${String(id)}`, CatalogItemSchema);
  }

  /** Replaces fields of an addition (absolute values: safe to repeat). Never a price or a cost: the callers send none. */
  async patchAddition(agreementId: number, id: number, fields: Record<string, string | number>): Promise<Addition> {
    const body = Object.entries(fields).map(([path, value]) => ({ op: 'replace', path, value }));
    return (await this.request('PATCH', `/finance/agreements/${String(agreementId)}/additions/${String(id)}`, AdditionSchema, { body, idempotent: true })).value;
  }

  /** Adds a line to an agreement. Never retried: after an unknown outcome, read the additions first. */
  async createAddition(agreementId: number, body: Record<string, unknown>): Promise<Addition> {
    return (await this.request('POST', `/finance/agreements/${String(agreementId)}/additions`, AdditionSchema, { body })).value;
  }

  async findCompany(identifier: string): Promise<ConnectWiseCompany | null> {
    const rows = await this.list('/company/companies', CompanySchema, `identifier = ${conditionString(identifier)} and deletedFlag = false`);
    return rows[0] ?? null;
  }

  // ---- configuration types, questions, statuses ----

  listConfigurationTypes(): Promise<z.output<typeof ConfigurationTypeSchema>[]> {
    return this.list('/company/configurations/types', ConfigurationTypeSchema);
  }

  async createConfigurationType(name: string) {
    return (await this.request('POST', '/company/configurations/types', ConfigurationTypeSchema, { body: { name, inactiveFlag: false } })).value;
  }

  listQuestions(typeId: number): Promise<TypeQuestion[]> {
    return this.list(`/company/configurations/types/${String(typeId)}/questions`, TypeQuestionSchema);
  }

  async createQuestion(typeId: number, question: NewQuestion): Promise<TypeQuestion> {
    const body = { requiredFlag: false, inactiveFlag: false, numberOfDecimals: 0, ...question };
    return (await this.request('POST', `/company/configurations/types/${String(typeId)}/questions`, TypeQuestionSchema, { body })).value;
  }

  listConfigurationStatuses() {
    return this.list('/company/configurations/statuses', ConfigurationStatusSchema);
  }

  // ---- configurations ----

  findConfigurations(typeId: number, companyId: number): Promise<Configuration[]> {
    return this.list('/company/configurations', ConfigurationSchema, `type/id = ${String(typeId)} and company/id = ${String(companyId)}`);
  }

  /** The type's configurations of several companies at once (`company/id in (...)`). */
  findConfigurationsOf(typeId: number, companyIds: number[]): Promise<Configuration[]> {
    return this.list('/company/configurations', ConfigurationSchema, `type/id = ${String(typeId)} and company/id in (${companyIds.map(String).join(',')})`);
  }

  getConfiguration(id: number): Promise<Configuration | null> {
    return this.getOrNull(`/company/configurations/${String(id)}`, ConfigurationSchema);
  }

  async createConfiguration(input: { name: string; typeId: number; companyId: number; statusId: number; questions: ConfigurationAnswer[] }): Promise<Configuration> {
    const body = { name: input.name, type: { id: input.typeId }, company: { id: input.companyId }, status: { id: input.statusId }, questions: input.questions };
    return (await this.request('POST', '/company/configurations', ConfigurationSchema, { body })).value;
  }

  /** Replaces the whole questions array (ConnectWise cannot patch one element). Safe to repeat. */
  async replaceConfigurationQuestions(id: number, questions: ConfigurationAnswer[]): Promise<Configuration> {
    const body = [{ op: 'replace', path: 'questions', value: questions }];
    return (await this.request('PATCH', `/company/configurations/${String(id)}`, ConfigurationSchema, { body, idempotent: true })).value;
  }

  // ---- ticketing set-up ----

  listBoards() {
    return this.list('/service/boards', BoardSchema, 'inactiveFlag = false and projectFlag = false');
  }

  listBoardStatuses(boardId: number) {
    return this.list(`/service/boards/${String(boardId)}/statuses`, BoardStatusSchema, 'inactive = false');
  }

  listPriorities() {
    return this.list('/service/priorities', PrioritySchema);
  }

  listBoardTypes(boardId: number) {
    return this.list(`/service/boards/${String(boardId)}/types`, BoardTypeSchema, 'inactiveFlag = false');
  }

  listBoardSubTypes(boardId: number) {
    return this.list(`/service/boards/${String(boardId)}/subtypes`, BoardSubTypeSchema, 'inactiveFlag = false');
  }

  listBoardItems(boardId: number) {
    return this.list(`/service/boards/${String(boardId)}/items`, BoardTypeSchema, 'inactiveFlag = false');
  }

  listTypeSubTypeItemAssociations(boardId: number) {
    return this.list(`/service/boards/${String(boardId)}/typeSubTypeItemAssociations`, AssociationSchema);
  }

  // ---- tickets ----

  /** Creates a ticket. Never retried: on an unknown outcome, look it up with findTickets first. */
  async createTicket(input: NewTicket): Promise<ConnectWiseTicket> {
    const ref = (id: number | null | undefined) => (id === null || id === undefined ? undefined : { id });
    const body = {
      summary: input.summary.slice(0, 100),
      company: { id: input.companyId },
      board: { id: input.boardId },
      status: ref(input.statusId),
      priority: ref(input.priorityId),
      type: ref(input.typeId),
      subType: ref(input.subTypeId),
      item: ref(input.itemId),
      initialDescription: input.initialDescription,
      externalXRef: input.externalXRef,
    };
    return (await this.request('POST', '/service/tickets', TicketSchema, { body })).value;
  }

  getTicket(id: number): Promise<ConnectWiseTicket | null> {
    return this.getOrNull(`/service/tickets/${String(id)}`, TicketSchema);
  }

  findTicketsByExternalRef(externalXRef: string): Promise<ConnectWiseTicket[]> {
    return this.list('/service/tickets', TicketSchema, `externalXRef = ${conditionString(externalXRef)}`);
  }

  /**
   * Open tickets whose externalXRef starts with `prefix`. Filtered with `contains` (a `like` can be
   * silently ignored by ConnectWise) and checked again here, so an unfiltered answer cannot mislead.
   */
  async findOpenTicketsByExternalRefPrefix(prefix: string): Promise<ConnectWiseTicket[]> {
    const rows = await this.list('/service/tickets', TicketSchema, `externalXRef contains ${conditionString(prefix)} and closedFlag = false`);
    return rows.filter((t) => !t.closedFlag && (t.externalXRef ?? '').startsWith(prefix));
  }

  /** Adds a note shown in the ticket's discussion (ConnectWise rejects notes with no display flag). */
  async addNote(ticketId: number, text: string) {
    const body = { text, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false };
    return (await this.request('POST', `/service/tickets/${String(ticketId)}/notes`, NoteSchema, { body })).value;
  }
}

/** Scheme and host of a link, for a message (never its query). */
function describeLink(link: string): string {
  try {
    const url = new URL(link);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'an invalid address';
  }
}
