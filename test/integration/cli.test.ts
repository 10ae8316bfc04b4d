import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/app';
import { openSettingsStore } from '../../main/adapters/store/settings';
import type { RunRecord } from '../../main/adapters/store/state';
import { openStateStore } from '../../main/adapters/store/state-database';
import { memoryLogger } from '../../main/adapters/logging/logger';
import pkg from '../../package.json';
import { requireSecretService, tempDir } from '../helpers/fixtures';

const run = promisify(execFile);

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('umbrella-psa-sync CLI', () => {
  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: umbrella-psa-sync <command>/);
    expect((await cli(['--version'])).out).toBe(pkg.version);
  });

  it('rejects unknown commands and options with a pointer to --help', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown command "frobnicate"\. Run .*--help/);
    const typoCommand = await cli(['statuss']);
    expect(typoCommand.err).toBe('Unknown command "statuss". Did you mean "status"? Run "umbrella-psa-sync --help" for the list of commands.');
    expect(typoCommand.code).toBe(2);
    const badOption = await cli(['status', '--secret=abc']);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toMatch(/Unknown option '--secret'/);
    const nowhere = await cli(['status', '--data-dir', path.join(tempDir(), 'no-such-folder')]);
    expect(nowhere.err).toMatch(/There is no settings folder at .*no-such-folder: nothing is set up there\. Check --data-dir/);
    expect(nowhere.code).toBe(2);
    const typo = await cli(['configure', '--fallbak-company', 'X']);
    expect(typo.err).toMatch(/^Unknown option '--fallbak-company'\. Did you mean --fallback-company\?\nRun "umbrella-psa-sync --help" for usage\.$/);
    expect(typo.code).toBe(2);
  });

  it('status reads the same settings file and keychain as the app', async () => {
    requireSecretService();
    const dir = tempDir();
    openSettingsStore({ dir, log: memoryLogger() }).update({
      psa: { kind: 'connectwise' },
      mappings: { '1': { psaCompany: 'A', excluded: false }, '2': { psaCompany: null, excluded: false }, '3': { psaCompany: 'C', excluded: true } },
    });
    const result = await cli(['status', '--data-dir', dir, '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.out) as { psa: string; mapped: number; credentials: { umbrella: { complete: boolean } } };
    expect(status.psa).toBe('connectwise');
    expect(status.mapped).toBe(1);
    expect(typeof status.credentials.umbrella.complete).toBe('boolean');
  });

  it('status shows the last sync and the last ticket check, and --json has the runs', async () => {
    requireSecretService();
    const dir = tempDir();
    openSettingsStore({ dir, log: memoryLogger() }).update({ psa: { kind: 'connectwise' } });
    const record = (kind: 'sync' | 'tickets', at: string, counts: Partial<RunRecord['counts']>): RunRecord => ({
      id: `${kind}-${at}`, kind, psa: 'connectwise', dryRun: false, startedAt: at, finishedAt: at,
      counts: { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, ...counts }, requests: { umbrella: 1, psa: 1 }, problems: [], notes: [],
    });
    const state = openStateStore({ dir, log: memoryLogger() });
    state.updateNow((s) => { s.runs = [record('tickets', '2026-12-02T04:00:00.000Z', { created: 2 }), record('sync', '2026-12-02T00:00:00.000Z', { created: 6, failed: 1 })]; });
    state.close();
    const text = await cli(['status', '--data-dir', dir]);
    expect(text.out).toMatch(/^Last sync: {7}2026-12-02 00:00 UTC, 6 created, 0 updated, 0 unchanged, 1 failed$/m);
    expect(text.out).toMatch(/^Last ticket check: 2026-12-02 04:00 UTC, 2 opened/m);
    expect(text.out).toMatch(/^Last runs:\n {2}Ticket check 2026-12-02 04:00 UTC: 2 ticket\(s\) opened\n {2}Sync 2026-12-02 00:00 UTC: 6 configuration\(s\) written, 1 customer\(s\) failed$/m);
    const json = JSON.parse((await cli(['status', '--data-dir', dir, '--json'])).out) as { lastSync: RunRecord | null; lastTicketCheck: RunRecord | null; runs: RunRecord[] };
    expect(json.lastSync?.counts.created).toBe(6);
    expect(json.lastTicketCheck?.counts.created).toBe(2);
    expect(json.runs.map((r) => r.kind)).toEqual(['tickets', 'sync']);
  });

  it('configure sets the Autotask API share and the fallback company (checked with the PSA), and refuses a share out of range or nothing to save', async () => {
    requireSecretService();
    const dir = tempDir();
    const saved = await cli(['configure', '--data-dir', dir, '--autotask-api-share', '30%']);
    expect(saved.code).toBe(0);
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().autotask.apiSharePercent).toBe(30);
    // A fallback company is checked with the PSA first, as the wizard does: with no PSA chosen it cannot be.
    const unchecked = await cli(['configure', '--data-dir', dir, '--fallback-company', '29683500']);
    expect(unchecked.err).toMatch(/No PSA is chosen/);
    expect(unchecked.code).toBe(2);
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().ticketing.fallbackCompany).toBeNull();
    const nothing = await cli(['configure', '--data-dir', dir]);
    expect(nothing.err).toMatch(/Nothing to save/);
    expect(nothing.code).toBe(2);
    const bad = await cli(['configure', '--data-dir', dir, '--autotask-api-share', '99']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/autotask\.apiSharePercent: The API share is at most 90%/);
    await cli(['configure', '--data-dir', dir, '--fallback-company', 'none']);
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().ticketing.fallbackCompany).toBeNull();
  });

  it('status shows the PSA API usage of the last run and writes nothing, even beside a damaged state file', async () => {
    requireSecretService();
    const dir = tempDir();
    openSettingsStore({ dir, log: memoryLogger() }).update({ psa: { kind: 'autotask' } });
    const run = {
      id: 'sync-1', kind: 'sync', psa: 'autotask', dryRun: false, startedAt: '2026-11-25T00:00:00.000Z', finishedAt: '2026-11-25T00:01:00.000Z',
      counts: { created: 0, updated: 1, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 8, psa: 3 }, problems: [], notes: [],
      psaUsage: { used: 1234, limit: 10000, cap: 0.5, at: '2026-11-25T00:00:30.000Z' },
    };
    const store = openStateStore({ dir, log: memoryLogger() });
    store.updateNow((s) => { s.runs = [run as RunRecord]; s.configurations['autotask:1'] = { configurationId: 1, companyId: 1, values: {}, syncedAt: new Date().toISOString() }; });
    store.close();
    const db = new DatabaseSync(path.join(dir, 'state.db'));
    db.exec("UPDATE entries SET value = '{damaged' WHERE key = 'autotask:1'");
    db.close();
    // SQLite's own shared-memory index (state.db-shm) and an empty write-ahead log may appear beside the database: nothing else may change.
    const snapshot = () => fs.readdirSync(dir).sort().filter((file) => file !== 'state.db-shm' && !(file === 'state.db-wal' && fs.statSync(path.join(dir, file)).size === 0))
      .map((file) => `${file} ${fs.readFileSync(path.join(dir, file)).toString('base64')}`);
    const before = snapshot();
    const text = await cli(['status', '--data-dir', dir]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/PSA API usage: {3}1234 of 10000 requests this hour, every integration together .*under 50%/);
    const json = JSON.parse((await cli(['status', '--data-dir', dir, '--json'])).out) as { psaUsage: { used: number } };
    expect(json.psaUsage.used).toBe(1234);
    expect(snapshot()).toEqual(before);
  });

  it('the built bin runs through npx in a checkout', async () => {
    const { stdout } = await run('npx', ['--no-install', 'umbrella-psa-sync', '--help']);
    expect(stdout).toMatch(/Umbrella PSA Sync .* command line/);
  });
});
