import { beforeEach, describe, expect, it } from 'vitest';
import { AutotaskClient, AutotaskError, TICKET_STATUS_COMPLETE } from '../../main/adapters/psa/autotask/client';
import { HttpError } from '../../main/adapters/http/client';
import { AutotaskSimulator } from '../../simulators/autotask';
import { buildWorld } from '../../simulators/seed';
import { checkContractsAndStop } from '../helpers/contract';

const CREDS = { username: 'api-umbrella@demo-msp.example', secret: 'at-secret-771b', integrationCode: 'UMBRELLAPSASYNCTRACKINGID01' };
let sim: AutotaskSimulator;

async function startSim(extra: Partial<ConstructorParameters<typeof AutotaskSimulator>[0]> = {}) {
  sim = new AutotaskSimulator({ world: buildWorld({ anchor: Date.UTC(2026, 10, 25) }), ...CREDS, ...extra });
  await sim.start();
}

function client(extra: Partial<ConstructorParameters<typeof AutotaskClient>[0]> = {}) {
  return new AutotaskClient({ discoveryUrl: sim.discoveryUrl, fetch: (u, i) => fetch(u, i), ...CREDS, retries: 2, ...extra });
}

// Every request the client sent and every answer the simulator gave follows the vendor's documents.
checkContractsAndStop(() => sim);

