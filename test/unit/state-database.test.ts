import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { HISTORY_LIMIT, type PsaWrite, type RunRecord } from '../../main/adapters/store/state';
import { openStateStore, STATE_DATABASE } from '../../main/adapters/store/state-database';
import { tempDir } from '../helpers/fixtures';

const run = (i: number, startedAt = '2026-11-25T00:00:00.000Z'): RunRecord => ({
  id: `sync-${String(i)}`, kind: 'sync', psa: 'connectwise', dryRun: false, startedAt, finishedAt: startedAt,
  counts: { created: 0, updated: 1, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 8, psa: 1 }, problems: [], notes: [],
});
const configuration = (id: number) => ({ configurationId: id, companyId: id, values: { seats: id }, syncedAt: '2026-11-25T00:00:00.000Z' });
const write = (orgId: number, field: string, old: string | null, now: string): PsaWrite => ({
  runId: 'sync-1', psa: 'connectwise', orgId, customer: `Customer ${String(orgId)}`, companyId: 250, company: 'AcmeCorp',
  entity: 'configuration', entityId: '1033', action: old === null ? 'created' : 'updated', changes: [{ field, old, new: now }], detail: null,
});
const dbFile = (dir: string) => path.join(dir, STATE_DATABASE);
const fixture = path.join(import.meta.dirname, '..', 'fixtures', 'legacy-state.json');

