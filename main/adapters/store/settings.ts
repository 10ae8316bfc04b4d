/**
 * Non-secret settings: PSA kind, connection fields, ticketing, schedule, mappings.
 *
 * The JSON file itself is handled by `conf` (plain Node: CLI, tests) or `electron-store` (inside
 * Electron), both of which write atomically (temp file + rename). This module adds what a user's
 * data deserves on top: zod validation, schema migrations, and recovery that never loses a byte —
 * an unreadable file is moved aside (not deleted); an invalid entry is dropped, or an invalid field
 * reset to its default, keeping every valid one (salvage.ts), after the whole file was copied aside;
 * and each of these is said in one clear log line.
 * A UTF-8 byte-order mark (Notepad adds one) is not damage.
 *
 * Several processes may share the folder: `get` sees another process's saves, and every save is a
 * read-modify-write of the latest file under an advisory lock that changes only the fields and mapping
 * entries it was given (the window and the CLI save alike, entry by entry).
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import type { z } from 'zod';
import {
  SettingsPatchSchema,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
  type CustomerMapping,
} from '../../../preload/contract';
import type { Logger } from '../logging/logger';
import { describeError } from '../../domain/errors';
import { fileStamp as stampOf, noticingLog, withFileErrors, withFileLockSync, type StoreFileOptions } from './file-lock';
import { isPlainObject, salvage } from './salvage';

export const SETTINGS_FILE_NAME = 'settings';
export const SETTINGS_SCHEMA_VERSION = 1;

/** What the store needs from conf / electron-store: a whole-object getter and setter, and the path. */
export interface JsonFileBackend {
  store: Record<string, unknown>;
  readonly path: string;
}

/** Opens the backend for a settings folder; throws if the file cannot be parsed. */
export type BackendFactory = (dir: string) => JsonFileBackend;

/** JSON.parse that accepts the byte-order mark some editors put at the start of a UTF-8 file. */
export const parseJsonFile = (text: string): Record<string, unknown> => JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;

export const openConfBackend: BackendFactory = (dir) =>
  new Conf<Record<string, unknown>>({ cwd: dir, configName: SETTINGS_FILE_NAME, clearInvalidConfig: false, deserialize: parseJsonFile });

/** Each entry upgrades the stored object from version i to i + 1. */
export type Migration = (stored: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: files from before versioning. Nothing to reshape; sections are validated below.
  (stored) => stored,
];

export interface SettingsStore {
  /** The latest settings, another process's saves included. */
  get(): Settings;
  /** Changes the fields and mapping entries the patch names in the latest file; everything else stays as it is there. */
  update(patch: SettingsPatch): Settings;
  /** Sets (or, with null, removes) one customer's mapping in the latest file. */
  setMapping(orgId: string, mapping: CustomerMapping | null): Settings;
  /** Sets (or removes) several customers' mappings in one write of the latest file; the others stay. */
  setMappings(entries: Record<string, CustomerMapping | null>): Settings;
  readonly path: string;
}

export interface OpenSettingsOptions extends StoreFileOptions {
  open?: BackendFactory;
  migrations?: readonly Migration[];
}

export function openSettingsStore(options: OpenSettingsOptions): SettingsStore {
  const { dir } = options;
  const log = noticingLog(options);
  const open = options.open ?? openConfBackend;
  const migrations = options.migrations ?? MIGRATIONS;
  const now = options.now ?? (() => new Date());
  const readOnly = options.readOnly ?? false;
  const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
  if (!readOnly) withFileErrors(file, () => fs.mkdirSync(dir, { recursive: true }));

  const backend = readOnly ? openReadOnly(dir, open, log) : withFileLockSync(file, () => openOrRecover(dir, open, log, now));
  let current = SettingsSchema.parse({});
  let seen: string | null = null;

  /**
   * Reads the file again if another process (or this one) changed it since. A writable store reads
   * under the lock, so that a migration or repair is said, copied aside and written back once.
   */
  const refresh = (locked: boolean) => {
    if (stampOf(backend.path) === seen) return;
    if (!readOnly && !locked) {
      withFileLockSync(file, () => { refresh(true); });
      return;
    }
    const { settings, raw } = load(backend, migrations, log, now, readOnly);
    current = settings;
    seen = stampOf(backend.path);
    const stored = toStored(settings);
    if (!readOnly && raw !== null && !sameJson(raw, stored)) {
      backend.store = stored;
      seen = stampOf(backend.path);
    }
  };

  const save = (change: (latest: Settings) => Record<string, unknown>): Settings => {
    if (readOnly) throw new Error('The settings were opened read-only');
    return withFileLockSync(file, () => {
      refresh(true);
      const next = SettingsSchema.parse(change(current));
      backend.store = toStored(next);
      current = next;
      seen = stampOf(backend.path);
      return structuredClone(current);
    });
  };

  const update = (patch: SettingsPatch): Settings => {
    const parsed = SettingsPatchSchema.parse(patch);
    return save((latest) => applyPatch(latest, parsed));
  };

  refresh(false);
  return {
    path: backend.path,
    get: () => {
      refresh(false);
      return structuredClone(current);
    },
    update,
    setMapping: (orgId, mapping) => update({ mappings: { [orgId]: mapping } }),
    setMappings: (entries) => update({ mappings: entries }),
  };
}

