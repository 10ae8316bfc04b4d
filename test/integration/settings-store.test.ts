import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore, SETTINGS_SCHEMA_VERSION, type Migration } from '../../main/adapters/store/settings';
import { openElectronStoreBackend } from '../../main/adapters/store/electron-settings';
import { tempDir } from '../helpers/fixtures';

const fixedNow = () => new Date('2026-11-25T10:00:00.000Z');

function settingsFile(dir: string) {
  return path.join(dir, 'settings.json');
}

describe('SettingsStore', () => {
  it('starts from defaults without writing, and writes a versioned file on the first save', () => {
    const dir = tempDir();
    const store = openSettingsStore({ dir, log: memoryLogger() });
    const settings = store.get();
    expect(settings.psa.kind).toBeNull();
    expect(settings.ticketing.threshold).toBe(3);
    expect(settings.schedule).toEqual({ syncEnabled: true, ticketsEnabled: true, paused: false });
    expect(fs.existsSync(settingsFile(dir))).toBe(false);
    store.update({ schedule: { paused: true } });
    expect(JSON.parse(fs.readFileSync(settingsFile(dir), 'utf8'))).toMatchObject({ schemaVersion: SETTINGS_SCHEMA_VERSION });
  });

  it('persists saved sections across reopen and leaves other sections alone', () => {
    const dir = tempDir();
    const first = openSettingsStore({ dir, log: memoryLogger() });
    first.update({ mappings: { '1001': { psaCompany: 'AcmeCorp', excluded: false } } });
    first.update({ psa: { kind: 'autotask' } });
    const reopened = openSettingsStore({ dir, log: memoryLogger() }).get();
    expect(reopened.psa.kind).toBe('autotask');
    expect(reopened.mappings['1001']).toEqual({ psaCompany: 'AcmeCorp', excluded: false });
  });

  it('rejects an invalid save with the reason and keeps the previous value', () => {
    const dir = tempDir();
    const store = openSettingsStore({ dir, log: memoryLogger() });
    expect(() => store.update({ ticketing: { enabled: true, threshold: 0, connectwise: {}, autotask: {} } })).toThrow(/at least 1/);
    expect(store.get().ticketing.threshold).toBe(3);
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().ticketing.threshold).toBe(3);
  });

  it('writes atomically: no temporary files are left next to the settings file', () => {
    const dir = tempDir();
    const store = openSettingsStore({ dir, log: memoryLogger() });
    for (let i = 1; i <= 20; i++) store.update({ ticketing: { enabled: true, threshold: i, connectwise: {}, autotask: {} } });
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('moves a corrupt file aside with a clear log line and starts from defaults, without crashing', () => {
    const dir = tempDir();
    fs.writeFileSync(settingsFile(dir), '{"psa": {"kind": "connectwise"'); // truncated write
    const log = memoryLogger();
    const store = openSettingsStore({ dir, log, now: fixedNow });
    expect(store.get().psa.kind).toBeNull();
    const aside = path.join(dir, 'settings.json.corrupt-2026-11-25T10-00-00-000Z');
    expect(fs.readFileSync(aside, 'utf8')).toBe('{"psa": {"kind": "connectwise"');
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^error: Settings file .*settings\.json could not be read .* moved to .*corrupt-2026-11-25T10-00-00-000Z/);
  });

  it('a repaired file is said once and copied aside once, and the repair is written back', () => {
    const dir = tempDir();
    fs.writeFileSync(settingsFile(dir), JSON.stringify({ schemaVersion: 1, psa: { kind: 'halo' }, mappings: { '42': { psaCompany: 'Contoso', excluded: false } } }));
    const log = memoryLogger();
    const store = openSettingsStore({ dir, log, now: () => new Date(Date.now()) });
    store.get();
    expect(log.lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.invalid-'))).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(settingsFile(dir), 'utf8'))).toMatchObject({ psa: { kind: null }, mappings: { '42': { psaCompany: 'Contoso' } } });
  });

  it('resets only the invalid section, keeping the mappings, and copies the original aside', () => {
    const dir = tempDir();
    const original = {
      schemaVersion: 1,
      psa: { kind: 'halo' },
      mappings: { '42': { psaCompany: 'Contoso', excluded: false } },
      ticketing: { enabled: true, threshold: 7 },
    };
    fs.writeFileSync(settingsFile(dir), JSON.stringify(original));
    const log = memoryLogger();
    const settings = openSettingsStore({ dir, log, now: fixedNow }).get();
    expect(settings.psa.kind).toBeNull();
    expect(settings.mappings['42']?.psaCompany).toBe('Contoso');
    expect(settings.ticketing.threshold).toBe(7);
    expect(log.lines.join("\n")).toMatch(/only these were reset or dropped: psa\.kind: /);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json.invalid-2026-11-25T10-00-00-000Z'), 'utf8'))).toEqual(original);
  });

  it('migrates files from older schema versions in order', () => {
    const dir = tempDir();
    fs.writeFileSync(settingsFile(dir), JSON.stringify({ schemaVersion: 1, legacyThreshold: 9 }));
    const toV2: Migration = ({ legacyThreshold, ...rest }) => ({ ...rest, ticketing: { threshold: legacyThreshold } });
    const log = memoryLogger();
    const store = openSettingsStore({ dir, log, migrations: [(s) => s, toV2] });
    expect(store.get().ticketing.threshold).toBe(9);
    expect(log.lines).toContain('info: Settings upgraded from schema 1 to 2.');
  });

  it('keeps a copy of a file written by a newer version instead of silently dropping it', () => {
    const dir = tempDir();
    fs.writeFileSync(settingsFile(dir), JSON.stringify({ schemaVersion: 99, psa: { kind: 'autotask' } }));
    const log = memoryLogger();
    const store = openSettingsStore({ dir, log, now: fixedNow });
    expect(store.get().psa.kind).toBeNull();
    expect(fs.existsSync(path.join(dir, 'settings.json.newer-2026-11-25T10-00-00-000Z'))).toBe(true);
    expect(log.lines[0]).toMatch(/newer version of the app \(settings schema 99/);
  });

  it('reads the same file through electron-store (the app) as through conf (the CLI)', () => {
    const dir = tempDir();
    openSettingsStore({ dir, log: memoryLogger() }).update({ psa: { kind: 'connectwise' }, connectwise: { site: 'eu.myconnectwise.net' } });
    const viaElectron = openSettingsStore({ dir, log: memoryLogger(), open: openElectronStoreBackend });
    expect(viaElectron.get().connectwise.site).toBe('eu.myconnectwise.net');
    viaElectron.update({ psa: { kind: 'autotask' } });
    expect(openSettingsStore({ dir, log: memoryLogger() }).get().psa.kind).toBe('autotask');
  });

  it('a UTF-8 byte-order mark (as Notepad saves it) is not damage, through conf and electron-store alike', () => {
    for (const open of [undefined, openElectronStoreBackend]) {
      const dir = tempDir();
      fs.writeFileSync(settingsFile(dir), `\uFEFF${JSON.stringify({ schemaVersion: 1, psa: { kind: 'autotask' }, mappings: { '8100000': { psaCompany: '42', excluded: false } } })}`);
      const log = memoryLogger();
      const store = openSettingsStore({ dir, log, ...(open ? { open } : {}) });
      expect(store.get().psa.kind).toBe('autotask');
      expect(store.get().mappings['8100000']?.psaCompany).toBe('42');
      expect(log.lines.filter((l) => l.startsWith('error'))).toEqual([]);
      expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt') || f.includes('invalid'))).toEqual([]);
    }
  });

  it('a read-only opening (status) writes nothing, even for a file it would repair', () => {
    const dir = tempDir();
    const content = JSON.stringify({ psa: { kind: 'connectwise' }, ticketing: { threshold: -4 } });
    fs.writeFileSync(settingsFile(dir), content);
    const store = openSettingsStore({ dir, log: memoryLogger(), readOnly: true });
    expect(store.get().psa.kind).toBe('connectwise');
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
    expect(fs.readFileSync(settingsFile(dir), 'utf8')).toBe(content);
    expect(() => store.update({ schedule: { paused: true } })).toThrow(/read-only/);
  });

  it('a save changes only the fields it names: the CLI\'s threshold and the window\'s priority, saved one after the other, are both kept', () => {
    const dir = tempDir();
    const cli = openSettingsStore({ dir, log: memoryLogger() });
    const app = openSettingsStore({ dir, log: memoryLogger() });
    app.update({ ticketing: { enabled: true, threshold: 3, connectwise: { boardId: 1, priorityId: 2 } }, autotask: { apiSharePercent: 30 } });
    cli.update({ ticketing: { threshold: 9 } });
    app.update({ ticketing: { connectwise: { priorityId: 1 } }, autotask: { materialBillingCodeId: 29682801 } });
    expect(openSettingsStore({ dir, log: memoryLogger() }).get()).toMatchObject({
      ticketing: { enabled: true, threshold: 9, connectwise: { boardId: 1, priorityId: 1 } },
      autotask: { apiSharePercent: 30, materialBillingCodeId: 29682801 },
    });
  });

  it('two stores on one folder: each save changes only its own section or mapping in the latest file', () => {
    const dir = tempDir();
    const app = openSettingsStore({ dir, log: memoryLogger() });
    const cli = openSettingsStore({ dir, log: memoryLogger() });
    app.update({ mappings: { '8100000': { psaCompany: 'AcmeCorp', excluded: false } } });
    cli.setMapping('8100013', { psaCompany: 'Globex', excluded: false });
    app.update({ schedule: { paused: true } });
    app.setMapping('8100000', null);
    const read = openSettingsStore({ dir, log: memoryLogger() }).get();
    expect(read.mappings).toEqual({ '8100013': { psaCompany: 'Globex', excluded: false } });
    expect(read.schedule.paused).toBe(true);
    expect(cli.get().schedule.paused).toBe(true);
  });
});