describe('state database', () => {
  it('writes each change before the process does anything else: another process sees it without the writer closing (as after a kill -9)', async () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    store.update((s) => { s.configurations['connectwise:1'] = configuration(5); });
    expect(store.get().configurations['connectwise:1']?.configurationId).toBe(5);
    await new Promise(setImmediate);
    // Not closed, not flushed: what a process killed right after the write leaves behind.
    expect(openStateStore({ dir, log: memoryLogger() }).get().configurations['connectwise:1']?.configurationId).toBe(5);
    expect(store.bytesWritten).toBeGreaterThan(0);
  });

  it('the changes of one turn of the event loop share one transaction (a check marking many quiet customers done)', async () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    store.updateNow(() => undefined);
    const one = store.bytesWritten;
    store.update((s) => { s.tickets.progress['connectwise:0'] = { doneThrough: Date.now() }; });
    await new Promise(setImmediate);
    const single = store.bytesWritten - one;
    for (let i = 1; i <= 100; i++) store.update((s) => { s.tickets.progress[`connectwise:${String(i)}`] = { doneThrough: Date.now() }; });
    await new Promise(setImmediate);
    const hundred = store.bytesWritten - one - single;
    expect(Object.keys(openStateStore({ dir, log: memoryLogger() }).get().tickets.progress)).toHaveLength(101);
    // A hundred small rows fit a handful of pages: far less than a hundred transactions of a page each.
    expect(hundred).toBeLessThan(single * 20);
  });

  it('a write that finds the database held by another process past the busy timeout is said once and kept, then written once it is free', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    const store = openStateStore({ dir, log, lockWaitMs: 100 });
    store.updateNow((s) => { s.configurations['connectwise:1'] = configuration(1); });
    // Another process in the middle of a long write transaction.
    const other = new DatabaseSync(dbFile(dir));
    other.exec('BEGIN IMMEDIATE');
    store.update((s) => { s.configurations['connectwise:2'] = configuration(2); });
    store.update((s) => { s.runs = [run(1), ...s.runs]; });
    await new Promise(setImmediate);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([
      expect.stringMatching(/^warn: State database .*state\.db could not be written \(another process \(the app, the CLI or the service\) held it for longer than 0\.1 s \(database is locked\)\); the change is kept in memory and written when it can be/),
    ]);
    expect(store.get().configurations['connectwise:2']?.configurationId).toBe(2);
    other.exec('ROLLBACK');
    other.close();
    store.flush();
    const saved = openStateStore({ dir, log: memoryLogger() }).get();
    expect(saved.configurations['connectwise:2']?.configurationId).toBe(2);
    expect(saved.runs.map((r) => r.id)).toEqual(['sync-1']);
    expect(log.lines.at(-1)).toMatch(/^info: State database .* written again after \d+ s; nothing was lost\./);
  });

  it('an immediate write (a ticket just created) throws when it cannot be written, and is not lost: the next write takes it', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger(), lockWaitMs: 50 });
    const other = new DatabaseSync(dbFile(dir));
    other.exec('BEGIN IMMEDIATE');
    expect(() => { store.updateNow((s) => { s.tickets.ledger['connectwise:1:2'] = { ticketId: 9, pendingMarker: null, lastWindow: Date.now(), lastCount: 3 }; }); }).toThrow(/^State database .*state\.db could not be written: another process .* held it for longer than 0\.05 s \(database is locked\)\. The change is kept in memory/);
    other.exec('ROLLBACK');
    other.close();
    store.updateNow((s) => { s.runs = [run(1)]; });
    expect(openStateStore({ dir, log: memoryLogger() }).get().tickets.ledger['connectwise:1:2']?.ticketId).toBe(9);
  });

  it('keeps every run within the history retention, not the last 200; get() holds the latest 200', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger(), now: () => new Date('2026-12-01T00:00:00Z') });
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      store.update((s) => { s.runs = [run(i, new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString()), ...s.runs].slice(0, HISTORY_LIMIT); });
    }
    store.flush();
    const runs = openStateStore({ dir, log: memoryLogger() }).get().runs;
    expect(runs).toHaveLength(HISTORY_LIMIT);
    expect(runs[0]?.id).toBe(`sync-${String(HISTORY_LIMIT + 4)}`);
    const db = new DatabaseSync(dbFile(dir), { readOnly: true });
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: HISTORY_LIMIT + 5 });
    db.close();
  });

  it('forgets what has not come up for 90 days (a customer no longer synced, a computer with no hit), keeps the rest and any create in progress', () => {
    const dir = tempDir();
    const now = Date.UTC(2027, 2, 1);
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(now - daysAgo * day).toISOString();
    const writer = openStateStore({ dir, log: memoryLogger(), now: () => new Date(now - 100 * day) });
    writer.updateNow((s) => {
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
    writer.close();
    // Retention is applied at a process's first write (a read-only status never deletes anything).
    openStateStore({ dir, log: memoryLogger(), now: () => new Date(now) }).updateNow(() => undefined);
    const kept = openStateStore({ dir, log: memoryLogger(), now: () => new Date(now) }).get();
    expect(Object.keys(kept.configurations)).toEqual(['connectwise:1']);
    expect(Object.keys(kept.lastResults)).toEqual(['connectwise:1']);
    expect(Object.keys(kept.tickets.ledger).sort()).toEqual(['connectwise:1:10', 'connectwise:2:21']);
    expect(Object.keys(kept.tickets.progress)).toEqual(['connectwise:1']);
  });

  it('keeps the run history and the audit trail for the history retention (a year unless set), and no longer', () => {
    const dir = tempDir();
    let now = new Date('2026-01-10T00:00:00Z');
    const store = openStateStore({ dir, log: memoryLogger(), now: () => now, historyDays: () => 30 });
    store.updateNow((s) => { s.runs = [run(1, '2026-01-10T00:00:00.000Z')]; }, [write(1, 'seats', '3', '4')]);
    now = new Date('2026-02-05T00:00:00Z');
    store.updateNow((s) => { s.runs = [run(2, '2026-02-05T00:00:00.000Z'), ...s.runs]; }, [write(2, 'seats', '5', '6')]);
    store.close();
    now = new Date('2026-02-20T00:00:00Z');
    const later = openStateStore({ dir, log: memoryLogger(), now: () => now, historyDays: () => 30 });
    later.updateNow(() => undefined);
    expect(later.get().runs.map((r) => r.id)).toEqual(['sync-2']);
    expect(later.history().map((w) => w.orgId)).toEqual([2]);
  });

  it('records each PSA write with when, which run, customer and company, the entity and each field\'s old and new value; filtered by customer and date', () => {
    const dir = tempDir();
    let now = new Date('2026-12-01T02:00:00Z');
    const store = openStateStore({ dir, log: memoryLogger(), now: () => now });
    store.update((s) => { s.configurations['connectwise:1'] = configuration(1); }, [write(1, 'seats', null, '3')]);
    now = new Date('2026-12-02T02:00:00Z');
    store.update((s) => { s.configurations['connectwise:1'] = configuration(11); }, [write(1, 'seats', '3', '4')]);
    store.update((s) => { s.configurations['connectwise:2'] = configuration(2); }, [write(2, 'seats', null, '8')]);
    store.flush();
    const reader = openStateStore({ dir, log: memoryLogger(), readOnly: true });
    expect(reader.history().map((w) => [w.orgId, w.action, w.changes])).toEqual([
      [2, 'created', [{ field: 'seats', old: null, new: '8' }]],
      [1, 'updated', [{ field: 'seats', old: '3', new: '4' }]],
      [1, 'created', [{ field: 'seats', old: null, new: '3' }]],
    ]);
    expect(reader.history({ customer: 'customer 1' }).map((w) => w.at)).toEqual(['2026-12-02T02:00:00.000Z', '2026-12-01T02:00:00.000Z']);
    expect(reader.history({ customer: '2' }).map((w) => w.orgId)).toEqual([2]);
    expect(reader.history({ since: '2026-12-02' }).map((w) => w.orgId)).toEqual([2, 1]);
    expect(reader.history()[0]).toMatchObject({ runId: 'sync-1', psa: 'connectwise', customer: 'Customer 2', companyId: 250, company: 'AcmeCorp', entity: 'configuration', entityId: '1033' });
  });

  it('imports a state.json written by the previous version once, keeps it as state.json.migrated and never reads it again', () => {
    const dir = tempDir();
    const legacy = fs.readFileSync(fixture, 'utf8');
    const expected = JSON.parse(legacy) as { configurations: Record<string, unknown>; tickets: { ledger: Record<string, unknown>; lastProcessedWindow: number }; runs: { id: string }[]; connectwiseSchema: unknown };
    fs.writeFileSync(path.join(dir, 'state.json'), legacy);
    const log = memoryLogger();
    const state = openStateStore({ dir, log, now: () => new Date('2026-12-05T06:00:00Z') }).get();
    expect(state.configurations).toEqual(expected.configurations);
    expect(state.tickets.ledger).toEqual(expected.tickets.ledger);
    expect(state.tickets.lastProcessedWindow).toBe(expected.tickets.lastProcessedWindow);
    expect(state.connectwiseSchema).toEqual(expected.connectwiseSchema);
    expect(state.runs.map((r) => r.id)).toEqual(expected.runs.map((r) => r.id));
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'state.json.migrated'), 'utf8')).toBe(legacy);
    expect(log.lines).toEqual([expect.stringMatching(/^info: State imported from .*state\.json into .*state\.db; the original is kept as state\.json\.migrated and not read again\./)]);
    // A state.json put back later is not imported again.
    fs.writeFileSync(path.join(dir, 'state.json'), '{"configurations": {}}');
    expect(openStateStore({ dir, log: memoryLogger() }).get().configurations).toEqual(expected.configurations);
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(true);
  });

  it('an old state.json with invalid entries loses only those on import, and names them', () => {
    const dir = tempDir();
    const good = configuration(5);
    const ledger = { ticketId: 41, pendingMarker: null, lastWindow: Date.UTC(2026, 10, 24), lastCount: 6 };
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
    expect(fs.readFileSync(path.join(dir, 'state.json.migrated'), 'utf8')).toBe(content);
    expect(log.lines[0]).toMatch(/State file .* was damaged \(dropped 4 invalid entries: runs\[1\], configurations\.connectwise:2 .*tickets\.ledger\.connectwise:1:10.*tickets\.progress\.connectwise:1.*\); everything else in it was imported/);
  });

  it.each([
    ['not a database at all', (file: string) => { fs.writeFileSync(file, 'this is not SQLite, it is a text file saved over it'); }],
    ['a folder where the file should be', (file: string) => { fs.mkdirSync(file); }],
    ['pages of its entries overwritten in the middle', (file: string) => {
      const store = openStateStore({ dir: path.dirname(file), log: memoryLogger() });
      store.updateNow((s) => { for (let i = 0; i < 300; i++) s.configurations[`connectwise:${String(i)}`] = configuration(i); });
      store.close();
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(fs.statSync(file).size / 2));
      fs.closeSync(fd);
    }],
  ])('a damaged database (%s) is moved aside with a notice, and a new one started', (_how, damage) => {
    const dir = tempDir();
    damage(dbFile(dir));
    const notices: string[] = [];
    const log = memoryLogger();
    const store = openStateStore({ dir, log, now: () => new Date('2026-11-25T10:00:00Z'), onFileNotice: (m) => notices.push(m) });
    expect(store.get().configurations).toEqual({});
    store.updateNow((s) => { s.configurations['connectwise:1'] = configuration(1); });
    expect(fs.existsSync(path.join(dir, 'state.db.corrupt-2026-11-25T10-00-00-000Z'))).toBe(true);
    expect(notices).toEqual([expect.stringMatching(/^State database .*state\.db was damaged \(.+\)\. It was moved to .*state\.db\.corrupt-2026-11-25T10-00-00-000Z and a new one started; configurations and open tickets are looked up in the PSA before anything is created, so nothing is created twice\.$/)]);
    expect(openStateStore({ dir, log: memoryLogger() }).get().configurations['connectwise:1']?.configurationId).toBe(1);
  });

  it('an entry that fails its schema loses only itself, and is named', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    store.updateNow((s) => { s.configurations['connectwise:1'] = configuration(1); s.configurations['connectwise:2'] = configuration(2); });
    store.close();
    const db = new DatabaseSync(dbFile(dir));
    db.prepare("UPDATE entries SET value = ? WHERE key = 'connectwise:2'").run('{"configurationId": "x"');
    db.close();
    const log = memoryLogger();
    expect(Object.keys(openStateStore({ dir, log }).get().configurations)).toEqual(['connectwise:1']);
    expect(log.lines).toEqual([expect.stringMatching(/^error: State database .*: dropped 1 invalid entry: configurations\.connectwise:2 \(not valid JSON.*\); everything else was kept/)]);
    const again = memoryLogger();
    openStateStore({ dir, log: again }).get();
    expect(again.lines).toEqual([]);
  });

  it('a read-only opening (status) creates nothing, writes nothing and shows an old state.json not yet imported', () => {
    const dir = tempDir();
    const content = JSON.stringify({ runs: [run(2)] });
    fs.writeFileSync(path.join(dir, 'state.json'), content);
    const store = openStateStore({ dir, log: memoryLogger(), readOnly: true });
    expect(store.get().runs).toHaveLength(1);
    store.close();
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('two stores on one folder (two processes) keep each other\'s writes', () => {
    const dir = tempDir();
    const app = openStateStore({ dir, log: memoryLogger() });
    const cli = openStateStore({ dir, log: memoryLogger() });
    app.get();
    cli.updateNow((s) => { s.runs = [run(1), ...s.runs]; s.tickets.ledger['autotask:1:2'] = { ticketId: 9, pendingMarker: null, lastWindow: Date.now(), lastCount: 4 }; });
    app.update((s) => { s.configurations['autotask:1'] = { configurationId: 5, companyId: 7, values: {}, syncedAt: 'x' }; });
    app.updateNow((s) => { s.runs = [run(2, '2026-11-26T00:00:00.000Z'), ...s.runs]; });
    const read = openStateStore({ dir, log: memoryLogger() }).get();
    expect(read.runs.map((r) => r.id)).toEqual(['sync-2', 'sync-1']);
    expect(read.tickets.ledger['autotask:1:2']?.ticketId).toBe(9);
    expect(read.configurations['autotask:1']?.configurationId).toBe(5);
    expect(cli.get().configurations['autotask:1']?.configurationId).toBe(5);
  });

  it('keeps the database and its journal files private to the user', () => {
    const dir = tempDir();
    const store = openStateStore({ dir, log: memoryLogger() });
    store.updateNow((s) => { s.runs = [run(1)]; });
    for (const file of fs.readdirSync(dir)) expect({ file, mode: fs.statSync(path.join(dir, file)).mode & 0o077 }).toEqual({ file, mode: 0 });
    expect(fs.readdirSync(dir).sort()).toEqual(['state.db', 'state.db-shm', 'state.db-wal']);
  });
});
