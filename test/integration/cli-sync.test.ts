import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { runCli } from '../../main/cli/app';
import { KEYCHAIN_SERVICE } from '../../main/adapters/store/secrets';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { closedPort, realSecretStore, requireSecretService, tempDir } from '../helpers/fixtures';

const run = promisify(execFile);

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env, readStdin: () => Promise.resolve(stdin) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterAll(async () => {
  for (const { account } of await keytar.findCredentials(KEYCHAIN_SERVICE)) await keytar.deletePassword(KEYCHAIN_SERVICE, account);
});

describe('umbrella-psa-sync sync', () => {
  it('--demo syncs the demo MSP: a line per customer, a summary, exit 0; the company inactive in the PSA is left unmapped, as map leaves it', async () => {
    const dir = tempDir();
    const result = await cli(['sync', '--demo', '--data-dir', dir]);
    expect(result.out).toMatch(/^\+ Acme Corporation \[8100000\] -> AcmeCorp: created$/m);
    expect(result.out).toMatch(/^- Summit Realty Group \[8100273\]: skipped: Not mapped to a PSA company\.$/m);
    expect(result.out).toMatch(/^Sync finished in [\d.]+ s: 21 created, 0 updated, 0 unchanged, 4 skipped, 0 failed\. Requests: Umbrella \d+, PSA \d+\.$/m);
    expect(result.code).toBe(0);
  });

  it('--demo --dry-run says what would happen and writes no configuration', async () => {
    const result = await cli(['sync', '--demo', '--psa', 'autotask', '--dry-run', '--data-dir', tempDir()]);
    expect(result.out).toMatch(/^\+ Acme Corporation \[8100000\] -> \d+: would be created$/m);
    expect(result.out).toMatch(/note: Would create the product "OpenDNS_Umbrella"/);
    expect(result.out).toMatch(/Dry run finished .* 22 would be created/);
  });

  it('--demo without --data-dir leaves no temporary folder behind', async () => {
    const demoFolders = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('umbrella-psa-sync-demo-')).sort();
    const before = demoFolders();
    const result = await cli(['sync', '--demo', '--psa', 'autotask', '--dry-run']);
    expect(result.out).toMatch(/Dry run finished/);
    expect(demoFolders()).toEqual(before);
  });

  it('without a configured PSA, says what to do', async () => {
    requireSecretService();
    const result = await cli(['sync', '--data-dir', tempDir()]);
    expect(result.code).toBe(2); // a configuration error
    expect(result.err).toMatch(/No PSA is chosen: pick ConnectWise or Autotask in step 1 of the setup wizard/);
  });

  it('the built bin exits non-zero when a customer failed', async () => {
    const dir = tempDir();
    // Mapped while its company was active; the company has since been made inactive in the PSA.
    openSettingsStore({ dir, log: memoryLogger() }).update({ mappings: { 8100273: { psaCompany: 'SummitRealtyGroup', excluded: false } } });
    const error = await run(process.execPath, ['out/main/cli.js', 'sync', '--demo', '--data-dir', dir]).catch((e: unknown) => e as { code: number; stdout: string });
    expect((error as { code: number }).code).toBe(1);
    expect((error as { stdout: string }).stdout).toMatch(/^✗ Summit Realty Group .* is inactive/m);
    expect((error as { stdout: string }).stdout).toMatch(/0 created, 0 updated, 0 unchanged, 24 skipped, 1 failed/);
  });
});

