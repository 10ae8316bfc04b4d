/**
 * ConnectWise PSA (Manage) REST API 3.0 on loopback: companyinfo codebase lookup, Basic auth
 * (companyId+publicKey:privateKey) plus the clientId header, conditions, page/pageSize with Link
 * headers, configuration types/questions/statuses/configurations, service boards and their
 * lists, tickets and notes, and ConnectWise's error bodies. Follows
 * shared/reference/connectwise-api.md and the vendor documents in shared/vendor-specs.
 */
import { HostedSimulator, json, SimServer, type SimRequest, type SimResponse } from './kit';
import { ConditionsError, parseConditions } from './connectwise-conditions';
import { UMBRELLA_PRODUCT, type ConnectWiseCompany, type DemoWorld } from './seed';

export interface ConnectWiseSimOptions {
  world: DemoWorld;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  codebase?: string;
  /** No configuration status marked default: the connectivity check must say how to fix it. */
  noDefaultConfigurationStatus?: boolean;
  now?: () => number;
  seed?: number;
}

type Ref = { id: number; name?: string; identifier?: string; _info?: Record<string, string> };
type Row = Record<string, unknown> & { id: number };

interface Question extends Row {
  configurationType: Ref;
  fieldType: string;
  entryType: string;
  sequenceNumber: number;
  question: string;
  numberOfDecimals: number;
  requiredFlag: boolean;
  inactiveFlag: boolean;
}

interface Configuration extends Row {
  name: string;
  type: Ref;
  company: Ref;
  status?: Ref;
  activeFlag: boolean;
  questions: Record<string, unknown>[];
  _info: Record<string, string>;
}

interface Ticket extends Row {
  summary: string;
  board: Ref;
  status: Ref;
  company: Ref;
  priority?: Ref;
  type?: Ref;
  subType?: Ref;
  item?: Ref;
  closedFlag: boolean;
  externalXRef?: string;
  recordType: string;
  _info: Record<string, string>;
}

interface Note extends Row {
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  dateCreated: string;
}

const FIELD_TYPES = ['TextArea', 'Currency', 'Date', 'Hyperlink', 'IPAddress', 'Checkbox', 'Number', 'Percent', 'Text', 'Password'];
const ENTRY_TYPES = ['Date', 'EntryField', 'List', 'Option'];

function error(status: number, code: string, message: string, errors?: { code: string; message: string; resource: string; field: string }[]): SimResponse {
  return json(status, errors ? { code, message, errors } : { code, message });
}

function invalid(resource: string, field: string, message: string, code = 'MissingRequiredField'): SimResponse {
  return error(400, 'InvalidObject', `${resource} object is invalid`, [{ code, message, resource, field }]);
}

