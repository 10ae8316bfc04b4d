import { beforeEach, describe, expect, it } from 'vitest';
import { UmbrellaClient, UmbrellaError } from '../../main/adapters/umbrella/client';
import { UmbrellaSimulator } from '../../simulators/umbrella';
import { buildWorld, DAY, type DemoWorld } from '../../simulators/seed';
import { checkContractsAndStop } from '../helpers/contract';

const KEY = 'umbrella-test-key';
const SECRET = 'umbrella-test-secret-3f9a';
const ANCHOR = Date.UTC(2026, 10, 25, 10, 30);

let sim: UmbrellaSimulator;
let world: DemoWorld;

async function startSim(options: Partial<ConstructorParameters<typeof UmbrellaSimulator>[0]> = {}) {
  world = options.world ?? buildWorld({ anchor: ANCHOR });
  sim = new UmbrellaSimulator({ world, apiKey: KEY, apiSecret: SECRET, now: () => ANCHOR, ...options });
  await sim.start();
}

function client(extra: Partial<ConstructorParameters<typeof UmbrellaClient>[0]> = {}) {
  return new UmbrellaClient({ apiKey: KEY, apiSecret: SECRET, fetch: (u, i) => fetch(u, i), baseUrl: sim.url, ...extra });
}

const tokenRequests = () => sim.exchanges.filter((e) => e.path === '/auth/v2/token');

// Every request the client sent and every answer the simulator gave follows the vendor's documents.
checkContractsAndStop(() => sim);

