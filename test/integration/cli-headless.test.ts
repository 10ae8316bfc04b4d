/**
 * Everything the wizard and the Customers screen do, from the command line only, against the
 * simulators, on the real keychain: configure, list, ticketing by name, map (checked), CSV export and
 * import, test-connection, test-ticket, sync (dry run with values, then for real), tickets --json.
 * No settings file is edited by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { windowOf } from '../../main/domain/windows';
import { DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { closedPort, realSecretStore, tempDir } from '../helpers/fixtures';
import { cliCaptured, DEMO_CREDENTIALS_ENV } from '../helpers/cli';

const CREDENTIALS_ENV = DEMO_CREDENTIALS_ENV;

let sims: DemoSimulators;
beforeAll(async () => {
  // This file's own keychain entries (the CLI reads the service name from the environment).
  process.env.UMBRELLA_PSA_KEYCHAIN_SERVICE = (await realSecretStore()).service;
  // Test-only: Umbrella's minute is a second here, so a dozen commands in a row need not wait for tokens.
  process.env.UMBRELLA_PSA_TEST_LIMIT_SCALE = '60';
  // Botnet hits in the 4-hour window a check made now processes.
  sims = await startDemoSimulators({ rateLimits: false, anchor: windowOf(Date.now()) - 30 * 60_000 });
});
afterAll(async () => { await sims.stop(); });

const cli = cliCaptured;

const settingsOf = (dir: string) => openSettingsStore({ dir, log: memoryLogger() }).get();

/** The PSA's inactive companies, by reference: an import refuses them, as map does. */
const inactiveReferences = (kind: PsaKind) => new Set(kind === 'connectwise'
  ? sims.world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.identifier)
  : sims.world.autotask.companies.filter((c) => !c.isActive).map((c) => String(c.id)));

/** The Customers screen's export with the PSA column filled in as an admin would, from the demo MSP's answers (active companies only). */
function filledCsv(exported: string, kind: PsaKind): string {
  const lines = exported.replace(/^\uFEFF/, '').split('\r\n');
  const inactive = inactiveReferences(kind);
  return [lines[0], ...lines.slice(1).map((line) => {
    const cells = line.split(',');
    const match = sims.world.expectedMatches[Number(cells[0])];
    const reference = kind === 'connectwise' ? match?.connectwise : match?.autotask?.toString();
    cells[2] = reference !== undefined && !inactive.has(reference) ? reference : '';
    return cells.join(',');
  })].join('\r\n');
}

