/**
 * A bad entry in settings.json (a hand edit, or a value an older or newer version wrote) costs that
 * entry, never its neighbours: every valid mapping and field is kept, the original is copied aside,
 * and the log says exactly what was dropped or reset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { tempDir } from '../helpers/fixtures';
import { node } from '../helpers/processes';

const GOOD_MAPPINGS = { '8100000': { psaCompany: 'AcmeCorp', excluded: false }, '8100001': { psaCompany: null, excluded: true } };
const TICKETING = { enabled: true, threshold: 5, connectwise: { boardId: 1, statusId: 2, priorityId: 3, typeId: null, subTypeId: null, itemId: null }, autotask: {}, fallbackCompany: null };

function folderWith(settings: Record<string, unknown>): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 1, psa: { kind: 'connectwise' }, ...settings }));
  return dir;
}

const asideCopies = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.invalid-'));

describe('settings.json: one bad entry costs only that entry', () => {
  const cases: { name: string; settings: Record<string, unknown>; check: (s: ReturnType<ReturnType<typeof openSettingsStore>['get']>) => void; said: RegExp }[] = [
    {
      name: 'a mapping key that is not an org id',
      settings: { mappings: { ...GOOD_MAPPINGS, 'acme-8100002': { psaCompany: 'Globex', excluded: false } }, ticketing: TICKETING },
      check: (s) => { expect(s.mappings).toEqual(GOOD_MAPPINGS); expect(s.ticketing.enabled).toBe(true); },
      said: /mappings\.acme-8100002: An Umbrella organization id is a number \(entry dropped\)/,
    },
    {
      name: 'a company reference over 100 characters',
      settings: { mappings: { ...GOOD_MAPPINGS, '8100002': { psaCompany: 'x'.repeat(101), excluded: false } } },
      check: (s) => { expect(s.mappings).toEqual(GOOD_MAPPINGS); },
      said: /mappings\.8100002\.psaCompany: A PSA company reference has at most 100 characters \(entry dropped\)/,
    },
    {
      name: 'a threshold written as text',
      settings: { mappings: GOOD_MAPPINGS, ticketing: { ...TICKETING, threshold: '3' } },
      check: (s) => {
        expect(s.ticketing).toMatchObject({ enabled: true, threshold: 3, connectwise: { boardId: 1, statusId: 2, priorityId: 3 } });
        expect(s.mappings).toEqual(GOOD_MAPPINGS);
      },
      said: /ticketing\.threshold: .* \(reset to 3\)/,
    },
    {
      name: 'a board id of the wrong type, deep in a section',
      settings: { mappings: GOOD_MAPPINGS, ticketing: { ...TICKETING, connectwise: { ...TICKETING.connectwise, statusId: 'Open' } } },
      check: (s) => { expect(s.ticketing).toMatchObject({ enabled: true, threshold: 5, connectwise: { boardId: 1, statusId: null, priorityId: 3 } }); },
      said: /ticketing\.connectwise\.statusId: .* \(reset to null\)/,
    },
    {
      name: 'a mapping that is not an object, beside a PSA kind this version does not know',
      settings: { psa: { kind: 'halo' }, mappings: { ...GOOD_MAPPINGS, '8100003': 'AcmeCorp' }, connectwise: { site: 'na.myconnectwise.net' } },
      check: (s) => { expect(s.mappings).toEqual(GOOD_MAPPINGS); expect(s.psa.kind).toBeNull(); expect(s.connectwise.site).toBe('na.myconnectwise.net'); },
      said: /psa\.kind: .*mappings\.8100003: .*\(entry dropped\)/,
    },
  ];

  for (const { name, settings, check, said } of cases) {
    it(`${name}: every valid entry is kept, the original copied aside, the repair named`, () => {
      const dir = folderWith(settings);
      const original = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
      const log = memoryLogger();
      const store = openSettingsStore({ dir, log });
      check(store.get());
      expect(log.lines.filter((l) => l.startsWith('error'))).toHaveLength(1);
      expect(log.lines.join('\n')).toMatch(said);
      const copies = asideCopies(dir);
      expect(copies).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, copies[0] ?? ''), 'utf8')).toBe(original);
      // Reopened: the repair was written back once, and nothing more is lost or said.
      const again = memoryLogger();
      check(openSettingsStore({ dir, log: again }).get());
      expect(again.lines).toEqual([]);
    });
  }

  for (const [what, text] of [['null', 'null'], ['a list', '[]']] as const) {
    it(`a file holding ${what} is damage, named and moved aside, not read as "no PSA chosen"; a read-only opening names it and changes nothing`, () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'settings.json'), text);
      const readOnly = memoryLogger();
      expect(openSettingsStore({ dir, log: readOnly, readOnly: true }).get().psa.kind).toBeNull();
      expect(readOnly.lines.join('\n')).toMatch(new RegExp(`settings\\.json could not be read \\(it holds ${what} instead of the settings object\\); default settings are shown\\. Nothing was changed`));
      expect(fs.readdirSync(dir)).toEqual(['settings.json']);
      const log = memoryLogger();
      openSettingsStore({ dir, log }).get();
      expect(log.lines.join('\n')).toMatch(/could not be read \(it holds .* instead of the settings object\)\. It was moved to .*settings\.json\.corrupt-/);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'))).toHaveLength(1);
    });
  }

  it('an unparseable file opened read-only (status) is named with its path, not a bare JSON error', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"psa": {');
    const log = memoryLogger();
    expect(openSettingsStore({ dir, log, readOnly: true }).get().psa.kind).toBeNull();
    expect(log.lines.join('\n')).toMatch(/^error: Settings file .*settings\.json could not be read \(.*JSON.*\); default settings are shown/);
  });

  it('a deeply nested unknown key (200,000 levels) does not stop the store from opening; the settings are kept', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), `{"schemaVersion":1,"psa":{"kind":"connectwise"},"mappings":${JSON.stringify(GOOD_MAPPINGS)},"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const store = openSettingsStore({ dir, log: memoryLogger() });
    expect(store.get().psa.kind).toBe('connectwise');
    expect(store.get().mappings).toEqual(GOOD_MAPPINGS);
  });

  it('the CLI case: two mappings, a bad third added by hand, then `map`: all three valid ones are in settings.json', async () => {
    const dir = folderWith({ mappings: GOOD_MAPPINGS });
    const text = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { mappings: Record<string, unknown> };
    text.mappings['not-an-org'] = { psaCompany: 'Initech', excluded: false };
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(text));
    const result = await node('main/cli/index.ts', ['map', '8100013', 'Globex', '--no-check', '--data-dir', dir], 'umbrella-psa-sync-test-salvage');
    expect(result.stdout).toMatch(/8100013/);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { mappings: Record<string, unknown> };
    expect(saved.mappings).toEqual({ ...GOOD_MAPPINGS, '8100013': { psaCompany: 'Globex', excluded: false } });
    expect(asideCopies(dir)).toHaveLength(1);
  });
}, 60_000);
