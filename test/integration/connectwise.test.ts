import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectWiseClient, ConnectWiseError } from '../../main/adapters/psa/connectwise/client';
import { HttpError } from '../../main/adapters/http/client';
import { ConnectWiseSimulator } from '../../simulators/connectwise';
import { buildWorld } from '../../simulators/seed';
import { checkContractsAndStop } from '../helpers/contract';
import { closedPort } from '../helpers/fixtures';

const CREDS = { companyId: 'umbrellademo', publicKey: 'pubKey123', privateKey: 'privKey-9d8c7b', clientId: '6b1c3a2e-0000-4000-8000-00000000abcd' };
let sim: ConnectWiseSimulator;

async function startSim(extra: Partial<ConstructorParameters<typeof ConnectWiseSimulator>[0]> = {}) {
  sim = new ConnectWiseSimulator({ world: buildWorld({ anchor: Date.UTC(2026, 10, 25) }), ...CREDS, ...extra });
  await sim.start();
}

function client(extra: Partial<ConstructorParameters<typeof ConnectWiseClient>[0]> = {}) {
  return new ConnectWiseClient({ site: sim.url, fetch: (u, i) => fetch(u, i), ...CREDS, retries: 2, ...extra });
}

// Every request the client sent and every answer the simulator gave follows the vendor's documents.
checkContractsAndStop(() => sim);

