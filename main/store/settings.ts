/**
 * Non-secret settings: PSA kind, connection fields, ticketing, schedule, mappings.
 *
 * The JSON file itself is handled by `conf` (plain Node: CLI, tests) or `electron-store` (inside
 * Electron), both of which write atomically (temp file + rename). This module adds what a user's
 * data deserves on top: zod validation, schema migrations, and recovery that never loses a byte —
 * an unreadable file is moved aside (not deleted), a section that fails validation is reset to its
 * defaults after the whole file was copied aside, and each of these is said in one clear log line.
 */
import fs from 'node:fs';
import path from 'node:path';
import Conf from 'conf';
import {
  SETTINGS_SECTIONS,
  SettingsPatchSchema,
  SettingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../preload/contract';
import type { Logger } from '../log';
import { describeError } from '../errors';

export const SETTINGS_FILE_NAME = 'settings';
export const SETTINGS_SCHEMA_VERSION = 1;

/** What the store needs from conf / electron-store: a whole-object getter and setter, and the path. */
export interface JsonFileBackend {
  store: Record<string, unknown>;
  readonly path: string;
}

/** Opens the backend for a settings folder; throws if the file cannot be parsed. */
export type BackendFactory = (dir: string) => JsonFileBackend;

export const openConfBackend: BackendFactory = (dir) =>
  new Conf<Record<string, unknown>>({ cwd: dir, configName: SETTINGS_FILE_NAME, clearInvalidConfig: false });

/** Each entry upgrades the stored object from version i to i + 1. */
export type Migration = (stored: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: readonly Migration[] = [
  // 0 -> 1: files from before versioning. Nothing to reshape; sections are validated below.
  (stored) => stored,
];

export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  readonly path: string;
}

export interface OpenSettingsOptions {
  dir: string;
  log: Logger;
  open?: BackendFactory;
  migrations?: readonly Migration[];
  now?: () => Date;
}

export function openSettingsStore(options: OpenSettingsOptions): SettingsStore {
  const { dir, log } = options;
  const open = options.open ?? openConfBackend;
  const migrations = options.migrations ?? MIGRATIONS;
  const now = options.now ?? (() => new Date());
  fs.mkdirSync(dir, { recursive: true });

  const backend = openOrRecover(dir, open, log, now);
  const loaded = load(backend, migrations, log, now);
  backend.store = toStored(loaded);

  let current = loaded;
  return {
    path: backend.path,
    get: () => structuredClone(current),
    update(patch) {
      const parsed = SettingsPatchSchema.parse(patch);
      const next = SettingsSchema.parse({ ...current, ...parsed });
      backend.store = toStored(next);
      current = next;
      return structuredClone(current);
    },
  };
}

function toStored(settings: Settings): Record<string, unknown> {
  return { schemaVersion: SETTINGS_SCHEMA_VERSION, ...settings };
}

function asideName(file: string, reason: 'corrupt' | 'invalid' | 'newer', now: () => Date): string {
  const stamp = now().toISOString().replace(/[:.]/g, '-');
  return `${file}.${reason}-${stamp}`;
}

function openOrRecover(dir: string, open: BackendFactory, log: Logger, now: () => Date): JsonFileBackend {
  try {
    return open(dir);
  } catch (error) {
    const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);
    if (!fs.existsSync(file)) throw error;
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

function load(backend: JsonFileBackend, migrations: readonly Migration[], log: Logger, now: () => Date): Settings {
  const raw = backend.store;
  if (Object.keys(raw).length === 0) return SettingsSchema.parse({});

  const version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (version > migrations.length) {
    const aside = asideName(backend.path, 'newer', now);
    fs.copyFileSync(backend.path, aside);
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

  const salvaged: Record<string, unknown> = {};
  const reset: string[] = [];
  for (const section of SETTINGS_SECTIONS) {
    const result = SettingsSchema.shape[section].safeParse(migrated[section]);
    if (result.success) {
      salvaged[section] = result.data;
    } else {
      const first = result.error.issues[0];
      const where = first ? [section, ...first.path.map(String)].join('.') : section;
      reset.push(`${where}: ${first?.message ?? 'invalid'}`);
    }
  }
  if (reset.length > 0) {
    const aside = asideName(backend.path, 'invalid', now);
    fs.copyFileSync(backend.path, aside);
    log.error(
      `Settings file ${backend.path} had invalid sections that were reset to defaults (${reset.join('; ')}). ` +
        `The original file was copied to ${aside}.`,
    );
  }
  return SettingsSchema.parse(salvaged);
}