describe.each(['connectwise', 'autotask'] as const)('a set-up done only through the CLI, %s', (kind) => {
  it('configure, list, ticketing by name, map import, test-connection, test-ticket, sync and tickets', async () => {
    const dir = tempDir();
    const at = ['--data-dir', dir];
    const psaTarget = kind === 'connectwise' ? ['--site', sims.urls.connectwiseSite] : ['--autotask-url', sims.urls.autotaskDiscovery, '--billing-code', String(DEMO_MATERIAL_BILLING_CODE)];
    expect((await cli(['configure', '--psa', kind, ...psaTarget, '--umbrella-url', sims.urls.umbrella, ...at], CREDENTIALS_ENV)).code).toBe(0);

    const connection = await cli(['test-connection', ...at]);
    expect(connection.err).toBe('');
    expect(connection.out).toMatch(/✓ Connected to Cisco Umbrella: 25 customer organization\(s\)\./);
    expect(connection.out).toMatch(kind === 'connectwise' ? /✓ Connected to ConnectWise PSA/ : /✓ Connected to Autotask/);
    expect(connection.code).toBe(0);

    // Ticketing by name, checked against the PSA's lists as in the wizard's step 3.
    if (kind === 'connectwise') {
      const boards = JSON.parse((await cli(['list', 'boards', '--json', ...at])).out) as { id: number; name: string }[];
      expect(boards.map((b) => b.name)).toContain('Service Desk');
      const statuses = (await cli(['list', 'statuses', '--board', 'Service Desk', ...at])).out;
      expect(statuses).toMatch(/In Progress/);
      expect(statuses).not.toMatch(/Closed|Completed|Cancelled/);
      const closed = await cli(['configure', 'ticketing', '--board', 'Service Desk', '--status', 'Closed', '--priority', 'Priority 2 - Quick Response', ...at]);
      expect(closed.code).toBe(2);
      expect(closed.err).toMatch(/no open status of board Service Desk .*closed status would close each ticket/);
      const badPair = await cli(['configure', 'ticketing', '--board', 'Service Desk', '--type', 'Security Incident', '--subtype', 'Patching', ...at]);
      expect(badPair.code).toBe(2);
      expect(badPair.err).toMatch(/does not allow the subtype Patching with type Security Incident\. Allowed: Botnet Activity/);
      const saved = await cli(['configure', 'ticketing', '--board', 'service desk', '--priority', 'Priority 2 - Quick Response', '--type', 'Security Incident', '--subtype', 'Botnet Activity', '--item', 'Workstation', '--threshold', '3', ...at]);
      expect(saved.err).toBe('');
      expect(saved.code).toBe(0);
      expect(settingsOf(dir).ticketing.connectwise).toEqual({ boardId: 1, statusId: null, priorityId: 2, typeId: 20, subTypeId: 30, itemId: 40 });
    } else {
      expect((await cli(['list', 'queues', ...at])).out).toMatch(/^29682969\s+Security Operations$/m);
      expect((await cli(['list', 'statuses', ...at])).out).not.toMatch(/Complete/);
      const complete = await cli(['configure', 'ticketing', '--queue', 'Security Operations', '--priority', 'Medium', '--status', 'Complete', ...at]);
      expect(complete.code).toBe(2);
      expect(complete.err).toMatch(/Complete is a closed status/);
      const wrongParent = await cli(['configure', 'ticketing', '--queue', 'Security Operations', '--priority', 'Medium', '--issue-type', 'Security', '--sub-issue-type', 'Outage', ...at]);
      expect(wrongParent.code).toBe(2);
      expect(wrongParent.err).toMatch(/There is no sub-issue type of Security "Outage"\. Choose one of: Botnet \/ Command and Control \(136\), Malware \(137\)/);
      const noPriority = await cli(['configure', 'ticketing', '--queue', 'Security Operations', ...at]);
      expect(noPriority.code).toBe(2);
      expect(noPriority.err).toMatch(/need a queue and a priority: give --priority/);
      const saved = await cli(['configure', 'ticketing', '--queue', 'security operations', '--priority', 'Medium', '--issue-type', 'Security', '--sub-issue-type', 'Botnet / Command and Control', ...at]);
      expect(saved.code).toBe(0);
      expect(settingsOf(dir).ticketing.autotask).toEqual({ queueId: 29682969, statusId: null, priorityId: 2, issueTypeId: 12, subIssueTypeId: 136 });
    }
    expect(settingsOf(dir).ticketing.enabled).toBe(true);

    // Mapping: single maps are checked with both vendors.
    const unknownOrg = await cli(['map', '999', 'AcmeCorp', ...at]);
    expect(unknownOrg.code).toBe(2);
    expect(unknownOrg.err).toMatch(/Cisco Umbrella has no customer with organization id 999/);
    const acme = sims.world.expectedMatches[8100000];
    // By the PSA company's name: saved as the reference the sync looks it up by.
    const byName = await cli(['map', '8100000', kind === 'connectwise' ? 'Acme Corp' : 'Acme Corporation Inc.', ...at]);
    expect(byName.err).toBe('');
    expect(byName.out).toBe(`Acme Corporation (8100000) is mapped to ${String(kind === 'connectwise' ? acme?.connectwise : acme?.autotask)}.`);
    const notACompany = await cli(['map', '8100000', 'No Such Company Ltd', ...at]);
    expect(notACompany.code).toBe(2);
    expect(notACompany.err).toMatch(/The PSA has no company "No Such Company Ltd"\. Find it with "umbrella-psa-sync list companies"/);

    // The Customers screen's suggestions: shown, and those at 90% or more accepted (each one right).
    const shown = await cli(['map', 'suggest', ...at]);
    // A match to an inactive company, and one below 90%, are marked, not offered as they are.
    expect(shown.out).toMatch(/^! Summit Realty Group \[8100273\] -> Summit Realty Group \(\S+\): 95%, inactive in the PSA: not mapped$/m);
    expect(shown.out).toMatch(/^ {2}\S.* -> .*: [78]\d%, low confidence: check it$/m);
    expect(shown.out).toMatch(/^\s+Baker & Sons Plumbing \[8100013\] -> .+: \d+%$/m);
    const accepted = await cli(['map', 'suggest', '--accept-above', '90', ...at]);
    expect(accepted.code).toBe(0);
    const suggested = Object.entries(settingsOf(dir).mappings).filter(([id]) => id !== '8100000');
    expect(suggested.length).toBeGreaterThan(5);
    for (const [id, mapping] of suggested) {
      const match = sims.world.expectedMatches[Number(id)];
      expect(mapping.psaCompany).toBe(kind === 'connectwise' ? match?.connectwise : String(match?.autotask));
    }
    expect(accepted.out).toMatch(new RegExp(`^Mapped ${String(suggested.length)} of \\d+ suggestion\\(s\\) at 90% or more`, 'm'));

    // Export, fill in, import: a bad line means nothing is applied; then the good file is.
    const csv = path.join(dir, 'customers.csv');
    expect((await cli(['map', 'export', csv, ...at])).out).toMatch(/^Wrote 25 customer\(s\)/);
    const filled = filledCsv(fs.readFileSync(csv, 'utf8'), kind);
    const broken = filled.replace(/\r\n(\d+),([^,]*),[^,\r\n]*/, '\r\n$1,$2,NOT-A-COMPANY');
    fs.writeFileSync(csv, broken);
    const before = settingsOf(dir).mappings;
    const refused = await cli(['map', 'import', csv, ...at]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/customers\.csv, line 2: .*the PSA has no company "NOT-A-COMPANY"/);
    expect(refused.err).toMatch(/Nothing was imported/);
    expect(settingsOf(dir).mappings).toEqual(before);
    fs.writeFileSync(csv, filled);
    const imported = await cli(['map', 'import', csv, ...at]);
    expect(imported.code).toBe(0);
    // The demo MSP's customer whose company went inactive in the PSA, mapped to it as before (offline, as an admin may): its sync fails, by name.
    const [inactiveOrg, inactiveMatch] = Object.entries(sims.world.expectedMatches).find(([, m]) => inactiveReferences(kind).has(String(kind === 'connectwise' ? m.connectwise : m.autotask)))!;
    expect((await cli(['map', inactiveOrg, String(kind === 'connectwise' ? inactiveMatch.connectwise : inactiveMatch.autotask), '--no-check', ...at])).code).toBe(0);
    const mapped = Object.values(settingsOf(dir).mappings).filter((m) => m.psaCompany !== null).length;
    expect(mapped).toBe(Object.values(sims.world.expectedMatches).filter((m) => (kind === 'connectwise' ? m.connectwise : m.autotask) !== undefined).length);

    // Without --company (and no fallback company) no customer's company is picked for it.
    const unnamed = await cli(['test-ticket', ...at]);
    expect(unnamed.err).toMatch(/Name the PSA company the test ticket goes to with --company/);
    expect(unnamed.code).toBe(2);
    // By the company's exact name, as "map" takes it.
    const ownCompany = kind === 'connectwise' ? sims.world.connectwise.companies.find((c) => c.identifier === 'AcmeCorp')!.name : sims.world.autotask.companies.find((c) => c.id === sims.world.expectedMatches[sims.world.customers[0]!.customerId]?.autotask)!.companyName;
    const testTicket = await cli(['test-ticket', '--company', ownCompany, ...at]);
    expect(testTicket.err).toBe('');
    expect(testTicket.out).toMatch(/^Test ticket \d+ created for .+\. Check it in the PSA/);

    // A dry run shows every value of a configuration it would create; it writes nothing.
    const dry = await cli(['sync', '--dry-run', ...at]);
    expect(dry.out).toMatch(/^\+ Acme Corporation \[8100000\] -> \S+: would be created\n(?: {4}\S.*: .+\n(?: {6}\S.*\n)*){16}\+ /m);
    expect(dry.out).toMatch(/^ {4}Top Domains Last Month: \S+\n {6}\S+$/m);
    expect(dry.out).toMatch(/^ {4}Total Networks: \d+$/m);
    const configurations = () => (kind === 'connectwise' ? sims.connectwise.configurations.length : sims.autotask.configurationItems.length);
    const configurationsBefore = configurations();
    const sync = await cli(['sync', '--json', ...at]);
    expect(sync.err).toMatch(/Sync finished .* 1 failed/);
    expect((JSON.parse(sync.out) as { record: { counts: { failed: number } } }).record.counts.failed).toBe(1);
    expect(sync.code).toBe(1); // the demo MSP's inactive company
    expect(configurations()).toBeGreaterThan(configurationsBefore);

    const tickets = await cli(['tickets', '--json', ...at]);
    const result = JSON.parse(tickets.out) as { record: { counts: { created: number } }; actions: { action: string }[] };
    expect(result.record.counts.created).toBeGreaterThan(0);
    expect(tickets.err).toMatch(/^Ticket check finished/m);
    expect(tickets.code).toBe(1); // a hit at the demo MSP's unmapped customer is named, not dropped
    // --json counts as the line does: the unmapped customer's hit is "not ticketed", not "failed".
    const line = /(\d+) opened, (\d+) noted, (\d+) already reported, (\d+) failed(?:, (\d+) not ticketed)?/.exec(tickets.err);
    const summary = (JSON.parse(tickets.out) as { summary: Record<string, number> }).summary;
    expect(summary).toMatchObject({ opened: Number(line?.[1]), noted: Number(line?.[2]), alreadyReported: Number(line?.[3]), failed: Number(line?.[4]), notTicketed: Number(line?.[5] ?? 0) });
    expect(summary.notTicketed).toBe(1);

    const status = JSON.parse((await cli(['status', '--json', ...at])).out) as { mapped: number; psa: string };
    expect(status).toMatchObject({ psa: kind, mapped });
  }, 120_000);
});