const stamp = (now: number) => new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ConnectWiseSimulator extends HostedSimulator {
  readonly server: SimServer;
  readonly options: ConnectWiseSimOptions;
  private readonly now: () => number;
  private nextId = 1000;
  readonly companies: (ConnectWiseCompany & Row & { _info: Record<string, string> })[];
  readonly configurationTypes: Row[] = [];
  readonly questions: Question[] = [];
  readonly configurationStatuses: Row[];
  readonly configurations: Configuration[] = [];
  readonly boards: Row[];
  readonly boardStatuses: Row[];
  readonly priorities: Row[];
  readonly boardTypes: Row[];
  readonly boardSubTypes: Row[];
  readonly boardItems: Row[];
  readonly associations: { board: number; type: number; subType: number | null; item: number | null }[];
  readonly tickets: Ticket[] = [];
  readonly notes: Note[] = [];
  /** The procurement catalog, the companies' agreements and their additions (billing). */
  readonly catalog: Row[];
  readonly agreements: Row[];
  readonly additions: Row[];

  constructor(options: ConnectWiseSimOptions) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    const info = { lastUpdated: stamp(this.now()), updatedBy: 'simulator' };
    this.companies = options.world.connectwise.companies.map((c) => ({ ...c, _info: info }));
    this.configurationStatuses = [
      { id: 1, description: 'Active', closedFlag: false, defaultFlag: !options.noDefaultConfigurationStatus, _info: info },
      { id: 2, description: 'Inactive', closedFlag: true, defaultFlag: false, _info: info },
      { id: 3, description: 'Pending Install', closedFlag: false, defaultFlag: false, _info: info },
    ];
    const location = { id: 1, name: 'Head Office' };
    const department = { id: 10, identifier: 'Services', name: 'Services' };
    this.boards = [
      { id: 1, name: 'Service Desk', location, department, inactiveFlag: false, projectFlag: false },
      { id: 2, name: 'Security Operations', location, department, inactiveFlag: false, projectFlag: false },
      { id: 3, name: 'Projects', location, department, inactiveFlag: false, projectFlag: true },
      { id: 4, name: 'Old Helpdesk', location, department, inactiveFlag: true, projectFlag: false },
    ];
    let statusId = 10;
    this.boardStatuses = this.boards.flatMap((board) => [
      ['New', false], ['In Progress', false], ['Waiting on Customer', false], ['Completed', true], ['Closed', true], ['Cancelled', true],
    ].map(([name, closed], i) => ({ id: statusId++, name, board: { id: board.id, name: board.name }, sortOrder: i, displayOnBoard: true, inactive: false, closedStatus: closed, defaultFlag: i === 0 })));
    this.priorities = [
      { id: 1, name: 'Priority 1 - Emergency Response', color: 'Red', sortOrder: 1, defaultFlag: false, level: 'Critical' },
      { id: 2, name: 'Priority 2 - Quick Response', color: 'Orange', sortOrder: 2, defaultFlag: false, level: 'High' },
      { id: 4, name: 'Priority 3 - Normal Response', color: 'Blue', sortOrder: 6, defaultFlag: true, level: 'Medium' },
      { id: 5, name: 'Priority 4 - Schedule Maintenance', color: 'Green', sortOrder: 8, defaultFlag: false, level: 'Low' },
    ];
    this.boardTypes = [
      { id: 20, name: 'Security Incident', category: 'Reactive', board: { id: 1, name: 'Service Desk' }, defaultFlag: false, inactiveFlag: false },
      { id: 21, name: 'Maintenance', category: 'Proactive', board: { id: 1, name: 'Service Desk' }, defaultFlag: true, inactiveFlag: false },
      { id: 22, name: 'Malware', category: 'Reactive', board: { id: 2, name: 'Security Operations' }, defaultFlag: false, inactiveFlag: false },
      { id: 23, name: 'Retired Type', category: 'Reactive', board: { id: 2, name: 'Security Operations' }, defaultFlag: false, inactiveFlag: true },
    ];
    this.boardSubTypes = [
      { id: 30, name: 'Botnet Activity', board: { id: 1, name: 'Service Desk' }, typeAssociationIds: [20], inactiveFlag: false },
      { id: 31, name: 'Patching', board: { id: 1, name: 'Service Desk' }, typeAssociationIds: [21], inactiveFlag: false },
      { id: 32, name: 'Command and Control', board: { id: 2, name: 'Security Operations' }, typeAssociationIds: [22], inactiveFlag: false },
    ];
    this.boardItems = [
      { id: 40, name: 'Workstation', board: { id: 1, name: 'Service Desk' }, inactiveFlag: false },
      { id: 41, name: 'Network', board: { id: 1, name: 'Service Desk' }, inactiveFlag: false },
      { id: 42, name: 'Endpoint', board: { id: 2, name: 'Security Operations' }, inactiveFlag: false },
    ];
    this.associations = [
      { board: 1, type: 20, subType: 30, item: 40 }, { board: 1, type: 20, subType: 30, item: 41 },
      { board: 1, type: 21, subType: 31, item: null }, { board: 2, type: 22, subType: 32, item: 42 },
    ];
    ({ catalog: this.catalog, agreements: this.agreements, additions: this.additions } = seededAgreements(options.world, info));
    this.server = new SimServer('connectwise', { seed: options.seed ?? 21 });
    this.register();
  }

  get codebase(): string {
    return this.options.codebase ?? 'v2025_1/';
  }

  // ---- test hooks: act as a PSA user ----

  /** Test hook: pages no larger than this, whatever pageSize asked (a server may send fewer). */
  maxPageSize = 1000;
  /** Test hook: the origin written into Link headers instead of this server's (a hostile or broken proxy). */
  nextPageOrigin: string | null = null;

  moveTicket(id: number, boardId: number): void {
    const ticket = this.tickets.find((t) => t.id === id);
    const board = this.boards.find((b) => b.id === boardId);
    if (!ticket || !board) throw new Error('no such ticket or board');
    const status = this.boardStatuses.find((s) => (s.board as Ref).id === boardId && s.defaultFlag === true);
    ticket.board = { id: board.id, name: String(board.name) };
    if (status) ticket.status = { id: status.id, name: String(status.name) };
  }

  closeTicket(id: number): void {
    const ticket = this.tickets.find((t) => t.id === id);
    if (!ticket) throw new Error('no such ticket');
    const closed = this.boardStatuses.find((s) => (s.board as Ref).id === ticket.board.id && s.closedStatus === true);
    if (closed) ticket.status = { id: closed.id, name: String(closed.name) };
    ticket.closedFlag = true;
  }

  deleteTicket(id: number): void {
    const index = this.tickets.findIndex((t) => t.id === id);
    if (index >= 0) this.tickets.splice(index, 1);
  }

  deleteConfiguration(id: number): void {
    const index = this.configurations.findIndex((c) => c.id === id);
    if (index >= 0) this.configurations.splice(index, 1);
  }

  // ---- routing ----

  private register(): void {
    const s = this.server;
    s.on('GET', '/login/companyinfo/{companyId}', (req) => {
      if (req.params.companyId?.toLowerCase() !== this.options.companyId.toLowerCase()) return json(200, null);
      return json(200, { CompanyName: 'Umbrella Demo MSP', Codebase: this.codebase, VersionCode: 'v2025.1', VersionNumber: 'v4.6.2025.1', CompanyID: this.options.companyId, IsCloud: true });
    });
    const api = (method: string, path: string, handler: (req: SimRequest) => SimResponse) => {
      s.on(method, `/{codebase}/apis/3.0${path}`, (req) => this.authorized(req, handler));
    };
    api('GET', '/company/companies', (req) => this.list(req, this.companies));
    api('GET', '/company/companies/{id}', (req) => this.one(this.companies, req.params.id, 'Company'));
    api('GET', '/company/configurations/statuses', (req) => this.list(req, this.configurationStatuses));
    api('GET', '/company/configurations/types', (req) => this.list(req, this.configurationTypes));
    api('POST', '/company/configurations/types', (req) => this.createType(req));
    api('GET', '/company/configurations/types/{id}', (req) => this.one(this.configurationTypes, req.params.id, 'Configuration Type'));
    api('GET', '/company/configurations/types/{parentId}/questions', (req) => this.list(req, this.questions.filter((q) => q.configurationType.id === Number(req.params.parentId))));
    api('POST', '/company/configurations/types/{parentId}/questions', (req) => this.createQuestion(req));
    api('PATCH', '/company/configurations/types/{parentId}/questions/{id}', (req) => this.patch(req, this.questions.filter((q) => q.configurationType.id === Number(req.params.parentId)), 'Configuration Type Question', ['question', 'sequenceNumber', 'inactiveFlag', 'requiredFlag', 'fieldType']));
    api('GET', '/company/configurations', (req) => this.list(req, this.configurations));
    api('POST', '/company/configurations', (req) => this.createConfiguration(req));
    api('GET', '/company/configurations/{id}', (req) => this.one(this.configurations, req.params.id, 'Configuration'));
    api('PATCH', '/company/configurations/{id}', (req) => this.patchConfiguration(req));
    api('GET', '/procurement/catalog', (req) => this.list(req, this.catalog));
    api('GET', '/procurement/catalog/{id}', (req) => this.one(this.catalog, req.params.id, 'Catalog Item'));
    api('GET', '/finance/agreements', (req) => this.list(req, this.agreements));
    api('GET', '/finance/agreements/types', (req) => this.list(req, AGREEMENT_TYPES));
    api('GET', '/finance/agreements/{id}', (req) => this.one(this.agreements, req.params.id, 'Agreement'));
    api('GET', '/finance/agreements/{parentId}/additions', (req) => this.list(req, this.additions.filter((a) => a.agreementId === Number(req.params.parentId))));
    api('POST', '/finance/agreements/{parentId}/additions', (req) => this.createAddition(req));
    api('GET', '/finance/agreements/{parentId}/additions/{id}', (req) => this.one(this.additionsOf(req), req.params.id, 'Addition'));
    api('PATCH', '/finance/agreements/{parentId}/additions/{id}', (req) => this.changeAddition(req, () => this.patch(req, this.additionsOf(req), 'Addition', ADDITION_WRITABLE)));
    api('PUT', '/finance/agreements/{parentId}/additions/{id}', (req) => this.changeAddition(req, () => this.replaceAddition(req)));
    api('DELETE', '/finance/agreements/{parentId}/additions/{id}', (req) => this.changeAddition(req, () => {
      const index = this.additions.findIndex((a) => a.id === Number(req.params.id) && a.agreementId === Number(req.params.parentId));
      if (index < 0) return error(404, 'NotFound', `Addition ${req.params.id ?? ''} not found`);
      this.additions.splice(index, 1);
      return { status: 204 };
    }));
    api('GET', '/service/boards', (req) => this.list(req, this.boards));
    api('GET', '/service/boards/{parentId}/statuses', (req) => this.list(req, this.boardStatuses.filter((x) => (x.board as Ref).id === Number(req.params.parentId))));
    api('GET', '/service/boards/{parentId}/types', (req) => this.list(req, this.boardTypes.filter((x) => (x.board as Ref).id === Number(req.params.parentId))));
    api('GET', '/service/boards/{parentId}/subtypes', (req) => this.list(req, this.boardSubTypes.filter((x) => (x.board as Ref).id === Number(req.params.parentId))));
    api('GET', '/service/boards/{parentId}/items', (req) => this.list(req, this.boardItems.filter((x) => (x.board as Ref).id === Number(req.params.parentId))));
    api('GET', '/service/boards/{parentId}/typeSubTypeItemAssociations', (req) => this.list(req, this.associationRows(Number(req.params.parentId))));
    api('GET', '/service/priorities', (req) => this.list(req, this.priorities));
    api('GET', '/service/tickets', (req) => this.list(req, this.tickets));
    api('POST', '/service/tickets', (req) => this.createTicket(req));
    api('GET', '/service/tickets/{id}', (req) => this.one(this.tickets, req.params.id, 'Ticket'));
    api('GET', '/service/tickets/{parentId}/notes', (req) => this.list(req, this.notes.filter((n) => n.ticketId === Number(req.params.parentId))));
    api('POST', '/service/tickets/{parentId}/notes', (req) => this.createNote(req));
  }

  private authorized(req: SimRequest, handler: (req: SimRequest) => SimResponse): SimResponse {
    if (`${req.params.codebase ?? ''}/` !== this.codebase) return error(404, 'NotFound', `Codebase ${req.params.codebase ?? ''} not found`);
    const { companyId, publicKey, privateKey, clientId } = this.options;
    const expected = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;
    if (req.headers.clientid !== clientId) return error(401, 'Unauthorized', 'A valid clientId header is required. See https://developer.connectwise.com/ClientID');
    if (req.headers.authorization !== expected) return error(401, 'Unauthorized', 'Invalid credentials: ConnectWiseApi UserNotAuthenticated');
    return handler(req);
  }

  private list(req: SimRequest, rows: readonly Row[]): SimResponse {
    let filtered = rows;
    const conditions = req.query.get('conditions');
    if (conditions) {
      try {
        const predicate = parseConditions(conditions);
        filtered = rows.filter(predicate);
      } catch (e) {
        if (e instanceof ConditionsError) return error(400, 'InvalidObject', e.message);
        throw e;
      }
    }
    const page = Number(req.query.get('page') ?? '1');
    let pageSize = Number(req.query.get('pageSize') ?? '25');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return error(400, 'InvalidObject', 'page must be 1 or more and pageSize between 1 and 1000');
    }
    const sorted = [...filtered].sort((a, b) => a.id - b.id);
    pageSize = Math.min(pageSize, this.maxPageSize);
    const last = Math.max(1, Math.ceil(sorted.length / pageSize));
    const link = (p: number, rel: string) => {
      const url = new URL(`${this.nextPageOrigin ?? this.url}${req.path}`);
      for (const [k, v] of req.query) url.searchParams.set(k, v);
      url.searchParams.set('page', String(p));
      return `<${url.href}>; rel="${rel}"`;
    };
    const links = [link(1, 'first')];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'));
    links.push(link(last, 'last'));
    const headers: Record<string, string> = sorted.length > pageSize ? { Link: links.join(', ') } : {};
    return json(200, sorted.slice((page - 1) * pageSize, page * pageSize), headers);
  }

  private one(rows: readonly Row[], id: string | undefined, name: string): SimResponse {
    const row = rows.find((r) => r.id === Number(id));
    return row ? json(200, row) : error(404, 'NotFound', `${name} ${id ?? ''} not found`);
  }

  private info(): Record<string, string> {
    return { lastUpdated: stamp(this.now()), updatedBy: 'api' };
  }

  private createType(req: SimRequest): SimResponse {
    const body = req.body as { name?: unknown; inactiveFlag?: unknown } | undefined;
    if (typeof body?.name !== 'string' || body.name.trim() === '') return invalid('configurationType', 'name', 'name is required.');
    if (body.name.length > 50) return invalid('configurationType', 'name', 'name may not exceed 50 characters.', 'InvalidField');
    const type = { id: this.nextId++, name: body.name, inactiveFlag: body.inactiveFlag === true, systemFlag: false, _info: this.info() };
    this.configurationTypes.push(type);
    return json(201, type);
  }

  private createQuestion(req: SimRequest): SimResponse {
    const type = this.configurationTypes.find((t) => t.id === Number(req.params.parentId));
    if (!type) return error(404, 'NotFound', `Configuration Type ${req.params.parentId ?? ''} not found`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const field of ['fieldType', 'entryType', 'sequenceNumber', 'question']) {
      if (body[field] === undefined || body[field] === null) return invalid('configurationTypeQuestion', field, `${field} is required.`);
    }
    if (!FIELD_TYPES.includes(String(body.fieldType))) return invalid('configurationTypeQuestion', 'fieldType', 'fieldType is invalid.', 'InvalidField');
    if (!ENTRY_TYPES.includes(String(body.entryType))) return invalid('configurationTypeQuestion', 'entryType', 'entryType is invalid.', 'InvalidField');
    if (String(body.question).length > 1000) return invalid('configurationTypeQuestion', 'question', 'question may not exceed 1000 characters.', 'InvalidField');
    const question: Question = {
      id: this.nextId++,
      configurationType: { id: type.id, name: String(type.name) },
      fieldType: String(body.fieldType),
      entryType: String(body.entryType),
      sequenceNumber: Number(body.sequenceNumber),
      question: String(body.question),
      numberOfDecimals: typeof body.numberOfDecimals === 'number' ? body.numberOfDecimals : 0,
      requiredFlag: body.requiredFlag === true,
      inactiveFlag: body.inactiveFlag === true,
      _info: this.info(),
    };
    this.questions.push(question);
    return json(201, question);
  }

  private patch(req: SimRequest, rows: Row[], name: string, writable: string[]): SimResponse {
    const row = rows.find((r) => r.id === Number(req.params.id));
    if (!row) return error(404, 'NotFound', `${name} ${req.params.id ?? ''} not found`);
    const ops = req.body;
    if (!Array.isArray(ops)) return error(400, 'InvalidObject', 'The body must be an array of patch operations');
    for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
      if (!['add', 'replace', 'remove'].includes(op.op ?? '') || typeof op.path !== 'string') return error(400, 'InvalidObject', 'Each patch operation needs op (add, replace, remove) and path');
      const path = op.path.replace(/^\//, '');
      if (!writable.includes(path)) return error(400, 'InvalidObject', `Cannot patch ${op.path}`);
      row[path] = op.op === 'remove' ? null : op.value;
    }
    row._info = this.info();
    return json(200, row);
  }

  private additionsOf(req: SimRequest): Row[] {
    return this.additions.filter((a) => a.agreementId === Number(req.params.parentId));
  }

  /** A write to an agreement's additions: the agreement must exist and not be cancelled; dates are sent without milliseconds. */
  private changeAddition(req: SimRequest, body: () => SimResponse): SimResponse {
    const agreement = this.agreements.find((a) => a.id === Number(req.params.parentId));
    if (!agreement) return error(404, 'NotFound', `Agreement ${req.params.parentId ?? ''} not found`);
    if (agreement.cancelledFlag === true) return error(400, 'InvalidObject', `Agreement ${String(agreement.id)} is cancelled: its additions cannot be changed`);
    const dates = Array.isArray(req.body) ? (req.body as { path?: string; value?: unknown }[]).filter((op) => /Date$/.test(op.path ?? '')).map((op) => op.value)
      : [(req.body as Row | undefined)?.effectiveDate, (req.body as Row | undefined)?.cancelledDate];
    for (const date of dates) {
      if (date !== undefined && date !== null && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date))) {
        return invalid('addition', 'effectiveDate', `${JSON.stringify(date)} is not a date ConnectWise accepts (yyyy-MM-ddTHH:mm:ssZ, no milliseconds).`, 'InvalidField');
      }
    }
    return body();
  }

  /** The fields of a new or replaced addition; omitted ones take their defaults (a PUT resets them), prices from the catalog. */
  private additionFrom(req: SimRequest, id: number): Row | SimResponse {
    const body = (req.body ?? {}) as Row;
    const agreementId = Number(req.params.parentId);
    const product = this.catalog.find((c) => c.id === (body.product as { id?: unknown } | undefined)?.id);
    if (!product) return invalid('addition', 'product', 'product is required and must be a catalog item.');
    if (product.productClass === 'Bundle') return invalid('addition', 'product', 'Bundle products cannot be agreement additions.', 'InvalidField');
    if (!['Billable', 'DoNotBill', 'NoCharge'].includes(String(body.billCustomer))) return invalid('addition', 'billCustomer', 'billCustomer is required (Billable, DoNotBill or NoCharge).');
    const agreement = this.agreements.find((a) => a.id === agreementId);
    // ConnectWise leaves out of its answers the fields that have no value.
    return omitEmpty({
      id, product: { id: product.id, identifier: product.identifier }, quantity: typeof body.quantity === 'number' ? body.quantity : 1, lessIncluded: body.lessIncluded ?? 0,
      billCustomer: body.billCustomer, unitPrice: body.unitPrice ?? product.price, unitCost: body.unitCost ?? product.cost ?? 0, taxableFlag: body.taxableFlag ?? false,
      effectiveDate: body.effectiveDate ?? null, cancelledDate: body.cancelledDate ?? null, description: body.description ?? product.description,
      invoiceDescription: body.invoiceDescription ?? null, agreementId, agreementStatus: agreement?.cancelledFlag === true ? 'Cancelled' : 'Active', _info: this.info(),
    });
  }

  private createAddition(req: SimRequest): SimResponse {
    return this.changeAddition(req, () => {
      const row = this.additionFrom(req, this.nextId++);
      if ('status' in row) return row as SimResponse;
      this.additions.push(row);
      return json(201, row);
    });
  }

  private replaceAddition(req: SimRequest): SimResponse {
    const index = this.additions.findIndex((a) => a.id === Number(req.params.id) && a.agreementId === Number(req.params.parentId));
    if (index < 0) return error(404, 'NotFound', `Addition ${req.params.id ?? ''} not found`);
    const row = this.additionFrom(req, Number(req.params.id));
    if ('status' in row) return row as SimResponse;
    this.additions[index] = row;
    return json(200, row);
  }

  private resolveCompany(ref: unknown): ConnectWiseCompany | undefined {
    const r = ref as { id?: unknown; identifier?: unknown } | undefined;
    return this.companies.find((c) => (typeof r?.id === 'number' && c.id === r.id) || (typeof r?.identifier === 'string' && c.identifier.toLowerCase() === r.identifier.toLowerCase()));
  }

  /** The full questions array for a configuration of `typeId`, with answers applied. */
  private answered(typeId: number, answers: unknown, previous: Record<string, unknown>[] = []): Record<string, unknown>[] | SimResponse {
    const given = new Map<number, unknown>();
    if (answers !== undefined) {
      if (!Array.isArray(answers)) return invalid('configuration', 'questions', 'questions must be an array.', 'InvalidField');
      for (const a of answers as { questionId?: unknown; answer?: unknown }[]) {
        if (typeof a.questionId !== 'number' || !this.questions.some((q) => q.id === a.questionId && q.configurationType.id === typeId)) {
          return invalid('configuration', 'questions', `Question ${String(a.questionId)} does not belong to this configuration type.`, 'InvalidField');
        }
        given.set(a.questionId, a.answer);
      }
    }
    return this.questions.filter((q) => q.configurationType.id === typeId && !q.inactiveFlag).sort((a, b) => a.sequenceNumber - b.sequenceNumber).map((q) => {
      const before = previous.find((p) => p.questionId === q.id);
      return {
        answerId: typeof before?.answerId === 'number' ? before.answerId : this.nextId++,
        questionId: q.id,
        question: q.question,
        answer: given.has(q.id) ? given.get(q.id) : (before?.answer ?? null),
        sequenceNumber: q.sequenceNumber,
        numberOfDecimals: q.numberOfDecimals,
        fieldType: q.fieldType,
        requiredFlag: q.requiredFlag,
      };
    });
  }

  private createConfiguration(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string' || body.name === '') return invalid('configuration', 'name', 'name is required.');
    if (body.name.length > 100) return invalid('configuration', 'name', 'name may not exceed 100 characters.', 'InvalidField');
    const typeRef = body.type as { id?: unknown } | undefined;
    const type = this.configurationTypes.find((t) => t.id === typeRef?.id);
    if (!type) return invalid('configuration', 'type', 'type is required.');
    const company = this.resolveCompany(body.company);
    if (!company || company.deletedFlag) return invalid('configuration', 'company', 'company is required.');
    const statusRef = body.status as { id?: unknown } | undefined;
    const status = statusRef ? this.configurationStatuses.find((s) => s.id === statusRef.id) : this.configurationStatuses.find((s) => s.defaultFlag === true);
    if (statusRef && !status) return invalid('configuration', 'status', 'status is invalid.', 'InvalidField');
    const questions = this.answered(type.id, body.questions);
    if (!Array.isArray(questions)) return questions;
    const configuration: Configuration = {
      id: this.nextId++,
      name: body.name,
      type: { id: type.id, name: String(type.name) },
      company: { id: company.id, identifier: company.identifier, name: company.name },
      activeFlag: true,
      questions,
      _info: this.info(),
      ...(status ? { status: { id: status.id, name: String(status.description) } } : {}),
    };
    this.configurations.push(configuration);
    return json(201, configuration);
  }

  private patchConfiguration(req: SimRequest): SimResponse {
    const configuration = this.configurations.find((c) => c.id === Number(req.params.id));
    if (!configuration) return error(404, 'NotFound', `Configuration ${req.params.id ?? ''} not found`);
    if (!Array.isArray(req.body)) return error(400, 'InvalidObject', 'The body must be an array of patch operations');
    for (const op of req.body as { op?: string; path?: string; value?: unknown }[]) {
      if (!['add', 'replace', 'remove'].includes(op.op ?? '') || typeof op.path !== 'string') return error(400, 'InvalidObject', 'Each patch operation needs op (add, replace, remove) and path');
      const path = op.path.replace(/^\//, '');
      if (path === 'questions') {
        const questions = this.answered(configuration.type.id, op.value, configuration.questions);
        if (!Array.isArray(questions)) return questions;
        configuration.questions = questions;
      } else if (path === 'name' && typeof op.value === 'string') {
        configuration.name = op.value;
      } else if (path === 'status') {
        const status = this.configurationStatuses.find((s) => s.id === (op.value as { id?: unknown } | undefined)?.id);
        if (!status) return invalid('configuration', 'status', 'status is invalid.', 'InvalidField');
        configuration.status = { id: status.id, name: String(status.description) };
      } else {
        // ConnectWise answers a patch into a reference's sub-field with a 200 that changes nothing.
        continue;
      }
    }
    configuration._info = this.info();
    return json(200, configuration);
  }

  private associationRows(boardId: number): Row[] {
    return this.associations.filter((a) => a.board === boardId).map((a, i) => {
      const name = (rows: Row[], id: number | null) => (id === null ? undefined : { id, name: (rows.find((r) => r.id === id)?.name as string | undefined) ?? '' });
      return { id: boardId * 100 + i, board: { id: boardId }, type: name(this.boardTypes, a.type), subType: name(this.boardSubTypes, a.subType), item: name(this.boardItems, a.item) };
    });
  }

  private createTicket(req: SimRequest): SimResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.summary !== 'string' || body.summary.trim() === '') return invalid('ticket', 'summary', 'summary is required.');
    if (body.summary.length > 100) return invalid('ticket', 'summary', 'summary may not exceed 100 characters.', 'InvalidField');
    const company = this.resolveCompany(body.company);
    if (!company) return invalid('ticket', 'company', 'company is required.');
    const idOf = (key: string) => (body[key] as { id?: unknown } | undefined)?.id;
    const board = this.boards.find((b) => b.id === idOf('board')) ?? this.boards[0];
    if (!board || board.inactiveFlag === true) return invalid('ticket', 'board', 'board is invalid.', 'InvalidField');
    const status = idOf('status') === undefined
      ? this.boardStatuses.find((s) => (s.board as Ref).id === board.id && s.defaultFlag === true)
      : this.boardStatuses.find((s) => s.id === idOf('status') && (s.board as Ref).id === board.id);
    if (!status) return invalid('ticket', 'status', 'status is not valid for this board.', 'InvalidField');
    const priority = idOf('priority') === undefined ? this.priorities.find((p) => p.defaultFlag === true) : this.priorities.find((p) => p.id === idOf('priority'));
    if (!priority) return invalid('ticket', 'priority', 'priority is invalid.', 'InvalidField');
    const type = idOf('type');
    const subType = idOf('subType');
    const item = idOf('item');
    if (type !== undefined && !this.associations.some((a) => a.board === board.id && a.type === type && (subType === undefined || a.subType === subType) && (item === undefined || a.item === item))) {
      return invalid('ticket', 'type', 'The type / subtype / item combination is not valid for this board.', 'InvalidField');
    }
    const ref = (key: string, rows: Row[], id: unknown): Record<string, Ref> => {
      const row = rows.find((r) => r.id === id);
      return row ? { [key]: { id: row.id, name: String(row.name) } } : {};
    };
    const ticket: Ticket = {
      id: this.nextId++,
      summary: body.summary,
      recordType: 'ServiceTicket',
      board: { id: board.id, name: String(board.name) },
      status: { id: status.id, name: String(status.name) },
      company: { id: company.id, identifier: company.identifier, name: company.name },
      priority: { id: priority.id, name: String(priority.name) },
      closedFlag: false,
      _info: this.info(),
      ...(typeof body.externalXRef === 'string' ? { externalXRef: body.externalXRef } : {}),
      ...ref('type', this.boardTypes, type),
      ...ref('subType', this.boardSubTypes, subType),
      ...ref('item', this.boardItems, item),
    };
    this.tickets.push(ticket);
    if (typeof body.initialDescription === 'string') {
      this.notes.push({ id: this.nextId++, ticketId: ticket.id, text: body.initialDescription, detailDescriptionFlag: true, internalAnalysisFlag: false, resolutionFlag: false, dateCreated: stamp(this.now()) });
    }
    // initialDescription is write-only: it is not in the answer.
    return json(201, ticket);
  }

  private createNote(req: SimRequest): SimResponse {
    const ticket = this.tickets.find((t) => t.id === Number(req.params.parentId));
    if (!ticket) return error(404, 'NotFound', `Ticket ${req.params.parentId ?? ''} not found`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.text !== 'string' || body.text.trim() === '') return invalid('serviceNote', 'text', 'text is required.');
    const flags = ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag'].map((f) => body[f] === true);
    if (!flags.some(Boolean)) {
      return error(400, 'InvalidObject', 'serviceNote object is invalid', [{ code: 'InvalidField', message: 'Please choose where to display the notes in order to save this record.', resource: 'serviceNote', field: 'detailDescriptionFlag' }]);
    }
    const note: Note = {
      id: this.nextId++, ticketId: ticket.id, text: body.text, detailDescriptionFlag: flags[0] ?? false, internalAnalysisFlag: flags[1] ?? false,
      resolutionFlag: flags[2] ?? false, dateCreated: stamp(this.now()), createdBy: 'api', internalFlag: flags[1] ?? false, externalFlag: false,
    };
    this.notes.push(note);
    return json(201, note);
  }
}

