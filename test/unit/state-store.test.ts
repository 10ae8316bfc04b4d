import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/log';
import { HISTORY_LIMIT, openStateStore, type RunRecord } from '../../main/store/state';
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

  it('keeps the last 200 runs when the engine trims it', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) store.update((s) => { s.runs = [run(i), ...s.runs].slice(0, HISTORY_LIMIT); });
    store.flush();
    const runs = openStateStore({ dir, log: memoryLogger() }).get().runs;
    expect(runs).toHaveLength(HISTORY_LIMIT);
    expect(runs[0]?.id).toBe(`sync-${String(HISTORY_LIMIT + 4)}`);
  });

  it('moves a corrupt or invalid file aside with a clear log line and starts empty', () => {
    for (const content of ['{"configurations": {', JSON.stringify({ version: 1, configurations: { x: { configurationId: 'not a number' } } })]) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'state.json'), content);
      const log = memoryLogger();
      const store = openStateStore({ dir, log, now: () => new Date('2026-11-25T10:00:00Z') });
      expect(store.get().configurations).toEqual({});
      expect(fs.readFileSync(path.join(dir, 'state.json.corrupt-2026-11-25T10-00-00-000Z'), 'utf8')).toBe(content);
      expect(log.lines[0]).toMatch(/State file .* could not be read .*nothing is created twice/);
    }
  });

  it('keeps the file private to the user', () => {
    const dir = tempDir();
    openStateStore({ dir, log: memoryLogger() }).updateNow((s) => { s.runs = [run(1)]; });
    expect(fs.statSync(path.join(dir, 'state.json')).mode & 0o077).toBe(0);
  });
});