describe('exit codes, as --help documents them', () => {
  it('0 done, 1 customers failed (above), 2 usage or configuration, 3 could not run', async () => {
    expect((await cli(['--help'])).out).toMatch(/Exit codes:\n {2}0 {2}all done\n {2}1 {2}some customers failed.*\n {2}2 {2}usage or configuration error.*\n {2}3 {2}could not run/);
    expect((await cli(['list', 'frogs'])).code).toBe(2);
    expect((await cli(['sync', '--data-dir', tempDir()])).code).toBe(2); // no PSA chosen
    const dir = tempDir();
    const port = await closedPort();
    await cli(['configure', '--psa', 'connectwise', '--site', `http://127.0.0.1:${String(port)}`, '--umbrella-url', `http://127.0.0.1:${String(port)}`, '--data-dir', dir], CREDENTIALS_ENV);
    const unreachable = await cli(['sync', '--data-dir', dir]);
    expect(unreachable.err).toMatch(/refused the connection/);
    expect(unreachable.code).toBe(3);
    const refusedKeys = await cli(['configure', '--umbrella-url', sims.urls.umbrella, '--data-dir', dir], { UMBRELLA_API_SECRET: 'wrong-secret' });
    expect(refusedKeys.code).toBe(0);
    const rejected = await cli(['test-connection', 'umbrella', '--data-dir', dir]);
    expect(rejected.err).toMatch(/rejected the API key and secret \(401\)/);
    expect(rejected.code).toBe(2);
  }, 60_000);

  it('configure checks the billing code and the fallback company with the PSA, by id or by exact name', async () => {
    const dir = tempDir();
    const base = ['configure', '--psa', 'autotask', '--autotask-url', sims.urls.autotaskDiscovery, '--umbrella-url', sims.urls.umbrella, '--data-dir', dir];
    const byName = await cli([...base, '--billing-code', 'security software'], CREDENTIALS_ENV);
    expect(byName.out).toMatch(/Saved the material billing code: Security Software \(29682801\)\./);
    expect(settingsOf(dir).autotask.materialBillingCodeId).toBe(DEMO_MATERIAL_BILLING_CODE);
    const unknown = await cli(['configure', '--billing-code', 'No Such Code', '--data-dir', dir]);
    expect(unknown.err).toMatch(/There is no active material billing code "No Such Code"\. Choose one of: .*Security Software \(29682801\)/);
    expect(unknown.code).toBe(2);
    expect(settingsOf(dir).autotask.materialBillingCodeId).toBe(DEMO_MATERIAL_BILLING_CODE);
    const notACompany = await cli(['configure', '--fallback-company', 'No Such Company Ltd', '--data-dir', dir]);
    expect(notACompany.code).toBe(2);
    expect(settingsOf(dir).ticketing.fallbackCompany).toBeNull();
  }, 60_000);

  it('switching PSA says what is kept and removed and needs --switch-psa, as the wizard asks first', async () => {
    const dir = tempDir();
    await cli(['configure', '--psa', 'connectwise', '--site', sims.urls.connectwiseSite, '--umbrella-url', sims.urls.umbrella, '--data-dir', dir], CREDENTIALS_ENV);
    await cli(['configure', 'ticketing', '--board', 'Service Desk', '--data-dir', dir]);
    await cli(['map', '8100000', 'AcmeCorp', '--data-dir', dir]);
    const asked = await cli(['configure', '--psa', 'autotask', '--data-dir', dir]);
    expect(asked.err).toMatch(/This settings folder is set up for ConnectWise\. Switching to Autotask removes that integration\. Kept: the mapping of 1 customer\(s\) to PSA companies, the Cisco Umbrella API key and secret, and the run history\. Removed: the ConnectWise settings and credentials \(from the keychain\), and the ticketing settings\. Run again with --switch-psa to switch\./);
    expect(asked.code).toBe(2);
    expect(settingsOf(dir).psa.kind).toBe('connectwise');
    const switched = await cli(['configure', '--psa', 'autotask', '--switch-psa', '--data-dir', dir]);
    expect(switched.out).toMatch(/^Switched from ConnectWise to Autotask\. Kept: the mapping of 1 customer/m);
    expect(switched.code).toBe(0);
    const after = settingsOf(dir);
    expect(after).toMatchObject({ psa: { kind: 'autotask' }, connectwise: { site: '' }, ticketing: { enabled: false, connectwise: { boardId: null } }, mappings: { '8100000': { psaCompany: 'AcmeCorp' } } });
    const status = await cli(['status', '--data-dir', dir]);
    expect(status.out).toMatch(/^connectwise credentials: +missing companyId, publicKey, privateKey, clientId$/m);
    expect(status.out).toMatch(/^Ticketing: +off$/m);
  }, 60_000);

  it('ConnectWise: naming the type and subtype again keeps the saved item the board allows with them; one it does not allow is cleared, and said', async () => {
    const dir = tempDir();
    await cli(['configure', '--psa', 'connectwise', '--site', sims.urls.connectwiseSite, '--umbrella-url', sims.urls.umbrella, '--data-dir', dir], CREDENTIALS_ENV);
    await cli(['configure', 'ticketing', '--board', 'Service Desk', '--type', 'Security Incident', '--subtype', 'Botnet Activity', '--item', 'Workstation', '--data-dir', dir]);
    const again = await cli(['configure', 'ticketing', '--type', 'Security Incident', '--subtype', 'Botnet Activity', '--data-dir', dir]);
    expect(again.code).toBe(0);
    expect(settingsOf(dir).ticketing.connectwise).toMatchObject({ boardId: 1, typeId: 20, subTypeId: 30, itemId: 40 });
    const other = await cli(['configure', 'ticketing', '--type', 'Maintenance', '--data-dir', dir]);
    expect(other.out).toMatch(/type Maintenance \(21\), subtype none, item none \(the saved subtype Botnet Activity and the saved item Workstation cleared: the board does not allow it with these choices\)/);
    expect(settingsOf(dir).ticketing.connectwise).toMatchObject({ typeId: 21, subTypeId: null, itemId: null });
  }, 60_000);

  it('ConnectWise priorities are listed without a board (they are the same for every board), in ConnectWise\'s order', async () => {
    const dir = tempDir();
    await cli(['configure', '--psa', 'connectwise', '--site', sims.urls.connectwiseSite, '--umbrella-url', sims.urls.umbrella, '--data-dir', dir], CREDENTIALS_ENV);
    const listed = await cli(['list', 'priorities', '--json', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.out) as { name: string }[]).map((row) => row.name);
    expect(names.length).toBeGreaterThan(2);
    expect(names.slice(0, 2)).toEqual(['Priority 1 - Emergency Response', 'Priority 2 - Quick Response']);
  }, 60_000);

  it('an unknown ConnectWise company ID or Autotask username is a configuration error (2), not "could not run" (3)', async () => {
    const connectwise = tempDir();
    await cli(['configure', '--psa', 'connectwise', '--site', sims.urls.connectwiseSite, '--umbrella-url', sims.urls.umbrella, '--data-dir', connectwise], { ...CREDENTIALS_ENV, CONNECTWISE_COMPANY_ID: 'nosuchcompany' });
    const cw = await cli(['test-connection', 'psa', '--data-dir', connectwise]);
    expect(cw.err).toMatch(/ConnectWise does not know the company ID that was entered/);
    expect(cw.code).toBe(2);
    const autotask = tempDir();
    await cli(['configure', '--psa', 'autotask', '--autotask-url', sims.urls.autotaskDiscovery, '--umbrella-url', sims.urls.umbrella, '--data-dir', autotask], { ...CREDENTIALS_ENV, AUTOTASK_USERNAME: 'nobody@example.com' });
    const at = await cli(['test-connection', 'psa', '--data-dir', autotask]);
    expect(at.err).toMatch(/Autotask does not know the API username that was entered/);
    expect(at.code).toBe(2);
  }, 60_000);
});