describe('Umbrella client against the simulator', () => {
  beforeEach(async () => {
    await startSim();
  });

  it('lists customers on an MSP console by falling back from the providers API to the managed API', async () => {
    const customers = await client().listCustomers();
    expect(customers).toHaveLength(25);
    expect(customers[0]).toEqual({ customerId: world.customers[0]!.customerId, customerName: 'Acme Corporation', seats: world.customers[0]!.seats, packageName: null });
    expect(sim.exchanges.map((e) => `${e.path} ${String(e.status)}`)).toEqual([
      '/auth/v2/token 200', '/admin/v2/providers/customers 403', '/admin/v2/managed/customers 200',
    ]);
  });

  it('mints one token per customer org with X-Umbrella-OrgId and reuses it', async () => {
    const c = client();
    const [a, b] = world.customers;
    await c.listNetworks(a!.customerId);
    await c.listRoamingComputers(a!.customerId);
    await c.listNetworks(b!.customerId);
    const minted = tokenRequests();
    expect(minted.map((e) => e.headers['x-umbrella-orgid'])).toEqual([String(a!.customerId), String(b!.customerId)]);
    // The org header belongs on the token request only.
    expect(sim.exchanges.filter((e) => e.path.startsWith('/deployments')).every((e) => e.headers['x-umbrella-orgid'] === undefined)).toBe(true);
  });

  it('mints concurrently requested tokens once (single flight)', async () => {
    const c = client();
    const org = world.customers[3]!.customerId;
    await Promise.all([c.listNetworks(org), c.listRoamingComputers(org), c.deploymentStatus(org, { from: ANCHOR - 7 * DAY, to: ANCHOR })]);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('reads networks and roaming computers with the customer token (the provider token sees nothing)', async () => {
    const c = client();
    const customer = world.customers[5]!;
    expect((await c.listNetworks(customer.customerId)).map((n) => n.name)).toEqual(customer.networks.map((n) => n.name));
    expect(await c.listRoamingComputers(customer.customerId)).toHaveLength(customer.roamingComputers.length);
  });

  it('pages through roaming computers 100 at a time', async () => {
    const customer = world.customers[0]!;
    const template = customer.roamingComputers[0]!;
    for (let i = 0; i < 230; i++) customer.roamingComputers.push({ ...template, originId: 700_000_000 + i, name: `BULK-${String(i)}` });
    const computers = await client().listRoamingComputers(customer.customerId);
    expect(computers).toHaveLength(customer.roamingComputers.length);
    const pages = sim.exchanges.filter((e) => e.path === '/deployments/v2/roamingcomputers').map((e) => e.query);
    expect(pages.map((q) => q.page)).toEqual(['1', '2', '3']);
    expect(pages.every((q) => q.limit === '100')).toBe(true);
  });

  it('re-mints once when a token has expired (Umbrella answers 400 invalid_request)', async () => {
    const c = client();
    const org = world.customers[1]!.customerId;
    await c.listNetworks(org);
    sim.expireAllTokens();
    await c.listNetworks(org);
    expect(sim.exchanges.map((e) => `${e.path} ${String(e.status)}`)).toEqual([
      '/auth/v2/token 200', '/deployments/v2/networks 200', '/deployments/v2/networks 400', '/auth/v2/token 200', '/deployments/v2/networks 200',
    ]);
  });

  it('says clearly when the key or secret is wrong, without revealing either', async () => {
    const error = await client({ apiSecret: 'wrong-secret-value' }).listCustomers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UmbrellaError);
    expect((error as Error).message).toMatch(/rejected the API key and secret \(401\)/);
    expect((error as Error).message).not.toMatch(/wrong-secret-value|umbrella-test-key/);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('computes report numbers that match the seeded activity', async () => {
    const c = client();
    const customer = world.customers[2]!;
    const lastMonth = { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1) - 1 };
    const expected = customer.activity.filter((b) => b.ts >= lastMonth.from && b.ts <= lastMonth.to).reduce((s, b) => s + b.count, 0);
    expect(expected).toBeGreaterThan(0);
    expect(await c.totalDnsRequests(customer.customerId, lastMonth)).toBe(expected);

    const top = await c.topDestinations(customer.customerId, lastMonth, {}, 3);
    expect(top).toHaveLength(3);
    expect(top[0]!.count).toBeGreaterThanOrEqual(top[1]!.count);
  });

  it('looks categories up by label, so shifted ids still resolve', async () => {
    await sim.stop();
    await startSim({ world: buildWorld({ anchor: ANCHOR, categoryIdOffset: 1000 }) });
    const categories = await client().categories(world.customers[0]!.customerId);
    const c2 = categories.find((c) => c.label === 'Command and Control' && c.type === 'security');
    expect(c2?.id).toBe(1065);
  });

  it('honours a 429 burst with Retry-After and still answers', async () => {
    const c = client();
    sim.server.setFaults({ rateLimitBurst: 2 });
    const customers = await c.listCustomers();
    expect(customers).toHaveLength(25);
    expect(c.stats.rateLimited).toBe(2);
  });
});

describe('Umbrella client: redirects, limits and MSSP consoles', () => {
  it('follows a reporting 302 to the regional host and re-sends Authorization', async () => {
    await startSim({ redirectReports: true });
    const org = world.customers[0]!.customerId;
    const count = await client().totalDnsRequests(org, { from: ANCHOR - 7 * DAY, to: ANCHOR });
    expect(count).toBeGreaterThan(0);
    const reportCalls = sim.exchanges.filter((e) => e.path.startsWith('/reports'));
    expect(reportCalls.map((e) => e.status)).toEqual([302, 200]);
    // Another origin (the regional host's port): fetch itself would have dropped Authorization there.
    expect(reportCalls[1]!.headers.host).not.toBe(reportCalls[0]!.headers.host);
    expect(reportCalls[1]!.headers.authorization).toMatch(/^Bearer /);
  });

  it('reads package names from the providers API on an MSSP console', async () => {
    await startSim({ console: 'mssp' });
    const customers = await client().listCustomers();
    expect(customers[0]!.packageName).toBe(world.customers[0]!.packageName);
    expect(sim.exchanges.some((e) => e.path === '/admin/v2/managed/customers')).toBe(false);
  });

  it('keeps to the published limits: no 429 while reading several orgs at once', async () => {
    await startSim({ rateLimits: true, now: Date.now });
    const c = client();
    await Promise.all(world.customers.slice(0, 7).map((customer) => c.listNetworks(customer.customerId)));
    expect(sim.exchanges.filter((e) => e.status === 429)).toEqual([]);
    expect(sim.exchanges.filter((e) => e.path === '/deployments/v2/networks')).toHaveLength(7);
  });
});
