import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { HISTORY_LIMIT, openStateStore, type RunRecord } from '../../main/adapters/store/state';
import { tempDir } from '../helpers/fixtures';

const run = (i: number): RunRecord => ({
  id: `sync-${String(i)}`, kind: 'sync', psa: 'connectwise', dryRun: false, startedAt: '2026-11-25T00:00:00.000Z', finishedAt: '2026-11-25T00:01:00.000Z',
  counts: { created: 0, updated: 1, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 8, psa: 1 }, problems: [], notes: [],
});

describe('state file', () => {
  it('writes immediately on updateNow and survives a reopen', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    store.updateNow((s) => { s.configurations['connectwise:1'] = { configurationId: 5, companyId: 7, values: { seats: 3 }, syncedAt: 'x' }; });
    expect(openStateStore({ dir, log: memoryLogger() }).get().configurations['connectwise:1']?.configurationId).toBe(5);
  });

  it('coalesces ordinary updates into one write, flushed on demand', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger(), flushMs: 60_000 });
    for (let i = 0; i < 100; i++) store.update((s) => { s.configurations[`autotask:${String(i)}`] = { configurationId: i, companyId: i, values: {}, syncedAt: 'x' }; });
    expect(fs.existsSync(store.path)).toBe(false);
    store.flush();
    expect(Object.keys(openStateStore({ dir, log: memoryLogger() }).get().configurations)).toHaveLength(100);
  });

  it('a deferred write that finds the file locked by another process is said once and kept, not thrown out of its timer; it is written once the lock is free', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    const store = openStateStore({ dir, log, flushMs: 5, lockWaitMs: 100 });
    store.updateNow((s) => { s.configurations['connectwise:1'] = { configurationId: 1, companyId: 1, values: {}, syncedAt: 'x' }; });
    // Another process holds the state file's lock (as a second app would, in the middle of a write).
    const release = lockfile.lockSync(store.path, { realpath: false, stale: 10_000 });
    store.update((s) => { s.configurations['connectwise:2'] = { configurationId: 2, companyId: 2, values: {}, syncedAt: 'x' }; });
    store.update((s) => { s.runs = [run(1), ...s.runs]; });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([
      expect.stringMatching(/^warn: State file .*state\.json could not be written \(.*stayed locked by another process.*\); the changes are kept in memory and written when it can be/),
    ]);
    expect(store.get().configurations['connectwise:2']?.configurationId).toBe(2);
    release();
    store.flush();
    const saved = openStateStore({ dir, log: memoryLogger() }).get();
    expect(saved.configurations['connectwise:2']?.configurationId).toBe(2);
    expect(saved.runs.map((r) => r.id)).toEqual(['sync-1']);
    expect(log.lines.at(-1)).toMatch(/^info: State file .* written again after \d+ s; nothing was lost\./);
  });

  it('gathers ordinary updates for 30 s before rewriting the file, instead of rewriting it every second of a sync', () => {
    vi.useFakeTimers();
    try {
      const dir = tempDir();
      const store = openStateStore({ dir, log: memoryLogger() });
      for (let second = 0; second < 29; second++) {
        store.update((s) => { s.configurations[`connectwise:${String(second)}`] = { configurationId: second, companyId: second, values: {}, syncedAt: 'x' }; });
        vi.advanceTimersByTime(1_000);
      }
      expect(fs.existsSync(store.path)).toBe(false);
      vi.advanceTimersByTime(1_000);
      expect(Object.keys(openStateStore({ dir, log: memoryLogger() }).get().configurations)).toHaveLength(29);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the last 200 runs when the engine trims it', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) store.update((s) => { s.runs = [run(i), ...s.runs].slice(0, HISTORY_LIMIT); });
    store.flush();
    const runs = openStateStore({ dir, log: memoryLogger() }).get().runs;
    expect(runs).toHaveLength(HISTORY_LIMIT);
    expect(runs[0]?.id).toBe(`sync-${String(HISTORY_LIMIT + 4)}`);
  });

  it('forgets what has not come up for 90 days (a customer no longer synced, a computer with no hit), keeps the rest and any create in progress', () => {
    const dir = tempDir();
    const now = Date.UTC(2027, 2, 1);
    const day = 86_400_000;
    const store = openStateStore({ dir, log: memoryLogger(), now: () => new Date(now) });
    const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();
    store.updateNow((s) => {
      s.configurations['connectwise:1'] = { configurationId: 1, companyId: 1, values: {}, syncedAt: at(1) };
      s.configurations['connectwise:2'] = { configurationId: 2, companyId: 2, values: {}, syncedAt: at(91) };
      s.lastResults['connectwise:1'] = { status: 'updated', at: at(1) };
      s.lastResults['connectwise:2'] = { status: 'updated', at: at(91) };
      s.tickets.ledger['connectwise:1:10'] = { ticketId: 5, pendingMarker: null, lastWindow: now - 2 * day, lastCount: 4 };
      s.tickets.ledger['connectwise:2:20'] = { ticketId: 6, pendingMarker: null, lastWindow: now - 120 * day, lastCount: 4 };
      s.tickets.ledger['connectwise:2:21'] = { ticketId: null, pendingMarker: 'umbrella-psa-sync/2/21/x', lastWindow: now - 120 * day, lastCount: 4 };
      s.tickets.progress['connectwise:1'] = { doneThrough: now - day };
      s.tickets.progress['connectwise:2'] = { doneThrough: now - 100 * day };
    });
    const kept = openStateStore({ dir, log: memoryLogger() }).get();
    expect(Object.keys(kept.configurations)).toEqual(['connectwise:1']);
    expect(Object.keys(kept.lastResults)).toEqual(['connectwise:1']);
    expect(Object.keys(kept.tickets.ledger).sort()).toEqual(['connectwise:1:10', 'connectwise:2:21']);
    expect(Object.keys(kept.tickets.progress)).toEqual(['connectwise:1']);
  });

  it('moves an unreadable file aside with a clear log line and starts empty', () => {
    const dir = tempDir();
    const content = '{"configurations": {';
    fs.writeFileSync(path.join(dir, 'state.json'), content);
    const log = memoryLogger();
    const store = openStateStore({ dir, log, now: () => new Date('2026-11-25T10:00:00Z') });
    expect(store.get().configurations).toEqual({});
    expect(fs.readFileSync(path.join(dir, 'state.json.corrupt-2026-11-25T10-00-00-000Z'), 'utf8')).toBe(content);
    expect(log.lines[0]).toMatch(/State file .* was damaged \(not valid JSON.*nothing in it could be kept\).*looked up in the PSA before anything is created, so nothing is created twice/);
  });

  it('one invalid entry loses only itself: the rest is kept, the original moved aside, the dropped entry named', () => {
    const dir = tempDir();
    const good = { configurationId: 5, companyId: 7, values: { seats: 3 }, syncedAt: 'x' };
    const ledger = { ticketId: 41, pendingMarker: null, lastWindow: 0, lastCount: 6 };
    const content = JSON.stringify({
      version: 1,
      configurations: { 'connectwise:1': good, 'connectwise:2': { configurationId: 'not a number' } },
      runs: [run(1), { id: 'broken' }],
      tickets: { lastProcessedWindow: 1_764_028_800_000, ledger: { 'connectwise:1:9': ledger, 'connectwise:1:10': { ticketId: 'x' } }, progress: { 'connectwise:1': { doneThrough: 'soon' } } },
    });
    fs.writeFileSync(path.join(dir, 'state.json'), content);
    const log = memoryLogger();
    const state = openStateStore({ dir, log, now: () => new Date('2026-11-25T10:00:00Z') }).get();
    expect(state.configurations).toEqual({ 'connectwise:1': good });
    expect(state.runs.map((r) => r.id)).toEqual(['sync-1']);
    expect(state.tickets.ledger).toEqual({ 'connectwise:1:9': ledger });
    expect(state.tickets.lastProcessedWindow).toBe(1_764_028_800_000);
    expect(state.tickets.progress).toEqual({});
    expect(fs.readFileSync(path.join(dir, 'state.json.corrupt-2026-11-25T10-00-00-000Z'), 'utf8')).toBe(content);
    expect(log.lines[0]).toMatch(/dropped 4 invalid entries: runs\[1\], configurations\.connectwise:2 .*tickets\.ledger\.connectwise:1:10.*tickets\.progress\.connectwise:1/);
    // What was kept is on disk again, valid: the next process reads it without another warning.
    const again = memoryLogger();
    expect(openStateStore({ dir, log: again }).get().configurations).toEqual({ 'connectwise:1': good });
    expect(again.lines).toEqual([]);
  });

  it('a read-only opening (status) neither writes nor moves a damaged file', () => {
    const dir = tempDir();
    const content = JSON.stringify({ configurations: { a: { configurationId: 'x' } }, runs: [run(2)] });
    fs.writeFileSync(path.join(dir, 'state.json'), content);
    const log = memoryLogger();
    const store = openStateStore({ dir, log, readOnly: true });
    expect(store.get().runs).toHaveLength(1);
    store.close();
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
    expect(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')).toBe(content);
    expect(log.lines[0]).toMatch(/damaged .*changing nothing/);
  });

  it('two stores on one folder (two processes) keep each other\'s writes', () => {
    const dir = tempDir();
    const app = openStateStore({ dir, log: memoryLogger(), flushMs: 60_000 });
    const cli = openStateStore({ dir, log: memoryLogger(), flushMs: 60_000 });
    app.get();
    cli.updateNow((s) => { s.runs = [run(1), ...s.runs]; s.tickets.ledger['autotask:1:2'] = { ticketId: 9, pendingMarker: null, lastWindow: Date.now(), lastCount: 4 }; });
    // The app had a coalesced change pending: it is applied to the latest file, not over it.
    app.update((s) => { s.configurations['autotask:1'] = { configurationId: 5, companyId: 7, values: {}, syncedAt: 'x' }; });
    app.updateNow((s) => { s.runs = [run(2), ...s.runs]; });
    const read = openStateStore({ dir, log: memoryLogger() }).get();
    expect(read.runs.map((r) => r.id)).toEqual(['sync-2', 'sync-1']);
    expect(read.tickets.ledger['autotask:1:2']?.ticketId).toBe(9);
    expect(read.configurations['autotask:1']?.configurationId).toBe(5);
    expect(cli.get().configurations['autotask:1']?.configurationId).toBe(5);
  });

  it('keeps the file private to the user', () => {
    const dir = tempDir();
    openStateStore({ dir, log: memoryLogger() }).updateNow((s) => { s.runs = [run(1)]; });
    expect(fs.statSync(path.join(dir, 'state.json')).mode & 0o077).toBe(0);
  });
});