describe('a fatal error', () => {
  it('is printed once, naming the host and the reason', async () => {
    const { service } = await realSecretStore();
    const dir = tempDir();
    const env = {
      ...process.env, UMBRELLA_PSA_KEYCHAIN_SERVICE: service, UMBRELLA_API_KEY: 'k', UMBRELLA_API_SECRET: 's',
      CONNECTWISE_COMPANY_ID: 'acme', CONNECTWISE_PUBLIC_KEY: 'pub', CONNECTWISE_PRIVATE_KEY: 'priv', CONNECTWISE_CLIENT_ID: 'cid',
    };
    const cliRun = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', dir], { env }).catch((e: unknown) => e as { code: number; stdout: string; stderr: string });
    const port = await closedPort();
    await cliRun(['configure', '--psa', 'connectwise', '--site', `http://127.0.0.1:${String(port)}`, '--umbrella-url', `http://127.0.0.1:${String(port)}`]);
    const { stderr, code } = await cliRun(['sync']) as { code: number; stderr: string };
    expect(code).toBe(3); // could not run
    const lines = stderr.split('\n').filter((l) => l.startsWith('Error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${String(port)} refused the connection (ECONNREFUSED)`);
  }, 60_000);
});

describe('umbrella-psa-sync tickets', () => {
  it('--demo opens a ticket per identity over the threshold and prints a summary', async () => {
    const dir = tempDir();
    const first = await cli(['tickets', '--demo', '--data-dir', dir]);
    expect(first.out).toMatch(/^\+ ticket \d+ opened for ACMECO-WS-01 \(Acme Corporation\): 6 blocked botnet requests in \d{4}-\d\d-\d\d \d\d:00-\d\d:00 UTC$/m);
    // The demo MSP has not mapped Westbrook Law Office: its hit is named, not dropped, and the exit code says so.
    expect(first.out).toMatch(/^! Westbrook Law Office: WESTBR-[A-Z]+-01: \d+ blocked botnet request\(s\) in .* could not be ticketed: the customer is not mapped to a PSA company\./m);
    expect(first.out).toMatch(/^Ticket check finished: windows completed .*; 9 opened, 0 noted, 0 already reported, 0 failed, 1 not ticketed \(no active PSA company\), 0 window\(s\) skipped\.$/m);
    expect(first.code).toBe(1);
  });
});

describe('umbrella-psa-sync configure and map', () => {
  it('saves settings, and credentials from the environment or stdin into the keychain, never echoing them', async () => {
    requireSecretService();
    const dir = tempDir();
    const env = { UMBRELLA_API_KEY: 'cli-umb-key', UMBRELLA_API_SECRET: 'cli-umb-secret-51' };
    const saved = await cli(['configure', '--data-dir', dir, '--psa', 'connectwise', '--site', 'eu.myconnectwise.net'], env);
    expect(saved.code).toBe(0);
    expect(saved.out).toContain('Saved umbrella credentials in the OS keychain: apiKey, apiSecret.');
    expect(saved.out).not.toMatch(/cli-umb-secret-51|cli-umb-key/);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, 'umbrella.apiSecret')).toBe('cli-umb-secret-51');

    const stdin = 'CONNECTWISE_COMPANY_ID=acme\nCONNECTWISE_PUBLIC_KEY=pub\n# comment\nCONNECTWISE_PRIVATE_KEY=priv-from-stdin\nCONNECTWISE_CLIENT_ID=cid\n';
    const fromStdin = await cli(['configure', '--data-dir', dir, '--secrets-stdin'], {}, stdin);
    expect(fromStdin.out).toContain('Saved connectwise credentials in the OS keychain: companyId, publicKey, privateKey, clientId.');
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, 'connectwise.privateKey')).toBe('priv-from-stdin');

    const settings = openSettingsStore({ dir, log: memoryLogger() }).get();
    expect(settings.psa.kind).toBe('connectwise');
    expect(settings.connectwise.site).toBe('eu.myconnectwise.net');
  });

  it('refuses secrets on the command line and bad values with a clear message', async () => {
    const argvSecret = await cli(['configure', '--umbrella-secret', 'x']);
    expect(argvSecret.code).toBe(2);
    expect(argvSecret.err).toMatch(/Unknown option '--umbrella-secret'/);
    const badPsa = await cli(['configure', '--data-dir', tempDir(), '--psa', 'halo']);
    expect(badPsa.code).toBe(2);
    expect(badPsa.err).toMatch(/--psa must be connectwise or autotask/);
    const badUrl = await cli(['configure', '--data-dir', tempDir(), '--umbrella-url', 'http://evil.example']);
    expect(badUrl.err).toMatch(/Use https \(plain http only for 127\.0\.0\.1 or localhost\)/);
  });

  it('maps, excludes and clears customers offline with --no-check', async () => {
    const dir = tempDir();
    const offline = ['--no-check', '--data-dir', dir];
    expect((await cli(['map', '8100000', 'AcmeCorp', ...offline])).out).toBe('Customer 8100000 is mapped to AcmeCorp.');
    expect((await cli(['map', '8100013', '--exclude', ...offline])).out).toBe('Customer 8100013 is excluded from the sync.');
    expect((await cli(['map', '8100000', '--clear', ...offline])).out).toBe('Customer 8100000 is no longer mapped.');
    const notAnOrg = await cli(['map', 'acme', 'AcmeCorp', ...offline]);
    expect(notAnOrg.err).toMatch(/needs an Umbrella organization id/);
    expect(notAnOrg.code).toBe(2);
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().mappings).toEqual({
      8100000: { psaCompany: null, excluded: false }, 8100013: { psaCompany: null, excluded: true },
    });
  });
});