/** Each field named in the patch over the same field of the latest settings, nested objects field by field. */
function mergeFields(latest: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...latest };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(current) ? mergeFields(current, value) : value;
  }
  return merged;
}

/** The latest settings with what the patch names: section fields, and mapping entries (null removes one). */
function applyPatch(latest: Settings, patch: z.output<typeof SettingsPatchSchema>): Record<string, unknown> {
  const { mappings: entries, ...sections } = patch;
  const mappings = { ...latest.mappings };
  for (const [orgId, mapping] of Object.entries(entries ?? {})) {
    if (mapping === null) Reflect.deleteProperty(mappings, orgId);
    else mappings[orgId] = mapping;
  }
  return { ...mergeFields(latest, sections), mappings };
}

function toStored(settings: Settings): Record<string, unknown> {
  return { schemaVersion: SETTINGS_SCHEMA_VERSION, ...settings };
}

function asideName(file: string, reason: 'corrupt' | 'invalid' | 'newer', now: () => Date): string {
  const stamp = now().toISOString().replace(/[:.]/g, '-');
  return `${file}.${reason}-${stamp}`;
}

/** Conf reads `null` or `[]` as an empty store: a file that does not hold a settings object is damage, not "nothing set". */
function openChecked(dir: string, open: BackendFactory): JsonFileBackend {
  const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
  if (fs.existsSync(file)) {
    const parsed: unknown = parseJsonFile(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`it holds ${parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : `a ${typeof parsed}`} instead of the settings object`);
    }
  }
  return open(dir);
}

function openOrRecover(dir: string, open: BackendFactory, log: Logger, now: () => Date): JsonFileBackend {
  try {
    return openChecked(dir, open);
  } catch (error) {
    const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) throw error;
    const aside = asideName(file, 'corrupt', now);
    fs.renameSync(file, aside);
    log.error(
      `Settings file ${file} could not be read (${describeError(error)}). ` +
        `It was moved to ${aside} and the app started from default settings; ` +
        `re-enter them, or fix that file and move it back while the app is closed.`,
    );
    return open(dir);
  }
}

/** A read-only opening (status) changes nothing: a damaged file is named, and defaults are shown. */
function openReadOnly(dir: string, open: BackendFactory, log: Logger): JsonFileBackend {
  try {
    return openChecked(dir, open);
  } catch (error) {
    const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
    log.error(`Settings file ${file} could not be read (${describeError(error)}); default settings are shown. Nothing was changed: the app, or any command that saves settings, moves it aside.`);
    return { store: {}, path: file };
  }
}

/** Whether two values are the same JSON; a value too deeply nested to serialise (a hand edit gone wrong) is not. */
function sameJson(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function load(backend: JsonFileBackend, migrations: readonly Migration[], log: Logger, now: () => Date, readOnly: boolean): { settings: Settings; raw: Record<string, unknown> | null } {
  const raw = backend.store;
  if (Object.keys(raw).length === 0) return { settings: SettingsSchema.parse({}), raw: null };
  return { settings: validate(raw, backend, migrations, log, now, readOnly), raw };
}

function validate(raw: Record<string, unknown>, backend: JsonFileBackend, migrations: readonly Migration[], log: Logger, now: () => Date, readOnly: boolean): Settings {
  const version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (version > migrations.length) {
    const aside = asideName(backend.path, 'newer', now);
    if (!readOnly) fs.copyFileSync(backend.path, aside);
    log.error(
      `Settings file ${backend.path} was written by a newer version of the app (settings schema ${String(version)}; ` +
        `this version reads up to ${String(migrations.length)}). A copy was kept at ${aside}; default settings are used. ` +
        `Install the newer version to get your settings back.`,
    );
    return SettingsSchema.parse({});
  }

  let migrated: Record<string, unknown> = { ...raw };
  for (let v = version; v < migrations.length; v++) {
    const migration = migrations[v];
    if (migration) migrated = migration(migrated);
  }
  if (version < migrations.length) {
    log.info(`Settings upgraded from schema ${String(version)} to ${String(migrations.length)}.`);
  }

  const { value, repairs } = salvage(SettingsSchema, migrated);
  if (repairs.length > 0) {
    const aside = asideName(backend.path, 'invalid', now);
    if (!readOnly) fs.copyFileSync(backend.path, aside);
    log.error(
      `Settings file ${backend.path} had invalid entries; every valid one was kept, and only these were reset or dropped: ${repairs.join('; ')}. ` +
        `The original file was copied to ${aside}.`,
    );
  }
  return value;
}