describe('Autotask client against the simulator', () => {
  beforeEach(async () => {
    await startSim();
  });

  it('discovers the zone once when the first calls arrive together', async () => {
    const c = client();
    await Promise.all([c.listCompanies(), c.listMaterialBillingCodes(), c.ticketPicklists()]);
    expect(sim.exchanges.filter((e) => e.path.toLowerCase().includes('zoneinformation'))).toHaveLength(1);
  });

  it('discovers the zone without credentials, then sends the three auth headers', async () => {
    const result = await client().testConnection();
    expect(result.zoneUrl).toBe(`${sim.url}/ATServicesRest`);
    const [zone, usage, version] = sim.exchanges;
    expect(zone!.path).toBe('/atservicesrest/v1.0/zoneInformation');
    expect(zone!.headers.secret).toBeUndefined();
    // Before anything else, the tenant's API usage (the hourly threshold is shared by every integration).
    expect(usage!.path).toBe('/ATServicesRest/V1.0/ThresholdInformation');
    expect(version!.path).toBe('/ATServicesRest/V1.0/Version');
    expect(version!.headers).toMatchObject({ apiintegrationcode: CREDS.integrationCode, username: CREDS.username, secret: CREDS.secret });
  });

  it('says which credential is wrong, never echoing the secret, and does not retry Autotask\'s 500 validation answers', async () => {
    await expect(client({ username: 'nobody@example.com' }).testConnection()).rejects.toThrow(/does not know the API username that was entered/);
    await expect(client({ integrationCode: 'WRONG' }).testConnection()).rejects.toThrow(/rejected the tracking identifier/);
    const badSecret = await client({ secret: 'not-the-secret' }).testConnection().catch((e: unknown) => e);
    expect(badSecret).toBeInstanceOf(AutotaskError);
    expect((badSecret as Error).message).toMatch(/rejected the API user's secret \(401\)/);
    expect((badSecret as Error).message).not.toMatch(/not-the-secret/);
    // The first authenticated call reads the tenant's budget: wrong code, one 500, not retried;
    // wrong secret: 401, zone re-resolved once, 401 again.
    const firstCalls = sim.exchanges.filter((e) => e.path.endsWith('/ThresholdInformation'));
    expect(firstCalls.map((e) => e.status)).toEqual([500, 401, 401]);
  });

  it('reads the tenant\'s API usage against its hourly threshold', async () => {
    const c = client();
    await c.testConnection();
    const usage = await c.thresholdInformation();
    // The budget check before the first request, the Version call, and this reading.
    expect(usage).toEqual({ used: 3, limit: 10000, share: 0.0003 });
  });

  it('lists only active Material billing codes, finding the Material use type by its label', async () => {
    const codes = await client().listMaterialBillingCodes();
    expect(codes.map((c) => c.name)).toEqual(['Security Software', 'Hardware']);
  });

  it('creates the product, the UDFs and a configuration item, then PATCHes only the UDF values', async () => {
    const c = client();
    expect(await c.findProducts('OpenDNS_Umbrella')).toEqual([]);
    const productId = await c.createProduct({ name: 'OpenDNS_Umbrella', description: 'Cisco Umbrella (managed by Umbrella PSA Sync)', productBillingCodeID: 29682801 });
    expect((await c.findProducts('OpenDNS_Umbrella')).map((p) => p.id)).toEqual([productId]);
    await c.createConfigurationItemUdf('Organization ID', false);
    await c.createConfigurationItemUdf('Top Domains Last Month', true);
    expect(await c.listConfigurationItemUdfNames()).toEqual(['Organization ID', 'Top Domains Last Month']);
    expect(sim.udfDefinitions.map((d) => [d.udfType, d.dataType, d.displayFormat])).toEqual([[3, 1, 2], [3, 1, 3]]);

    const company = sim.companies.find((co) => co.companyName === 'Acme Corporation Inc.')!;
    const id = await c.createConfigurationItem({ companyID: company.id, productID: productId, referenceTitle: 'OpenDNS_Umbrella', installDate: '2026-11-25T00:00:00', userDefinedFields: [{ name: 'Organization ID', value: '8100000' }] });
    await c.updateConfigurationItemUdfs(id, [{ name: 'Top Domains Last Month', value: 'example.com (12)' }]);
    const item = await c.getConfigurationItem(id);
    expect(item?.userDefinedFields).toEqual([{ name: 'Organization ID', value: '8100000' }, { name: 'Top Domains Last Month', value: 'example.com (12)' }]);
    expect((await c.findConfigurationItems(company.id, productId)).map((ci) => ci.id)).toEqual([id]);
  });

  it('reports a missing UDF in Autotask\'s own words', async () => {
    const c = client();
    const productId = await c.createProduct({ name: 'OpenDNS_Umbrella', description: 'x', productBillingCodeID: 29682801 });
    const error = await c.createConfigurationItem({ companyID: sim.companies[0]!.id, productID: productId, referenceTitle: 'x', installDate: '2026-11-25T00:00:00', userDefinedFields: [{ name: 'Seats', value: '5' }] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/answered 500 to POST \/ATServicesRest\/V1.0\/ConfigurationItems: ConfigurationItem: The user-defined field "Seats" does not exist/);
    expect(sim.configurationItems).toHaveLength(0);
  });

  it('offers ticket picklists with sub-issue types tied to their issue type, and hides inactive values', async () => {
    const lists = await client().ticketPicklists();
    expect(lists.queueID.map((q) => q.label)).not.toContain('Archived Queue');
    expect(lists.subIssueType.filter((s) => s.parentValue === '12').map((s) => s.label)).toEqual(['Botnet / Command and Control', 'Malware']);
    expect(lists.status.find((s) => s.value === String(TICKET_STATUS_COMPLETE))?.label).toBe('Complete');
  });

  it('opens a ticket, adds a note, and follows it across queues until complete or removed', async () => {
    const c = client();
    const company = sim.companies.find((co) => co.isActive === true)!;
    const id = await c.createTicket({ companyID: company.id, title: 'Umbrella: botnet activity on WS-01', description: 'details', queueID: 29682969, status: 1, priority: 2, issueType: 12, subIssueType: 136, externalID: 'umbrella:1:2' });
    await c.addNote(id, 'Umbrella: more botnet activity', '5 more blocked requests');
    expect(sim.notes.map((n) => [n.ticketID, n.noteType, n.publish])).toEqual([[id, 3, 1]]);
    sim.moveTicket(id, 29682970);
    expect(await c.getTicket(id)).toMatchObject({ id, status: 1, queueID: 29682970 });
    sim.completeTicket(id);
    expect((await c.getTicket(id))?.status).toBe(TICKET_STATUS_COMPLETE);
    sim.removeTicket(id);
    expect(await c.getTicket(id)).toBeNull();
  });

  it('never retries a create whose answer was lost; the ticket is found by its external id', async () => {
    const c = client();
    sim.server.setFaults({ dropCreateResponses: 1 });
    const error = await c.createTicket({ companyID: sim.companies[0]!.id, title: 't', description: 'd', queueID: 5, status: 1, priority: 2, externalID: 'umbrella:9:9' }).catch((e: unknown) => e);
    expect((error as HttpError).outcomeUnknown).toBe(true);
    expect(sim.tickets).toHaveLength(1);
    expect((await c.findTicketsByExternalId('umbrella:9:9')).map((t) => t.id)).toEqual([sim.tickets[0]!.id]);
  });

  it('stays within 3 requests per endpoint, so the thread limit is never hit', async () => {
    const c = client();
    await c.testConnection();
    await Promise.all(sim.companies.slice(0, 12).map((co) => c.getCompany(co.id)));
    expect(sim.exchanges.filter((e) => e.status === 429)).toEqual([]);
  });
});

describe('Autotask client: paging', () => {
  it('follows nextPageUrl by POSTing the original query body again', async () => {
    sim = new AutotaskSimulator({ world: buildWorld({ customers: 1200, historyDays: 1 }), ...CREDS });
    await sim.start();
    const companies = await client().listCompanies();
    expect(companies).toHaveLength(sim.companies.length);
    const pages = sim.exchanges.filter((e) => e.path.includes('/Companies/query'));
    expect(pages.map((e) => `${e.method} ${e.path.replace(/.*\/Companies/, '')}`)).toEqual(['POST /query', 'POST /query/next', 'POST /query/next']);
    expect(new Set(pages.map((e) => e.rawRequestBody)).size).toBe(1);
    // The next page is a cursor, not the list of ids seen (which outgrew the URL limit at 5,000).
    expect(Math.max(...pages.map((e) => (e.query.paging ?? '').length))).toBeLessThan(120);
  });
});