/**
 * The demo MSP's agreements, from the seed's billing cases: one "Managed Services" agreement per company
 * (none for "no-agreement", cancelled for "ended") with the Umbrella catalog item's addition(s), and a
 * Microsoft 365 line besides (the only line for "no-line").
 */
const AGREEMENT_TYPES: Row[] = [
  { id: 1, name: 'Managed Services', prorateFlag: true, invoiceProratedAdditionsFlag: false, billingCycle: { id: 1, name: 'Monthly' }, inactiveFlag: false },
  { id: 2, name: 'Block Time', prorateFlag: false, invoiceProratedAdditionsFlag: false, billingCycle: { id: 1, name: 'Monthly' }, inactiveFlag: false },
];

/** Agreement fields a PATCH may change on an addition, as ConnectWise allows (the app sends only quantity, dates and description). */
const ADDITION_WRITABLE = ['quantity', 'lessIncluded', 'cancelledDate', 'effectiveDate', 'description', 'invoiceDescription', 'billCustomer', 'unitPrice', 'unitCost', 'taxableFlag'];

function omitEmpty(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null && value !== undefined)) as Row;
}

/** The first of the month `months` after the one of `at`, as ConnectWise writes dates. */
function firstOfMonth(at: number, months: number): string {
  const date = new Date(at);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function seededAgreements(world: DemoWorld, info: Record<string, string>): { catalog: Row[]; agreements: Row[]; additions: Row[] } {
  const umbrella = UMBRELLA_PRODUCT.connectwise;
  const other = { id: 502, identifier: 'M365-BP' };
  const item = (id: number, identifier: string, description: string, inactiveFlag: boolean, price: number): Row => ({
    id, identifier, description, customerDescription: description, inactiveFlag, recurringFlag: true, productClass: 'NonInventory', price, cost: Math.round(price * 60) / 100,
    subcategory: { id: 3, name: 'Security Services' }, type: { id: 2, name: 'Subscription' }, _info: info,
  });
  const catalog: Row[] = [
    item(umbrella.id, umbrella.identifier, 'Cisco Umbrella DNS Essentials (per seat)', false, 3.5),
    item(other.id, other.identifier, 'Microsoft 365 Business Premium', false, 22),
    item(503, 'UMB-OLD', 'Cisco Umbrella (retired SKU)', true, 3),
  ];
  const agreements: Row[] = [];
  const additions: Row[] = [];
  let nextAgreement = 700;
  let nextAddition = 9_000;
  for (const customer of world.customers) {
    const identifier = world.expectedMatches[customer.customerId]?.connectwise;
    const company = world.connectwise.companies.find((c) => c.identifier === identifier);
    const billing = world.billing[customer.customerId];
    if (!company || !billing || billing.case === 'no-agreement') continue;
    const ended = billing.case === 'ended';
    const agreement: Row = {
      id: nextAgreement++, name: 'Managed Services', type: { id: 1, name: 'Managed Services' }, company: { id: company.id, identifier: company.identifier, name: company.name },
      contact: { id: 60 + (company.id % 40), name: 'Billing Contact' }, startDate: '2025-01-01T00:00:00Z', noEndingDateFlag: true, cancelledFlag: ended,
      ...(ended ? { dateCancelled: '2026-10-31T00:00:00Z' } : {}),
      billingCycle: { id: 1, name: 'Monthly' }, prorateFlag: billing.noProrate !== true, invoiceProratedAdditionsFlag: false,
      // Invoiced monthly in advance: the next invoice is next month's, or (a closed period) the month after.
      nextInvoiceDate: firstOfMonth(world.anchor, billing.posted === true ? 2 : 1), agreementStatus: ended ? 'Cancelled' : 'Active', _info: info,
    };
    agreements.push(agreement);
    const changedOn = `${new Date(world.anchor).toISOString().slice(0, 10)}T00:00:00Z`;
    const line = (product: { id: number; identifier: string }, quantity: number, dates: { effectiveDate: string; cancelledDate?: string } = { effectiveDate: '2025-01-01T00:00:00Z', ...(ended ? { cancelledDate: '2026-10-31T00:00:00Z' } : {}) }): Row => ({
      id: nextAddition++, product: { id: product.id, identifier: product.identifier }, quantity, lessIncluded: 0, billCustomer: 'Billable',
      unitPrice: product.id === umbrella.id && billing.ownPrice === true ? 3 : Number(catalog.find((c) => c.id === product.id)?.price ?? 0), unitCost: 2.1, taxableFlag: false,
      ...dates, agreementId: agreement.id, agreementStatus: ended ? 'Cancelled' : 'Active', description: product.identifier, _info: info,
    });
    additions.push(line(other, 10));
    // A change of seats on the anchor day: the old line cancelled that day, the new one effective that day.
    if (billing.changedFrom !== undefined) additions.push(line(umbrella, billing.changedFrom, { effectiveDate: '2025-01-01T00:00:00Z', cancelledDate: changedOn }));
    for (const quantity of billing.quantities) additions.push(line(umbrella, quantity, billing.changedFrom !== undefined ? { effectiveDate: changedOn } : undefined));
  }
  return { catalog, agreements, additions };
}
