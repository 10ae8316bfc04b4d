/**
 * `umbrella-psa-sync service` as a real child process on a configured folder: it runs the due sync
 * and ticket check, stops cleanly on SIGTERM in the middle of a sync (customers waiting for
 * Umbrella's token window give up; nothing is written twice), finishes the work at its next start,
 * and catches up on the windows missed while it was down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../simulators/demo';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openStateStore } from '../../main/adapters/store/state-database';
import { WINDOW_MS, windowOf } from '../../main/domain/windows';
import { buildWorld } from '../../simulators/seed';
import { configuredFolder, startBin } from '../helpers/processes';
import { startSyncHarness, type SyncHarness } from '../helpers/sync';
import { duplicates } from '../helpers/tickets';

// Umbrella's minute becomes 6 s in the service (test-only hook): long enough to stop it while it waits.
const LIMIT_SCALE = '10';
let h: SyncHarness | null = null;
afterEach(async () => { await h?.stop(); h = null; });

function service(dir: string, keychain: string) {
  return startBin(['service', '--data-dir', dir], { UMBRELLA_PSA_KEYCHAIN_SERVICE: keychain, NODE_ENV: 'test', UMBRELLA_PSA_TEST_LIMIT_SCALE: LIMIT_SCALE });
}

async function until(what: string, condition: () => boolean, output: () => string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}. Output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Configurations per PSA company: any above 1 is a duplicate. */
function configurationDuplicates(harness: SyncHarness): string[] {
  const counts = new Map<string, number>();
  for (const c of harness.connectwise.configurations) {
    const key = String(c.company.id);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${String(n)}`);
}

describe('the service', () => {
  it('runs the due sync and ticket check; SIGTERM mid-sync stops it cleanly; the next start finishes the work, with no duplicate', async () => {
    // More customers than one token window: the sync is still running when the first window is used up.
    h = await startSyncHarness('connectwise', { world: buildWorld({ anchor: windowOf(Date.now()) - 30 * 60_000, customers: 40, seed: 3 }) });
    const harness = h;
    const keychain = await configuredFolder(harness, 'connectwise');
    const first = service(harness.dir, keychain);
    const tokens = () => harness.umbrella.exchanges.filter((e) => e.path === '/auth/v2/token').length;
    await until('the first token window used up', () => tokens() >= 20 && harness.connectwise.configurations.length >= 10, first.output);
    // The window's requests have landed; the rest of the sync waits for the next window.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.output()).not.toMatch(/Sync finished/);
    const tokensAtStop = tokens();
    first.child.kill('SIGTERM');
    const code = await Promise.race([first.exited, new Promise<string>((resolve) => setTimeout(() => { resolve('still running'); }, 20_000))]);
    expect(code, first.output()).toBe(0);
    expect(first.output()).toMatch(/SIGTERM: stopping\. No new job or customer starts/);
    expect(first.output()).toMatch(/Sync finished: .*Stopped before the end: \d+ customer\(s\) were not synced; they are synced at the next run\./);
    // "Stopped." is the last word. Read from the log file: the console's stdout and stderr lines reach the
    // test through two pipes, whose interleaving says nothing about the order they were written in.
    const logged = fs.readFileSync(path.join(harness.dir, 'logs', 'service.log'), 'utf8').trimEnd().split('\n');
    expect(logged.at(-1), logged.join('\n')).toMatch(/ info +Stopped\.$/);
    expect(logged.findIndex((line) => /Sync finished: .*Stopped before the end/.test(line))).toBeGreaterThan(-1);
    // Said once per run: the engine does not log the stop as an error besides the run's line. (The ticket check may
    // be stopped too, depending on the hour: its own line, once.)
    expect(logged.filter((line) => line.includes('Stopped before the end') && line.includes('were not synced'))).toHaveLength(1);
    expect(logged.filter((line) => line.includes('Stopped before the end') && !line.includes('were not synced')).length).toBeLessThanOrEqual(1);
    expect(logged.filter((line) => line.includes('Stopped before the end')).every((line) => /(Sync|Ticket check) finished: /.test(line))).toBe(true);
    // Customers waiting for the token window gave up: not one more token was asked for after the stop.
    expect(tokens()).toBe(tokensAtStop);
    const syncedBefore = harness.connectwise.configurations.length;
    const mapped = Object.values(harness.mappings).filter((m) => m.psaCompany !== null).length;
    expect(syncedBefore).toBeLessThan(mapped);

    // The next start: the sync that stopped is due again, and finishes; nothing twice.
    const second = service(harness.dir, keychain);
    await until('the sync to finish', () => /Sync finished: (?!.*Stopped before)/.test(second.output()), second.output, 90_000);
    await until('the ticket check to finish', () => /Ticket check finished/.test(second.output()) || /Ticket check finished/.test(first.output()), second.output, 60_000);
    await until('the next runs to be said', () => /Next: sync due \d{4}-\d\d-\d\d 00:00 UTC/.test(second.output()), second.output, 10_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(configurationDuplicates(harness)).toEqual([]);
    expect(duplicates(harness, 'connectwise')).toEqual([]);
    const runs = openStateStore({ dir: harness.dir, log: memoryLogger(), readOnly: true }).get().runs;
    expect(runs.filter((r) => r.kind === 'sync').map((r) => r.error === undefined)).toEqual([true, false]);
  }, 180_000);

  it('catches up after a gap: the windows missed while it was down are each checked once, from where it stopped', async () => {
    const latest = windowOf(Date.now()) - WINDOW_MS;
    h = await startSyncHarness('autotask', { world: buildWorld({ anchor: latest + 30 * 60_000, customers: 12 }) });
    const harness = h;
    const keychain = await configuredFolder(harness, 'autotask', { syncEnabled: false, ticketsEnabled: true, paused: false });
    // Down for 12 hours: the last window it processed ended 3 windows before the latest.
    const state = openStateStore({ dir: harness.dir, log: memoryLogger() });
    state.updateNow((s) => { s.tickets.lastProcessedWindow = latest - 3 * WINDOW_MS; });
    state.close();
    const run = service(harness.dir, keychain);
    await until('the ticket check to finish', () => /Ticket check finished/.test(run.output()), run.output);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const after = openStateStore({ dir: harness.dir, log: memoryLogger(), readOnly: true }).get();
    expect(after.tickets.lastProcessedWindow).toBe(latest);
    const [check] = after.runs;
    expect(check?.kind).toBe('tickets');
    expect(check?.notes.filter((n) => /provider-wide report/.test(n))).toHaveLength(3);
    expect(check?.counts.created).toBeGreaterThan(0);
    expect(duplicates(harness, 'autotask')).toEqual([]);
    // The same lines in the service's log file, with no credential in them.
    const logged = fs.readFileSync(path.join(harness.dir, 'logs', 'service.log'), 'utf8');
    expect(logged).toMatch(/ info {2}Ticket check finished/);
    // The line names the tickets it opened (and any customer that failed), not just counts.
    expect(logged).toMatch(/Ticket check finished: \d+ ticket\(s\) opened, .*; tickets: opened \d+ for \S.* \(.+\)/);
    for (const value of [...Object.values(DEMO_CREDENTIALS.umbrella), ...Object.values(DEMO_CREDENTIALS.autotask)]) expect(logged).not.toContain(value);
  }, 120_000);
});
