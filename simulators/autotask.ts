/**
 * Autotask PSA REST API (v1.0) on loopback: zone discovery, the three auth headers, queries with
 * filter JSON and nextPageUrl paging (the original body must be POSTed again), entityInformation
 * fields and picklists, companies, billing codes (read-only), products, configuration items with
 * user-defined fields, UDF definitions, tickets and ticket notes, ThresholdInformation, the
 * 3-threads-per-endpoint limit, and Autotask's habit of answering validation errors with HTTP 500.
 * Follows shared/reference/autotask-api.md and the Swagger in shared/vendor-specs.
 */
import { HostedSimulator, json, SimServer, type SimRequest, type SimResponse } from './kit';
import { countUdfFilters, matches, QueryError, type Filter } from './autotask-query';
import { UMBRELLA_PRODUCT, type DemoWorld } from './seed';

export interface AutotaskSimOptions {
  world: DemoWorld;
  username: string;
  secret: string;
  integrationCode: string;
  /** Requests in flight per endpoint before "thread threshold exceeded" (Autotask: 3). */
  threadLimit?: number;
  /** Divide the hourly threshold's rolling hour by this factor (benchmarks compress time; default 1). */
  limitScale?: number;
  now?: () => number;
  /** The hourly threshold's clock (default real time, even when the data clock is pinned); the soak's jumps over sleep. */
  limitsNow?: () => number;
  seed?: number;
}

type Udf = { name: string; value: string | null };
type Entity = Record<string, unknown> & { id: number; userDefinedFields?: Udf[] };

interface Picklist { value: string; label: string; isDefaultValue: boolean; sortOrder: number; parentValue: string; isActive: boolean; isSystem: boolean }

const MAX_RECORDS = 500;
const UDF_TYPE_CONFIGURATION_ITEM = 3;
const DATA_TYPE_STRING = 1;

function picklist(values: [number, string, boolean?, string?][], defaultValue?: number): Picklist[] {
  return values.map(([value, label, active = true, parent = ''], i) => ({
    value: String(value), label, isDefaultValue: value === defaultValue, sortOrder: i + 1, parentValue: parent, isActive: active, isSystem: value === 1 || value === 5,
  }));
}

function field(name: string, options: { required?: boolean; readOnly?: boolean; picklist?: Picklist[]; parentField?: string; reference?: string; dataType?: string } = {}) {
  return {
    name, dataType: options.dataType ?? (options.picklist ? 'integer' : 'string'), length: options.picklist ? 0 : 100, isRequired: options.required ?? false,
    isReadOnly: options.readOnly ?? false, isQueryable: true, isReference: options.reference !== undefined, referenceEntityType: options.reference ?? '',
    isPickList: options.picklist !== undefined, picklistValues: options.picklist ?? [], picklistParentValueField: options.parentField ?? '', isSupportedWebhookField: false,
  };
}

const errors = (status: number, ...messages: string[]): SimResponse => json(status, { errors: messages });

export class AutotaskSimulator extends HostedSimulator {
  readonly server: SimServer;
  readonly options: AutotaskSimOptions;
  private readonly now: () => number;
  private readonly limitsNow: () => number;
  private nextId = 29_690_000;
  readonly companies: Entity[];
  readonly billingCodes: Entity[];
  readonly products: Entity[] = [];
  readonly configurationItems: Entity[] = [];
  readonly udfDefinitions: Entity[] = [];
  readonly tickets: Entity[] = [];
  readonly notes: Entity[] = [];
  /** The service catalog and the companies' Recurring Service contracts, their services and units per period (billing). */
  readonly services: Entity[];
  readonly contracts: Entity[];
  readonly contractServices: Entity[];
  readonly contractServiceUnits: Entity[];
  /** Every adjustment posted (Autotask cannot list them; tests can). */
  readonly adjustments: Entity[] = [];
  readonly contractNotes: Entity[] = [];
  readonly ticketPicklists: Record<string, Picklist[]>;
  private readonly inFlight = new Map<string, number>();
  /** When each authenticated request arrived, for the rolling hour of the threshold. */
  private readonly arrivals: number[] = [];
  private readonly hourMs: number;
  /** Test hook: requests other integrations of the tenant made this hour (they share the threshold). */
  otherUsage = 0;
  /** The tenant's hourly threshold (Autotask: 10,000 by default). */
  threshold = 10_000;
  /** The highest usage (every integration) the tenant reached. */
  peakUsage = 0;
  /** Test hook: how long each request holds its thread (a real server takes time to answer). */
  serviceTimeMs = 0;

