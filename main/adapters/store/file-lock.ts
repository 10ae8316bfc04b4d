/**
 * Advisory locks shared by every process on one settings folder (the app, a second app instance,
 * the CLI, the service), built on proper-lockfile: a `<file>.lock` directory made atomically with
 * mkdir, its mtime refreshed while held, and taken over when stale (a process that died holding it).
 *
 * - `withFileLockSync` guards a read-modify-write of one small file (settings.json, state.json): held
 *   for milliseconds, so a contender waits (a short sleep loop; proper-lockfile's sync API has no retries).
 * - `withJobLock` guards a whole job (the sync, the ticket check) for minutes: a second process waits
 *   a bounded time, then is told which process holds it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from '../logging/logger';
import { RunStoppedError } from '../../domain/errors';

const STALE_MS = 10_000;
const SYNC_WAIT_MS = 15_000;
const JOB_STALE_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isLocked(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ELOCKED';
}

/** How a store file on the shared settings folder is opened. */
export interface StoreFileOptions {
  dir: string;
  log: Logger;
  now?: () => Date;
  /** For read-only commands (`status`): never writes, never moves a file. */
  readOnly?: boolean;
  /** Told, in the user's words, when the file was damaged and moved or copied aside (the window shows it). */
  onFileNotice?: (message: string) => void;
}

/** The store's log, with each file notice (its errors: a damaged file moved or copied aside) also told to `onFileNotice`. */
export function noticingLog(options: Pick<StoreFileOptions, 'log' | 'onFileNotice'>): Logger {
  const { log, onFileNotice } = options;
  if (!onFileNotice) return log;
  return { ...log, error: (message) => { log.error(message); onFileNotice(message); } };
}

/** What identifies one version of a file (null: none): every atomic write makes a new inode and mtime. */
export function fileStamp(file: string): string | null {
  try {
    const s = fs.statSync(file);
    return `${String(s.ino)}:${String(s.mtimeMs)}:${String(s.ctimeMs)}:${String(s.size)}`;
  } catch {
    return null;
  }
}

/** A file in the settings folder could not be read or written: the message says why, in the user's words, and what to do. */
export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

const FILE_PROBLEMS: Record<string, (file: string, dir: string) => string> = {
  EACCES: (file, dir) => `${file} could not be written: permission denied (EACCES). Check that the user running Umbrella PSA Sync owns ${dir} and may write there.`,
  EPERM: (file, dir) => `${file} could not be written: the operation was not permitted (EPERM). Check the permissions of ${dir}, and that no other program (an antivirus, a backup tool) holds the file.`,
  EROFS: (file, dir) => `${file} could not be written: ${dir} is on a read-only file system (EROFS). Use a writable settings folder (--data-dir or UMBRELLA_PSA_DATA_DIR).`,
  ENOSPC: (file, dir) => `${file} could not be written: the disk is full (ENOSPC). Free some space on the disk that holds ${dir}; what was being saved was not saved.`,
  EDQUOT: (file, dir) => `${file} could not be written: the disk quota is used up (EDQUOT). Free some space in ${dir}, or ask for a larger quota; what was being saved was not saved.`,
  ENOTDIR: (file) => `${file} could not be opened: a part of its path is a file, not a folder (ENOTDIR). Check the settings folder (--data-dir or UMBRELLA_PSA_DATA_DIR).`,
  EISDIR: (file) => `${file} is a folder, not a file (EISDIR): move it away, and Umbrella PSA Sync starts a new one.`,
};

/** Runs `action` on `file`; a file-system refusal (permissions, read-only, full disk) becomes a StoreFileError that says what to do. */
export function withFileErrors<T>(file: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const explain = code === undefined ? undefined : FILE_PROBLEMS[code];
    if (!explain || error instanceof StoreFileError) throw error;
    throw new StoreFileError(explain(file, path.dirname(file)), { cause: error });
  }
}

/** Another process held the lock for longer than we could wait. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/** Runs `change` while holding the lock of `file` (which need not exist yet). */
export function withFileLockSync<T>(file: string, change: () => T, waitMs = SYNC_WAIT_MS): T {
  return withFileErrors(file, () => lockedSync(file, change, waitMs));
}

function lockedSync<T>(file: string, change: () => T, waitMs: number): T {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  let release: (() => void) | null = null;
  while (!release) {
    try {
      release = lockfile.lockSync(file, { realpath: false, stale: STALE_MS });
    } catch (error) {
      if (!isLocked(error)) throw error;
      if (Date.now() > deadline) {
        throw new LockTimeoutError(`${file} stayed locked by another process for ${String(Math.round(waitMs / 1000))} s; close other copies of Umbrella PSA Sync using this folder, or delete ${file}.lock if none is running.`);
      }
      Atomics.wait(sleeper, 0, 0, 10 + Math.floor(Math.random() * 20));
    }
  }
  try {
    return change();
  } finally {
    release();
  }
}

