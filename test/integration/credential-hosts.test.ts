/**
 * Credentials go only to the host they were saved for: a ConnectWise next-page link, an Umbrella
 * redirect or an Autotask zone answer naming another host is refused with a clear error, and the
 * other host receives nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAllowedHost } from '../../main/adapters/http/host-rule';
import { AutotaskClient, AUTOTASK_DISCOVERY_URL, AUTOTASK_DOMAINS } from '../../main/adapters/psa/autotask/client';
import { ConnectWiseClient } from '../../main/adapters/psa/connectwise/client';
import { AutotaskSimulator } from '../../simulators/autotask';
import { trustedNextPage } from '../../main/adapters/psa/connectwise/site';
import { UmbrellaClient } from '../../main/adapters/umbrella/client';
import { ConnectWiseSimulator } from '../../simulators/connectwise';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { buildWorld } from '../../simulators/seed';
import { UmbrellaSimulator } from '../../simulators/umbrella';
import { wiredApp } from '../helpers/app';

interface Trap { url: string; requests: http.IncomingHttpHeaders[]; close(): Promise<void> }

/** A loopback server on another origin that records what reaches it. */
async function trap(host: string): Promise<Trap> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => { requests.push(req.headers); res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://${host}:${String((server.address() as AddressInfo).port)}`, requests, close: () => new Promise((resolve) => { server.close(() => { resolve(); }); }) };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => { for (const stop of stops.splice(0)) await stop(); });
const fetchLike = (u: string, i: RequestInit) => fetch(u, i);

describe('credentials only to their own host', () => {
  it('a ConnectWise next-page link on another origin receives no request; pages on the site are still followed', async () => {
    const world = buildWorld({ anchor: Date.UTC(2026, 10, 25) });
    const cw = new ConnectWiseSimulator({ world, ...DEMO_CREDENTIALS.connectwise });
    await cw.start();
    const other = await trap('127.0.0.1');
    stops.push(() => cw.stop(), () => other.close());
    cw.maxPageSize = 10;
    const client = new ConnectWiseClient({ ...DEMO_CREDENTIALS.connectwise, site: cw.url, fetch: fetchLike });
    expect((await client.listCompanies()).length).toBe(world.connectwise.companies.filter((c) => !c.deletedFlag).length);
    cw.nextPageOrigin = other.url;
    await expect(client.listCompanies()).rejects.toThrow(/next-page address outside http:\/\/127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\); refusing to send the API keys there/);
    expect(other.requests).toEqual([]);
  });

  it('a next-page link must keep the API\'s scheme, host and port', () => {
    const api = 'https://api-na.myconnectwise.net';
    expect(trustedNextPage('/v4_6_release/apis/3.0/company/companies?page=2', `${api}/v4_6_release/apis/3.0/company/companies`, api)).toBe(`${api}/v4_6_release/apis/3.0/company/companies?page=2`);
    expect(trustedNextPage('http://api-na.myconnectwise.net/x?page=2', `${api}/x`, api)).toBeNull();
    expect(trustedNextPage('https://api-na.myconnectwise.net.evil.example/x', `${api}/x`, api)).toBeNull();
    expect(trustedNextPage('https://api-na.myconnectwise.net:8443/x', `${api}/x`, api)).toBeNull();
  });

  it('an Umbrella reporting redirect is followed to the regional host, and refused to any other, which gets no token', async () => {
    const world = buildWorld({ anchor: Date.UTC(2026, 10, 25), customers: 3 });
    const umbrella = new UmbrellaSimulator({ world, ...DEMO_CREDENTIALS.umbrella, redirectReports: true, rateLimits: false });
    await umbrella.start();
    const other = await trap('localhost');
    stops.push(() => umbrella.stop(), () => other.close());
    const client = new UmbrellaClient({ ...DEMO_CREDENTIALS.umbrella, fetch: fetchLike, baseUrl: umbrella.url, limits: { token: [], admin: [], reportsPerOrg: [] } });
    const org = world.customers[0]!.customerId;
    const range = { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1) - 1 };
    expect(await client.totalDnsRequests(org, range)).toBeGreaterThan(0);
    umbrella.redirectOrigin = other.url;
    await expect(client.totalDnsRequests(org, range)).rejects.toThrow(/Cisco Umbrella redirected GET \/reports\/v2\/total-requests\/dns to http:\/\/localhost:\d+, which is not Cisco Umbrella's: refused, and no credential was sent there/);
    expect(other.requests).toEqual([]);
  });
});