  constructor(options: AutotaskSimOptions) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    this.limitsNow = options.limitsNow ?? Date.now;
    this.hourMs = 3_600_000 / (options.limitScale ?? 1);
    this.companies = options.world.autotask.companies.map((c) => ({ ...c, userDefinedFields: [] }));
    this.billingCodes = [
      { id: 29682801, name: 'Security Software', description: 'Material: security subscriptions', useType: 4, billingCodeType: 0, isActive: true },
      { id: 29682802, name: 'Hardware', description: 'Material: hardware resale', useType: 4, billingCodeType: 0, isActive: true },
      { id: 29682803, name: 'Old Materials', description: 'retired', useType: 4, billingCodeType: 0, isActive: false },
      { id: 29682810, name: 'Remote Support', description: 'Work type', useType: 1, billingCodeType: 0, isActive: true },
      { id: 29682811, name: 'Travel', description: 'Expense', useType: 2, billingCodeType: 0, isActive: true },
    ];
    ({ services: this.services, contracts: this.contracts, contractServices: this.contractServices, contractServiceUnits: this.contractServiceUnits } = seededContracts(options.world));
    this.ticketPicklists = {
      queueID: picklist([[5, 'Client Portal'], [6, 'Post Sale'], [8, 'Monitoring Alert'], [29682969, 'Security Operations'], [29682970, 'Level 1 Support'], [29682971, 'Archived Queue', false]]),
      status: picklist([[1, 'New'], [5, 'Complete'], [7, 'Waiting Customer'], [8, 'In Progress'], [13, 'Escalated']], 1),
      priority: picklist([[1, 'Critical'], [2, 'Medium'], [3, 'Low'], [5, 'High'], [6, 'Urgent']], 2),
      issueType: picklist([[12, 'Security'], [13, 'Network'], [14, 'Legacy Issue', false]]),
      subIssueType: picklist([[136, 'Botnet / Command and Control', true, '12'], [137, 'Malware', true, '12'], [140, 'Outage', true, '13']]),
      ticketType: picklist([[1, 'Service Request'], [2, 'Incident'], [3, 'Problem'], [4, 'Change Request'], [5, 'Alert']], 1),
      source: picklist([[2, 'Phone'], [4, 'Email'], [8, 'Monitoring Alert']]),
    };
    this.server = new SimServer('autotask', {
      seed: options.seed ?? 31,
      caseInsensitivePaths: true,
      notFound: () => ({ status: 404, body: '<html><body><h2>404 - File or directory not found.</h2></body></html>', raw: true }),
      // Autotask's own words for a fault on its side, with the errors array it sends for everything.
      faultBody: (status) => (status === 503
        ? { errors: ['The service is temporarily unavailable. Please try again later.'] }
        : { errors: ['An unexpected error has occurred. Please contact Autotask support. Error ID: 54634.'], errorId: 54634 }),
    });
    this.register();
  }

  /** The zone-discovery base a client is configured with (production: https://webservices.autotask.net/atservicesrest). */
  get discoveryUrl(): string {
    return `${this.url}/atservicesrest`;
  }

  /** Test hook: the origin the zone lookup names instead of this server (e.g. a trap on another host). */
  zoneOrigin: string | null = null;

  // ---- test hooks: act as a PSA user ----

  moveTicket(id: number, queueId: number): void {
    const ticket = this.tickets.find((t) => t.id === id);
    if (!ticket) throw new Error('no such ticket');
    ticket.queueID = queueId;
  }

  completeTicket(id: number): void {
    const ticket = this.tickets.find((t) => t.id === id);
    if (!ticket) throw new Error('no such ticket');
    ticket.status = 5;
    ticket.completedDate = new Date(this.now()).toISOString().slice(0, 19);
  }

  /** Autotask has no ticket delete; an admin can still remove one (merge, purge): it then reads as item null. */
  removeTicket(id: number): void {
    const index = this.tickets.findIndex((t) => t.id === id);
    if (index >= 0) this.tickets.splice(index, 1);
  }

  defineUdf(name: string): void {
    this.udfDefinitions.push({ id: this.nextId++, name, udfType: UDF_TYPE_CONFIGURATION_ITEM, dataType: DATA_TYPE_STRING, isActive: true, isProtected: false, isRequired: false });
  }

  // ---- routing ----

  private register(): void {
    const s = this.server;
    s.on('GET', '/atservicesrest/v1.0/zoneInformation', (req) => {
      const user = req.query.get('user') ?? '';
      if (user.toLowerCase() !== this.options.username.toLowerCase()) return errors(500, 'Zone information could not be determined');
      return json(200, { zoneName: 'Simulated Zone', url: `${this.zoneOrigin ?? this.url}/ATServicesRest/`, webUrl: `${this.url}/`, ci: 30595 });
    });
    s.on('GET', '/atservicesrest/versioninformation', () => json(200, { apiVersions: ['1.0'] }));
    const api = (method: string, path: string, entity: string, handler: (req: SimRequest) => SimResponse) => {
      s.on(method, `/ATServicesRest/V1.0${path}`, (req) => this.authorized(req, entity, handler));
    };
    api('GET', '/Version', 'Version', () => json(200, { majorVersion: '2026', minorVersion: '1', build: '112', customerType: '1' }));
    api('GET', '/ThresholdInformation', 'ThresholdInformation', () => json(200, { externalRequestThreshold: this.threshold, requestThresholdTimeframe: 60, currentTimeframeRequestCount: this.usage() }));
    this.queryable('Companies', () => this.companies);
    api('GET', '/Companies/{id}', 'Companies', (req) => this.byId(this.companies, req));
    this.queryable('BillingCodes', () => this.billingCodes);
    api('GET', '/BillingCodes/entityInformation/fields', 'BillingCodes', () => json(200, { fields: [
      field('id', { required: true, readOnly: true, dataType: 'long' }), field('name', { readOnly: true }), field('isActive', { readOnly: true, dataType: 'boolean' }),
      field('useType', { readOnly: true, picklist: picklist([[1, 'General Allocation Code'], [2, 'Expense Code'], [3, 'Internal Allocation Code'], [4, 'Material Cost Code'], [5, 'Recurring Contract Service Code'], [6, 'Milestone Code'], [7, 'Product Code']]) }),
      field('billingCodeType', { readOnly: true, picklist: picklist([[0, 'Normal'], [1, 'System'], [2, 'Non-Billable']]) }),
    ] }));
    this.queryable('Products', () => this.products);
    api('POST', '/Products', 'Products', (req) => this.createProduct(req));
    this.queryable('ConfigurationItems', () => this.configurationItems);
    api('GET', '/ConfigurationItems/{id}', 'ConfigurationItems', (req) => this.byId(this.configurationItems, req));
    api('POST', '/ConfigurationItems', 'ConfigurationItems', (req) => this.createConfigurationItem(req));
    api('PATCH', '/ConfigurationItems', 'ConfigurationItems', (req) => this.patchConfigurationItem(req));
    api('GET', '/ConfigurationItems/entityInformation/userDefinedFields', 'ConfigurationItems', () => json(200, {
      fields: this.udfDefinitions.filter((d) => d.udfType === UDF_TYPE_CONFIGURATION_ITEM && d.isActive === true).map((d) => ({
        name: d.name, label: d.name, type: 'string', length: 8000, description: '', isRequired: false, isReadOnly: false, isQueryable: true, isReference: false,
        referenceEntityType: '', isPickList: false, picklistValues: [], picklistParentValueField: '', defaultValue: '', isSupportedWebhookField: false,
      })),
    }));
    this.queryable('UserDefinedFieldDefinitions', () => this.udfDefinitions);
    api('POST', '/UserDefinedFieldDefinitions', 'UserDefinedFieldDefinitions', (req) => this.createUdf(req));
    api('GET', '/UserDefinedFieldDefinitions/entityInformation/fields', 'UserDefinedFieldDefinitions', () => json(200, { fields: [
      field('name', { required: true }),
      field('udfType', { required: true, picklist: picklist([[1, 'Company'], [2, 'Contact'], [3, 'Configuration Item'], [4, 'Opportunity'], [7, 'Ticket']]) }),
      field('dataType', { required: true, picklist: picklist([[1, 'String'], [2, 'Number'], [3, 'Date'], [4, 'Currency']]) }),
      field('displayFormat', { picklist: picklist([[1, 'Default'], [2, 'Single Line'], [3, 'Multi Line'], [4, 'Hyperlink']]) }),
    ] }));
    this.queryable('Services', () => this.services);
    this.queryable('Contracts', () => this.contracts);
    this.queryable('ContractServices', () => this.contractServices);
    this.queryable('ContractServiceUnits', () => this.contractServiceUnits);
    api('GET', '/Contracts/{id}', 'Contracts', (req) => this.byId(this.contracts, req));
    // Units change only through adjustments: the entity is read only.
    for (const method of ['POST', 'PATCH', 'PUT']) {
      api(method, '/ContractServiceUnits', 'ContractServiceUnits', () => errors(405, `The requested resource does not support http method '${method}'.`));
    }
    api('POST', '/ContractServiceAdjustments', 'ContractServiceAdjustments', (req) => this.adjust(req, null));
    api('POST', '/Contracts/{parentId}/ServiceAdjustments', 'ContractServiceAdjustments', (req) => this.adjust(req, Number(req.params.parentId)));
    this.queryable('ContractNotes', () => this.contractNotes);
    api('GET', '/Contracts/{parentId}/Notes', 'ContractNotes', (req) => json(200, { items: this.contractNotes.filter((n) => n.contractID === Number(req.params.parentId)), pageDetails: { count: 0, requestCount: MAX_RECORDS, prevPageUrl: null, nextPageUrl: null } }));
    api('POST', '/Contracts/{parentId}/Notes', 'ContractNotes', (req) => this.createContractNote(req));
    this.queryable('Tickets', () => this.tickets);
    api('GET', '/Tickets/{id}', 'Tickets', (req) => this.byId(this.tickets, req));
    api('POST', '/Tickets', 'Tickets', (req) => this.createTicket(req));
    api('GET', '/Tickets/entityInformation/fields', 'Tickets', () => json(200, { fields: [
      field('id', { required: true, readOnly: true, dataType: 'long' }), field('title', { required: true }), field('description'),
      field('companyID', { required: true, reference: 'Company', dataType: 'integer' }),
      field('queueID', { picklist: this.ticketPicklists.queueID ?? [] }), field('status', { required: true, picklist: this.ticketPicklists.status ?? [] }),
      field('priority', { required: true, picklist: this.ticketPicklists.priority ?? [] }), field('issueType', { picklist: this.ticketPicklists.issueType ?? [] }),
      field('subIssueType', { picklist: this.ticketPicklists.subIssueType ?? [], parentField: 'IssueType' }), field('ticketType', { picklist: this.ticketPicklists.ticketType ?? [] }),
      field('source', { picklist: this.ticketPicklists.source ?? [] }), field('completedDate', { readOnly: true, dataType: 'datetime' }),
    ] }));
    api('GET', '/Tickets/{parentId}/Notes', 'TicketNotes', (req) => json(200, { items: this.notes.filter((n) => n.ticketID === Number(req.params.parentId)), pageDetails: { count: 0, requestCount: MAX_RECORDS, prevPageUrl: null, nextPageUrl: null } }));
    api('POST', '/Tickets/{parentId}/Notes', 'TicketNotes', (req) => this.createNote(req));
    api('GET', '/TicketNotes/entityInformation/fields', 'TicketNotes', () => json(200, { fields: [
      field('noteType', { required: true, picklist: picklist([[1, 'Task Summary'], [2, 'Task Detail'], [3, 'Task Notes']], 3) }),
      field('publish', { required: true, picklist: picklist([[1, 'All Autotask Users'], [2, 'Internal Project Team'], [3, 'Internal Users Only']], 1) }),
    ] }));
  }

  /** Requests in the rolling hour (on the limits' clock: the data clock may be pinned), every integration's. */
  private usage(): number {
    const since = this.limitsNow() - this.hourMs;
    let drop = 0;
    while (drop < this.arrivals.length && (this.arrivals[drop] ?? 0) <= since) drop++;
    if (drop > 0) this.arrivals.splice(0, drop);
    return this.arrivals.length + this.otherUsage;
  }

  private authorized(req: SimRequest, entity: string, handler: (req: SimRequest) => SimResponse): SimResponse | Promise<SimResponse> {
    // Over the hourly threshold the API is disabled for every integration of the tenant.
    if (this.usage() >= this.threshold) return errors(429, `The request threshold of ${String(this.threshold)} requests per hour has been exceeded for this database; requests are refused until usage falls.`);
    this.arrivals.push(this.limitsNow());
    this.peakUsage = Math.max(this.peakUsage, this.usage());
    const header = (name: string) => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : undefined;
    };
    if (header('ApiIntegrationCode') !== this.options.integrationCode) return errors(500, 'IntegrationCode is invalid.');
    if (header('UserName')?.toLowerCase() !== this.options.username.toLowerCase()) return errors(500, 'Zone information could not be determined');
    if (header('Secret') !== this.options.secret) return { status: 401, body: { errors: ['Unauthorized'] } };
    const limit = this.options.threadLimit ?? 3;
    const busy = this.inFlight.get(entity) ?? 0;
    if (busy >= limit) return errors(429, `Thread Threshold Exceeded — The Autotask API thread threshold of ${String(limit)} threads has been exceeded. (Itgenatr005)`);
    this.inFlight.set(entity, busy + 1);
    // Hold the "thread" while the request is served, so that concurrent requests overlap as on a real server.
    return new Promise<SimResponse>((resolve) => {
      const serve = () => {
        try {
          resolve(handler(req));
        } finally {
          this.inFlight.set(entity, (this.inFlight.get(entity) ?? 1) - 1);
        }
      };
      if (this.serviceTimeMs > 0) setTimeout(serve, this.serviceTimeMs);
      else setImmediate(serve);
    });
  }

  private queryable(entity: string, rows: () => Entity[]): void {
    const s = this.server;
    const handle = (req: SimRequest, model: unknown, paging: { nextIds: number[] } | null) => this.query(rows(), model, paging, entity, req);
    s.on('POST', `/ATServicesRest/V1.0/${entity}/query`, (req) => this.authorized(req, entity, () => handle(req, req.body, null)));
    s.on('GET', `/ATServicesRest/V1.0/${entity}/query`, (req) => this.authorized(req, entity, () => {
      try {
        return handle(req, JSON.parse(req.query.get('search') ?? 'null'), null);
      } catch {
        return errors(500, 'The search parameter is not valid JSON.');
      }
    }));
    s.on('POST', `/ATServicesRest/V1.0/${entity}/query/count`, (req) => this.authorized(req, entity, () => {
      const result = this.filtered(rows(), req.body);
      return 'status' in result ? result : json(200, { queryCount: result.length });
    }));
    s.on('POST', `/ATServicesRest/V1.0/${entity}/query/next`, (req) => this.authorized(req, entity, () => {
      if (req.body === undefined) return errors(500, 'Value cannot be null. Parameter name: queryModel');
      let paging: { nextIds: number[] };
      try {
        paging = JSON.parse(req.query.get('paging') ?? '') as { nextIds: number[] };
        if (!Array.isArray(paging.nextIds) || typeof paging.nextIds[0] !== 'number') throw new Error('no nextIds');
      } catch {
        return errors(500, 'The paging parameter is not valid.');
      }
      return handle(req, req.body, paging);
    }));
    s.on('GET', `/ATServicesRest/V1.0/${entity}/query/next`, () => json(405, { message: "The requested resource does not support http method 'GET'." }));
  }

  private filtered(rows: Entity[], model: unknown): Entity[] | SimResponse {
    const query = (model ?? {}) as { filter?: unknown; Filter?: unknown };
    const filters = query.filter ?? query.Filter;
    if (!Array.isArray(filters) || filters.length === 0) return errors(500, "The filter is required. Use {\"op\":\"exist\",\"field\":\"id\"} to query all.");
    if (countUdfFilters(filters as Filter[]) > 1) return errors(500, 'Only one user-defined field may be queried at a time.');
    try {
      return rows.filter((row) => (filters as Filter[]).every((f) => matches(row, f)));
    } catch (e) {
      if (e instanceof QueryError) return errors(500, e.message);
      throw e;
    }
  }

  /** Pages are cursors, as on the real API: `nextIds[0]` is the first id of the next page. */
  private query(rows: Entity[], model: unknown, paging: { nextIds: number[] } | null, entity: string, req: SimRequest): SimResponse {
    const m = (model ?? {}) as { maxRecords?: unknown; MaxRecords?: unknown; includeFields?: unknown; IncludeFields?: unknown };
    const maxRecords = Number(m.maxRecords ?? m.MaxRecords ?? MAX_RECORDS);
    if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > MAX_RECORDS) return errors(500, `MaxRecords must be between 1 and ${String(MAX_RECORDS)}.`);
    const result = this.filtered(rows, model);
    if ('status' in result) return result;
    const from = paging?.nextIds[0] ?? Number.NEGATIVE_INFINITY;
    const remaining = [...result].sort((a, b) => a.id - b.id).filter((r) => r.id >= from);
    const page = remaining.slice(0, maxRecords);
    const include = (m.includeFields ?? m.IncludeFields) as string[] | undefined;
    const items = include && include.length > 0 ? page.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k === 'id' || include.some((f) => f.toLowerCase() === k.toLowerCase())))) : page;
    let nextPageUrl: string | null = null;
    if (remaining.length > maxRecords) {
      const next = new URL(`${this.url}/ATServicesRest/V1.0/${entity}/query/next`);
      next.searchParams.set('paging', JSON.stringify({ pageSize: maxRecords, previousIds: [page[0]?.id ?? -1], nextIds: [remaining[maxRecords]?.id ?? 0] }));
      next.searchParams.set('search', req.rawBody || JSON.stringify(model));
      nextPageUrl = next.href;
    }
    return json(200, { items, pageDetails: { count: items.length, requestCount: maxRecords, prevPageUrl: null, nextPageUrl } });
  }

  private byId(rows: Entity[], req: SimRequest): SimResponse {
    return json(200, { item: rows.find((r) => r.id === Number(req.params.id)) ?? null });
  }

  private created(entity: Entity, into: Entity[]): SimResponse {
    into.push(entity);
    return json(200, { itemId: entity.id });
  }

  private createProduct(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string' || body.name === '') return errors(500, 'Product: Name is required.');
    const code = this.billingCodes.find((b) => b.id === body.productBillingCodeID);
    if (!code) return errors(500, 'Product: productBillingCodeID is required and must be an active Material Cost Code.');
    for (const readOnly of ['billingType', 'priceCostMethod', 'markupRate']) {
      if (body[readOnly] !== undefined) return errors(500, `Product: ${readOnly} is read-only.`);
    }
    return this.created({ id: this.nextId++, name: body.name, description: body.description ?? null, isActive: body.isActive !== false, isSerialized: body.isSerialized === true, productBillingCodeID: code.id, userDefinedFields: [] }, this.products);
  }

  /** UDF values by name; every name must be a defined, active configuration item UDF. */
  private udfs(given: unknown, previous: Udf[] = []): Udf[] | SimResponse {
    if (given === undefined) return previous;
    if (!Array.isArray(given)) return errors(500, `An unexpected error has occurred. Please contact Autotask support. Error ID: 54634.`);
    const next = new Map(previous.map((u) => [u.name.toLowerCase(), u]));
    for (const entry of given as { name?: unknown; value?: unknown }[]) {
      const definition = this.udfDefinitions.find((d) => String(d.name).toLowerCase() === String(entry.name).toLowerCase() && d.isActive === true);
      if (!definition) return errors(500, `ConfigurationItem: The user-defined field "${String(entry.name)}" does not exist.`);
      if (entry.value !== null && typeof entry.value !== 'string') return errors(500, `ConfigurationItem: The value of user-defined field "${String(entry.name)}" must be a string.`);
      next.set(String(definition.name).toLowerCase(), { name: String(definition.name), value: entry.value });
    }
    return [...next.values()];
  }

  private createConfigurationItem(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const company = this.companies.find((c) => c.id === body.companyID);
    if (!company) return errors(500, 'ConfigurationItem: companyID is required and must reference an existing company.');
    if (company.isActive !== true) return errors(500, 'ConfigurationItem: the company is inactive.');
    if (!this.products.some((p) => p.id === body.productID)) return errors(500, 'ConfigurationItem: productID is required.');
    if (typeof body.isActive !== 'boolean') return errors(500, 'ConfigurationItem: isActive is required.');
    if (typeof body.installDate !== 'string') return errors(500, 'ConfigurationItem: installDate is required.');
    const udfs = this.udfs(body.userDefinedFields);
    if (!Array.isArray(udfs)) return udfs;
    const rest = Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'userDefinedFields'));
    return this.created({ ...rest, id: this.nextId++, lastModifiedTime: new Date(this.now()).toISOString().slice(0, 23), userDefinedFields: udfs }, this.configurationItems);
  }

  private patchConfigurationItem(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const item = this.configurationItems.find((c) => c.id === body.id);
    if (!item) return errors(500, `ConfigurationItem: no item with id ${String(body.id)}.`);
    const udfs = this.udfs(body.userDefinedFields, item.userDefinedFields);
    if (!Array.isArray(udfs)) return udfs;
    for (const [key, value] of Object.entries(body)) {
      // companyID cannot be changed on update; Autotask ignores it.
      if (key !== 'id' && key !== 'userDefinedFields' && key !== 'companyID') item[key] = value;
    }
    item.userDefinedFields = udfs;
    item.lastModifiedTime = new Date(this.now()).toISOString().slice(0, 23);
    return json(200, { itemId: item.id });
  }

  private createUdf(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = body.name;
    if (typeof name !== 'string' || name === '') return errors(500, 'UserDefinedFieldDefinition: name is required.');
    if (typeof body.udfType !== 'number' || typeof body.dataType !== 'number') return errors(500, 'UserDefinedFieldDefinition: udfType and dataType are required.');
    if (this.udfDefinitions.some((d) => d.udfType === body.udfType && String(d.name).toLowerCase() === name.toLowerCase())) {
      return errors(500, `UserDefinedFieldDefinition: a user-defined field named "${name}" already exists.`);
    }
    return this.created({ id: this.nextId++, name, udfType: body.udfType, dataType: body.dataType, displayFormat: body.displayFormat ?? 1, isActive: body.isActive !== false, isProtected: false, isRequired: false }, this.udfDefinitions);
  }

  private createTicket(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const missing = ['companyID', 'title', 'status', 'priority'].filter((k) => body[k] === undefined || body[k] === null || body[k] === '');
    if (missing.length > 0) return errors(500, ...missing.map((k) => `Ticket: ${k} is required.`));
    if (body.queueID === undefined) return errors(500, 'Ticket: Queue ID is required.');
    if (!this.companies.some((c) => c.id === body.companyID)) return errors(500, 'Ticket: companyID does not reference an existing company.');
    for (const key of ['queueID', 'status', 'priority', 'issueType', 'subIssueType', 'ticketType', 'source']) {
      const value = body[key];
      if (value === undefined || value === null) continue;
      const text = typeof value === 'number' || typeof value === 'string' ? String(value) : JSON.stringify(value);
      const option = this.ticketPicklists[key]?.find((p) => p.value === text);
      if (!option || !option.isActive) return errors(500, `Ticket: ${text} is not a valid value for ${key}.`);
      if (key === 'subIssueType' && option.parentValue !== String(body.issueType)) return errors(500, 'Ticket: subIssueType does not belong to the issueType.');
    }
    if (typeof body.title === 'string' && body.title.length > 255) return errors(500, 'Ticket: title may not exceed 255 characters.');
    const id = this.nextId++;
    const day = new Date(this.now()).toISOString().slice(0, 10).replace(/-/g, '');
    const ticket: Entity = {
      ...body, id, ticketNumber: `T${day}.${String(this.tickets.length + 1).padStart(4, '0')}`,
      createDate: new Date(this.now()).toISOString().slice(0, 23), completedDate: null, userDefinedFields: [],
    };
    return this.created(ticket, this.tickets);
  }

  /**
   * A ContractServiceAdjustment: units change by unitChange from the effective date. The units row covering it is
   * split there (or changed, if it starts that day) and every later period changes alike. Not idempotent: each
   * POST applies again. A missing contract service is created, as Autotask does. Refused in a posted period.
   */
  private adjust(req: SimRequest, parentId: number | null): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fail = (message: string) => errors(500, `ContractServiceAdjustment: ${message}`);
    if (typeof body.effectiveDate !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(body.effectiveDate)) return fail('effectiveDate is required.');
    const contractID = Number(body.contractID ?? parentId);
    if (parentId !== null && body.contractID !== undefined && Number(body.contractID) !== parentId) return fail(`contractID ${JSON.stringify(body.contractID)} is not the parent contract ${String(parentId)}.`);
    const contract = this.contracts.find((c) => c.id === contractID);
    if (!contract) return fail(`Contract ${String(contractID)} does not exist.`);
    if (contract.contractType !== 7) return fail('Only Recurring Service contracts have services.');
    if (contract.status !== 1) return fail(`Contract ${String(contractID)} is inactive.`);
    const unitChange = body.unitChange;
    if (typeof unitChange !== 'number' || !Number.isInteger(unitChange)) return fail('unitChange must be a whole number.');
    const day = body.effectiveDate.slice(0, 10);
    if (day < String(contract.startDate).slice(0, 10) || day > String(contract.endDate).slice(0, 10)) return fail(`effectiveDate ${day} is outside the contract's period.`);
    const serviceID = Number(body.serviceID);
    if (!this.services.some((x) => x.id === serviceID)) return fail(`Service ${String(body.serviceID)} does not exist.`);
    let contractService = this.contractServices.find((x) => x.contractID === contractID && x.serviceID === serviceID);
    if (!contractService) {
      contractService = { id: this.nextId++, contractID, serviceID, unitPrice: Number(this.services.find((x) => x.id === serviceID)?.unitPrice ?? 0), unitCost: 0 };
      this.contractServices.push(contractService);
      const [first] = this.contractServiceUnits.filter((u) => u.contractID === contractID).sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)));
      this.contractServiceUnits.push({ id: this.nextId++, contractID, contractServiceID: contractService.id, serviceID, units: 0, price: 0, cost: 0, approveAndPostDate: null, startDate: `${day}T00:00:00`, endDate: first?.endDate ?? contract.endDate });
    }
    const serviceId = contractService.id;
    const rows = this.contractServiceUnits.filter((u) => u.contractServiceID === serviceId);
    const covering = rows.filter((u) => String(u.startDate).slice(0, 10) <= day && String(u.endDate).slice(0, 10) >= day).sort((a, b) => String(b.startDate).localeCompare(String(a.startDate)))[0];
    if (!covering) return fail(`No billing period of the contract covers ${day}.`);
    if (covering.approveAndPostDate) return fail(`The effective date ${day} falls in a period that has been approved and posted.`);
    const at = `${day}T00:00:00`;
    for (const row of rows) if (String(row.startDate).slice(0, 10) > day) row.units = Number(row.units) + unitChange;
    if (String(covering.startDate).slice(0, 10) === day) {
      covering.units = Number(covering.units) + unitChange;
    } else {
      this.contractServiceUnits.push({ ...covering, id: this.nextId++, startDate: at, units: Number(covering.units) + unitChange });
      covering.endDate = at;
    }
    const adjustment = { id: this.nextId++, contractID, serviceID, contractServiceID: serviceId, unitChange, effectiveDate: at };
    this.adjustments.push(adjustment);
    return json(200, { itemId: adjustment.id });
  }

  private createContractNote(req: SimRequest): SimResponse {
    const contractID = Number(req.params.parentId);
    if (!this.contracts.some((c) => c.id === contractID)) return errors(500, `ContractNote: contract ${String(contractID)} does not exist.`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const missing = ['title', 'description'].filter((k) => typeof body[k] !== 'string' || body[k] === '');
    if (missing.length > 0) return errors(500, ...missing.map((k) => `ContractNote: ${k} is required.`));
    if (String(body.title).length > 250) return errors(500, 'ContractNote: title may not exceed 250 characters.');
    return this.created({ contractID, title: body.title, description: body.description, id: this.nextId++, createDateTime: new Date(this.now()).toISOString().slice(0, 23), creatorResourceID: 29682885 }, this.contractNotes);
  }

  private createNote(req: SimRequest): SimResponse {
    const ticketId = Number(req.params.parentId);
    if (!this.tickets.some((t) => t.id === ticketId)) return errors(500, `TicketNote: ticket ${String(ticketId)} does not exist.`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const missing = ['title', 'description', 'noteType', 'publish'].filter((k) => body[k] === undefined || body[k] === null || body[k] === '');
    if (missing.length > 0) return errors(500, ...missing.map((k) => `TicketNote: ${k} is required.`));
    return this.created({ ...body, id: this.nextId++, ticketID: ticketId, createDateTime: new Date(this.now()).toISOString().slice(0, 23) }, this.notes);
  }
}

/** Monthly billing periods of the anchor's year and the next, as Autotask writes dates (midnight, no zone). */
function monthsAround(anchor: number): { start: string; end: string }[] {
  const year = new Date(anchor).getUTCFullYear();
  const day = (date: Date) => `${date.toISOString().slice(0, 10)}T00:00:00`;
  return Array.from({ length: 24 }, (_, i) => ({ start: day(new Date(Date.UTC(year, i, 1))), end: day(new Date(Date.UTC(year, i + 1, 0))) }));
}

/**
 * The demo MSP's Recurring Service contracts (type 7), from the seed's billing cases: one per company (none for
 * "no-agreement", two with the Umbrella service for "ambiguous", ended before now for "ended"), each with a
 * Microsoft 365 service besides (the only one for "no-line"). Units rows as a tenant has them: one for the
 * periods before the anchor's year, then one per month (and one more per adjustment); the months before the
 * anchor's are approved and posted, and the anchor's own month too where the seed says its period is closed.
 */
function seededContracts(world: DemoWorld): { services: Entity[]; contracts: Entity[]; contractServices: Entity[]; contractServiceUnits: Entity[] } {
  const umbrella = UMBRELLA_PRODUCT.autotask;
  const other = { id: 29_684_002, name: 'Microsoft 365 Business Premium' };
  const services: Entity[] = [
    { id: umbrella.id, name: umbrella.name, unitPrice: 3.5, unitCost: 2.1, periodType: 3, isActive: true, sku: 'UMB-DNS-ESS', billingCodeID: 29682801 },
    { id: other.id, name: other.name, unitPrice: 22, unitCost: 18, periodType: 3, isActive: true, sku: 'M365-BP', billingCodeID: 29682801 },
  ];
  const contracts: Entity[] = [];
  const contractServices: Entity[] = [];
  const contractServiceUnits: Entity[] = [];
  const months = monthsAround(world.anchor);
  const anchorDay = `${new Date(world.anchor).toISOString().slice(0, 10)}T00:00:00`;
  const anchorMonth = `${anchorDay.slice(0, 7)}-01T00:00:00`;
  const lastDay = months[months.length - 1]?.end ?? '2027-12-31T00:00:00';
  let next = 29_685_000;
  for (const customer of world.customers) {
    const companyID = world.expectedMatches[customer.customerId]?.autotask;
    const billing = world.billing[customer.customerId];
    if (companyID === undefined || !billing || billing.case === 'no-agreement') continue;
    const ended = billing.case === 'ended';
    const period = { startDate: '2025-01-01T00:00:00', endDate: ended ? '2026-10-31T00:00:00' : lastDay };
    const contract = (): Entity => {
      const row: Entity = { id: next++, companyID, contractName: 'Managed Services', contractType: 7, status: ended ? 0 : 1, contractPeriodType: 1, isDefaultContract: false, ...period };
      contracts.push(row);
      return row;
    };
    const service = (on: Entity, serviceID: number, units: number, changedFrom?: number) => {
      const contractService: Entity = { id: next++, contractID: on.id, serviceID, unitPrice: serviceID === umbrella.id ? 3.5 : 22, unitCost: 0 };
      contractServices.push(contractService);
      const row = (count: number, startDate: string, endDate: string) => {
        const closed = startDate < anchorMonth || (billing.posted === true && startDate.slice(0, 7) === anchorMonth.slice(0, 7));
        contractServiceUnits.push({ id: next++, contractID: on.id, contractServiceID: contractService.id, serviceID, units: count, price: 0, cost: 0, approveAndPostDate: closed ? anchorMonth : null, startDate, endDate });
      };
      if (ended) {
        row(units, period.startDate, period.endDate);
        return;
      }
      const before = changedFrom ?? units;
      const [first] = months;
      if (first) row(before, period.startDate, first.start);
      for (const month of months) {
        if (changedFrom !== undefined && month.start === anchorMonth && anchorDay > month.start) {
          // An adjustment effective on the anchor day: a new units row starts where the earlier one ends.
          row(before, month.start, anchorDay);
          row(units, anchorDay, month.end);
        } else {
          row(month.start < anchorMonth ? before : units, month.start, month.end);
        }
      }
    };
    const first = contract();
    service(first, other.id, 10);
    const [a, b] = billing.quantities;
    if (a !== undefined) service(first, umbrella.id, a, billing.changedFrom);
    if (b !== undefined) service(contract(), umbrella.id, b);
  }
  return { services, contracts, contractServices, contractServiceUnits };
}