export interface JobHolder {
  pid: number;
  /** Who holds it, in words: "the app", "the command line", "the service". */
  role: string;
  since: string;
  /** The machine it runs on (a settings folder on a network share can be used from two). */
  host?: string;
}

/** A job is already running in another process, and did not finish while we waited. */
export class JobBusyError extends Error {
  override readonly name = 'JobBusyError';
  constructor(message: string, readonly holder: JobHolder | null) {
    super(message);
  }
}

const JOB_LABELS: Record<string, string> = { sync: 'A sync', tickets: 'A ticket check' };

function readHolder(file: string): JobHolder | null {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<JobHolder>;
    if (typeof raw.pid !== 'number' || typeof raw.role !== 'string' || typeof raw.since !== 'string') return null;
    return { pid: raw.pid, role: raw.role, since: raw.since, ...(typeof raw.host === 'string' ? { host: raw.host } : {}) };
  } catch {
    return null;
  }
}

/** Whether a process of this machine is running (one of another user counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock that was just made or refreshed is never taken over, whoever the holder file names. */
const TAKEOVER_QUIET_MS = 2_000;

/**
 * The lock of a process of this machine that is no longer running (killed, crashed) is removed at once,
 * instead of waiting for it to go stale: only when the holder file still names that process and the lock
 * has not been touched for a moment (a new holder makes it, then writes its holder file, within that).
 */
function removeIfHolderGone(lockDir: string, holderFile: string, holder: JobHolder | null): boolean {
  if (!holder || holder.host !== os.hostname() || isRunning(holder.pid)) return false;
  const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
  // A lock that looks made in the future was made before the clock went back: not just made.
  const age = stat ? Date.now() - stat.mtimeMs : Number.POSITIVE_INFINITY;
  if (age >= 0 && age < TAKEOVER_QUIET_MS) return false;
  if (readHolder(holderFile)?.pid !== holder.pid) return false;
  fs.rmSync(lockDir, { recursive: true, force: true });
  return true;
}

const POLL_MS = 500;

/** Waits `ms`, or less if `signal` aborts meanwhile. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface JobLockOptions {
  dir: string;
  job: 'sync' | 'tickets';
  role: string;
  /** How long to wait for another process's run to finish (default 2 minutes). */
  waitMs?: number;
  /** Once aborted (the process is stopping), waiting ends at once with JobWaitStoppedError. */
  stopSignal?: AbortSignal;
  /** Told, once, that this run waits for another (and who it is), and when a dead process's lock was taken over. */
  onWait?: (message: string) => void;
}

/** The process began stopping while this job waited for another process's run: it did not start. */
export class JobWaitStoppedError extends RunStoppedError {}

/** Runs `body` as the only `job` across every process on the folder. */
export async function withJobLock<T>(options: JobLockOptions, body: () => Promise<T>): Promise<T> {
  const target = path.join(options.dir, `${options.job}.job`);
  const lockDir = `${target}.lock`;
  const holderFile = `${target}.holder.json`;
  fs.mkdirSync(options.dir, { recursive: true });
  const waitMs = options.waitMs ?? 120_000;
  const deadline = Date.now() + waitMs;
  const label = JOB_LABELS[options.job] ?? 'A run';
  const whoIs = (holder: JobHolder | null) => (holder ? ` in ${holder.role} (process ${String(holder.pid)}, since ${holder.since.slice(0, 16).replace('T', ' ')} UTC)` : ' in another process');
  let release: () => Promise<void>;
  let told = false;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        // A long job blocks nothing, but a busy event loop can delay the refresh: a generous staleness.
        stale: JOB_STALE_MS,
        update: JOB_STALE_MS / 6,
        retries: 0,
        // Only after the machine slept past the staleness: the run goes on; the next one re-reads the PSA.
        onCompromised: () => undefined,
      });
      break;
    } catch (error) {
      if (!isLocked(error)) throw error;
    }
    const holder = readHolder(holderFile);
    if (removeIfHolderGone(lockDir, holderFile, holder)) {
      options.onWait?.(`${label} left its lock behind${whoIs(holder)}, which is no longer running: taken over.`);
      continue;
    }
    if (options.stopSignal?.aborted) throw new JobWaitStoppedError(`Stopping: ${label.toLowerCase()} was waiting for the one running${whoIs(holder)} and did not start.`);
    if (Date.now() >= deadline) {
      throw new JobBusyError(`${label} is still running${whoIs(holder)} after waiting ${String(Math.round(waitMs / 1000))} s, so this one did not start: try again when that one has finished (the schedule retries by itself).`, holder);
    }
    if (!told) {
      options.onWait?.(`${label} is running${whoIs(holder)}: waiting up to ${String(Math.round(waitMs / 1000))} s for it to finish.`);
      told = true;
    }
    await pause(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), options.stopSignal);
  }
  try {
    fs.writeFileSync(holderFile, JSON.stringify({ pid: process.pid, role: options.role, since: new Date().toISOString(), host: os.hostname() }));
    return await body();
  } finally {
    fs.rmSync(holderFile, { force: true });
    await release().catch(() => undefined);
  }
}