describe('Autotask: the zone lookup cannot send the credentials elsewhere', () => {
  it('a zone answer naming a plain-http address on another host is refused: that host receives no request, so no username, secret or integration code', async () => {
    const world = buildWorld({ anchor: Date.UTC(2026, 10, 25), customers: 3 });
    const autotask = new AutotaskSimulator({ world, ...DEMO_CREDENTIALS.autotask });
    await autotask.start();
    const other = await trap('localhost');
    stops.push(() => autotask.stop(), () => other.close());
    const connect = () => new AutotaskClient({ ...DEMO_CREDENTIALS.autotask, discoveryUrl: autotask.discoveryUrl, fetch: fetchLike }).testConnection();
    expect((await connect()).zoneUrl).toBe(`${autotask.url}/ATServicesRest`);
    autotask.zoneOrigin = other.url;
    await expect(connect()).rejects.toThrow(/The Autotask zone lookup named http:\/\/localhost:\d+ as the tenant's API, which is not an https address of Autotask \(autotask\.net\) nor the lookup host configured: refused, and no credential was sent there/);
    expect(other.requests).toEqual([]);
  });

  it('the one host rule: https on the vendor\'s domain (default port) or the configured host; nothing else', () => {
    const rule = { vendorDomains: AUTOTASK_DOMAINS, configured: AUTOTASK_DISCOVERY_URL };
    const allowed = (url: string) => isAllowedHost(rule, new URL(url));
    expect(allowed('https://webservices14.autotask.net/ATServicesRest')).toBe(true);
    expect(allowed('https://webservices.autotask.net/atservicesrest/v1.0/x')).toBe(true);
    expect(allowed('http://webservices14.autotask.net/ATServicesRest')).toBe(false);
    expect(allowed('https://webservices14.autotask.net:8443/ATServicesRest')).toBe(false);
    expect(allowed('https://autotask.net.evil.example/ATServicesRest')).toBe(false);
    expect(allowed('https://evilautotask.net/ATServicesRest')).toBe(false);
    expect(allowed('https://user:pass@webservices14.autotask.net/')).toBe(false);
    expect(isAllowedHost({ vendorDomains: AUTOTASK_DOMAINS, configured: 'http://127.0.0.1:4000/atservicesrest' }, new URL('http://127.0.0.1:4000/ATServicesRest'))).toBe(true);
    expect(isAllowedHost({ vendorDomains: AUTOTASK_DOMAINS, configured: 'http://127.0.0.1:4000/atservicesrest' }, new URL('http://localhost:4000/ATServicesRest'))).toBe(false);
  });
});

describe('a compromised window cannot send the saved credentials elsewhere', () => {
  it('the endpoints cannot be set over IPC, and a new ConnectWise site forgets the keys: no trap receives anything', async () => {
    const world = buildWorld({ anchor: Date.UTC(2026, 10, 25), customers: 3 });
    const umbrella = new UmbrellaSimulator({ world, ...DEMO_CREDENTIALS.umbrella, rateLimits: false });
    const cw = new ConnectWiseSimulator({ world, ...DEMO_CREDENTIALS.connectwise });
    await Promise.all([umbrella.start(), cw.start()]);
    const traps = await Promise.all([trap('127.0.0.1'), trap('localhost'), trap('127.0.0.1')]);
    const [umbrellaTrap, siteTrap, autotaskTrap] = traps;
    stops.push(() => umbrella.stop(), () => cw.stop(), ...traps.map((t) => () => t.close()));
    // Set up by the user (locally, as the CLI or the wizard in a real install would leave it).
    const { services, secrets, call } = await wiredApp();
    services.service.saveSettings({ psa: { kind: 'connectwise' }, connectwise: { site: cw.url }, endpoints: { umbrellaBaseUrl: umbrella.url, autotaskDiscoveryUrl: null } });
    for (const kind of ['umbrella', 'connectwise', 'autotask'] as const) await secrets.set(kind, { ...DEMO_CREDENTIALS[kind] });
    const before = await call<{ message: string }>('testConnection', { target: 'psa' });
    expect(before.ok ? 'ok' : before.error.message).toBe('ok');

    // What a compromised renderer would try.
    const endpoints = await call('saveSettings', { endpoints: { umbrellaBaseUrl: umbrellaTrap.url, autotaskDiscoveryUrl: autotaskTrap.url } });
    expect(endpoints.ok ? 'accepted' : endpoints.error.code).toBe('NOT_ALLOWED');
    expect(endpoints.ok ? '' : endpoints.error.message).toMatch(/cannot be changed from the window\. Use the command line: umbrella-psa-sync configure --umbrella-url/);
    const site = await call('saveSettings', { connectwise: { site: siteTrap.url } });
    expect(site.ok).toBe(true);
    const status = await call<{ connectwise: { complete: boolean }; umbrella: { complete: boolean } }>('getCredentialsStatus');
    expect(status.ok && status.value.connectwise.complete).toBe(false);
    expect(status.ok && status.value.umbrella.complete).toBe(true);
    const psa = await call('testConnection', { target: 'psa' });
    expect(psa.ok ? 'connected' : psa.error.code).toBe('NOT_CONFIGURED');
    await call('saveSettings', { psa: { kind: 'autotask' } });
    await call('testConnection', { target: 'psa' });
    await call('runSync', { dryRun: true });

    for (const t of traps) expect(t.requests).toEqual([]);
    expect(services.service.getSettings().endpoints).toEqual({ umbrellaBaseUrl: umbrella.url, autotaskDiscoveryUrl: null });
  }, 60_000);
});