describe('ConnectWise client against the simulator', () => {
  beforeEach(async () => {
    await startSim();
  });

  it('reads the codebase once when the first calls arrive together', async () => {
    const c = client();
    await Promise.all([c.listCompanies(), c.listBoards(), c.listPriorities()]);
    expect(sim.exchanges.filter((e) => e.path.startsWith('/login/companyinfo/'))).toHaveLength(1);
  });

  it('looks up the codebase and authenticates with companyId+public:private, clientId and a pinned version', async () => {
    expect(await client().testConnection()).toEqual({ codebase: 'v2025_1/' });
    const call = sim.exchanges.find((e) => e.path.endsWith('/company/companies'))!;
    expect(call.path).toBe('/v2025_1/apis/3.0/company/companies');
    expect(call.headers.clientid).toBe(CREDS.clientId);
    expect(call.headers.accept).toBe('application/vnd.connectwise.com+json; version=2025.1');
    expect(Buffer.from(String(call.headers.authorization).replace('Basic ', ''), 'base64').toString()).toBe('umbrellademo+pubKey123:privKey-9d8c7b');
  });

  it('says which input is wrong: company ID, keys, clientId or site', async () => {
    await expect(client({ companyId: 'nosuchco' }).testConnection()).rejects.toThrow(/does not know the company ID that was entered on this site/);
    const badKey = await client({ privateKey: 'wrong-private-key' }).testConnection().catch((e: unknown) => e);
    expect(badKey).toBeInstanceOf(ConnectWiseError);
    expect((badKey as Error).message).toMatch(/rejected the credentials \(401\)/);
    expect((badKey as Error).message).not.toMatch(/wrong-private-key|pubKey123/);
    await expect(client({ clientId: 'not-registered' }).testConnection()).rejects.toThrow(/401/);
    const port = String(await closedPort());
    await expect(client({ site: `http://127.0.0.1:${port}` }).testConnection()).rejects.toThrow(new RegExp(`could not be reached \\(tried http://127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED\\).*\\)\\. Check the site name`));
  });

  it('a site typed without a scheme says it was tried over https, and why it failed (refused, DNS)', async () => {
    const port = String(await closedPort());
    await expect(client({ site: `127.0.0.1:${port}` }).testConnection()).rejects.toThrow(`The ConnectWise site 127.0.0.1:${port} could not be reached (tried https://127.0.0.1:${port}: 127.0.0.1:${port} refused the connection`);
    await expect(client({ site: 'no-such-site.invalid' }).testConnection()).rejects.toThrow(/tried https:\/\/no-such-site\.invalid: the name no-such-site\.invalid could not be resolved \(DNS: (ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('finds a company by its identifier, quoting it properly', async () => {
    const company = await client().findCompany('AcmeCorp');
    expect(company).toMatchObject({ identifier: 'AcmeCorp', name: 'Acme Corp' });
    expect(await client().findCompany('No"Such\\Company')).toBeNull();
    expect(sim.exchanges.every((e) => e.status < 400 || e.path.includes('companyinfo'))).toBe(true);
  });

  it('creates a configuration type, questions and a configuration, then replaces the answers', async () => {
    const c = client();
    const type = await c.createConfigurationType('OpenDNS_Umbrella');
    const q1 = await c.createQuestion(type.id, { question: 'Organization ID', fieldType: 'Text', entryType: 'EntryField', sequenceNumber: 1 });
    const q2 = await c.createQuestion(type.id, { question: 'Seats', fieldType: 'Number', entryType: 'EntryField', sequenceNumber: 2 });
    const statuses = await c.listConfigurationStatuses();
    const active = statuses.find((s) => s.defaultFlag)!;
    const company = (await c.findCompany('AcmeCorp'))!;
    const created = await c.createConfiguration({ name: 'OpenDNS_Umbrella', typeId: type.id, companyId: company.id, statusId: active.id, questions: [{ questionId: q1.id, answer: '8100000' }, { questionId: q2.id, answer: 42 }] });
    expect(created.questions.map((q) => q.answer)).toEqual(['8100000', 42]);
    expect(await c.findConfigurations(type.id, company.id)).toHaveLength(1);

    const updated = await c.replaceConfigurationQuestions(created.id, created.questions.map((q) => ({ ...q, answer: q.questionId === q2.id ? 43 : q.answer })));
    expect(updated.questions.map((q) => q.answer)).toEqual(['8100000', 43]);
    expect(sim.configurations).toHaveLength(1);

    sim.deleteConfiguration(created.id);
    expect(await c.getConfiguration(created.id)).toBeNull();
  });

  it('lists ticketing choices: boards, statuses, priorities, types, subtypes, items and valid combinations', async () => {
    const c = client();
    const boards = await c.listBoards();
    expect(boards.map((b) => b.name)).toEqual(['Service Desk', 'Security Operations']);
    expect((await c.listBoardStatuses(1)).some((s) => s.closedStatus)).toBe(true);
    expect((await c.listPriorities()).length).toBeGreaterThan(1);
    expect((await c.listBoardTypes(2)).map((t) => t.name)).toEqual(['Malware']);
    expect((await c.listBoardSubTypes(1)).map((t) => t.name)).toEqual(['Botnet Activity', 'Patching']);
    expect((await c.listBoardItems(1)).map((t) => t.name)).toEqual(['Workstation', 'Network']);
    expect((await c.listTypeSubTypeItemAssociations(1)).map((a) => [a.type?.id, a.subType?.id, a.item?.id ?? null])).toEqual([[20, 30, 40], [20, 30, 41], [21, 31, null]]);
  });

  it('opens a ticket, adds a visible note, and follows it across boards until closed or deleted', async () => {
    const c = client();
    const company = (await c.findCompany('AcmeCorp'))!;
    const ticket = await c.createTicket({ summary: 'Umbrella: botnet activity on ACMECO-WS-01 (Acme Corporation)', companyId: company.id, boardId: 1, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40, initialDescription: 'details', externalXRef: 'umbrella:8100000:600000001' });
    await c.addNote(ticket.id, 'More activity in the next window');
    expect(sim.notes.filter((n) => n.ticketId === ticket.id).map((n) => n.detailDescriptionFlag)).toEqual([true, true]);
    sim.moveTicket(ticket.id, 2);
    expect(await c.getTicket(ticket.id)).toMatchObject({ id: ticket.id, closedFlag: false, board: { id: 2 } });
    sim.closeTicket(ticket.id);
    expect((await c.getTicket(ticket.id))?.closedFlag).toBe(true);
    sim.deleteTicket(ticket.id);
    expect(await c.getTicket(ticket.id)).toBeNull();
  });

  it('rejects an invalid type/subtype/item combination with ConnectWise\'s own words', async () => {
    const company = (await client().findCompany('AcmeCorp'))!;
    await expect(client().createTicket({ summary: 's', companyId: company.id, boardId: 1, typeId: 21, subTypeId: 30, initialDescription: 'x' }))
      .rejects.toThrow(/answered 400 to POST \/v2025_1\/apis\/3.0\/service\/tickets: ticket object is invalid: The type \/ subtype \/ item combination is not valid/);
  });

  it('never retries a ticket create whose answer was lost; the ticket is found by its reference instead', async () => {
    const c = client();
    const company = (await c.findCompany('AcmeCorp'))!;
    sim.server.setFaults({ dropCreateResponses: 1 });
    const error = await c.createTicket({ summary: 'lost answer', companyId: company.id, boardId: 1, initialDescription: 'x', externalXRef: 'umbrella:1:2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).outcomeUnknown).toBe(true);
    expect(sim.tickets).toHaveLength(1);
    expect((await c.findTicketsByExternalRef('umbrella:1:2')).map((t) => t.id)).toEqual([sim.tickets[0]!.id]);
  });

  it('retries reads through 5xx errors and connection resets', async () => {
    sim.server.setFaults({ errorRate: 0.5, resetRate: 0.2 });
    const boards = await client({ retries: 8 }).listBoards();
    expect(boards).toHaveLength(2);
  });
});

describe('ConnectWise client: paging', () => {
  it('follows Link rel="next" through more than 1000 companies', async () => {
    sim = new ConnectWiseSimulator({ world: buildWorld({ customers: 1500, historyDays: 1 }), ...CREDS });
    await sim.start();
    const companies = await client().listCompanies();
    expect(companies).toHaveLength(sim.companies.length);
    expect(sim.exchanges.filter((e) => e.path.endsWith('/company/companies')).map((e) => e.query.page)).toEqual(['1', '2']);
  });
});
