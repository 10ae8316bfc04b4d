/**
 * The Umbrella token budget as every process on a settings folder spends it: Umbrella allows 20 tokens
 * a minute per API key, and the app, the CLI and the service on one folder use one key. Each process
 * records each token request in a small file beside the settings (under the folder's file lock), when it is
 * sent and again (replacing that) when it is answered, and paces against the others' requests as well as its
 * own: a command started just after another, or at the same moment, does not run blind into a window the
 * first one filled. Only the last window's entries are kept. A
 * damaged or unreadable file counts as empty: the budget is advisory, a 429 is still handled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileSync } from 'atomically';
import { z } from 'zod';
import { realClock, type SharedBudget } from '../http/rate-limiter';
import { UMBRELLA_LIMITS, UmbrellaLimiters, type UmbrellaLimits } from './limits';
import { withFileLockSync } from '../store/file-lock';

export const TOKEN_BUDGET_FILE = 'umbrella-token-budget.json';

/** `id`: a request in flight, counted from when it was sent until its answer replaces it. */
const EntriesSchema = z.array(z.object({ pid: z.number().int(), at: z.number(), id: z.number().int().optional() }));
type Entries = z.infer<typeof EntriesSchema>;

/** How long a record may wait for another process's lock on the file before it is skipped. */
const LOCK_WAIT_MS = 2_000;

export function fileBudget(dir: string, pid = process.pid): SharedBudget {
  const file = path.join(dir, TOKEN_BUDGET_FILE);
  let nextId = 1;
  const read = (): Entries => {
    try {
      const parsed = EntriesSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  };
  const update = (at: number, keepMs: number, change: (kept: Entries) => Entries) => {
    try {
      withFileLockSync(file, () => {
        writeFileSync(file, JSON.stringify(change(read().filter((e) => e.at > at - keepMs))), { mode: 0o600 });
      }, LOCK_WAIT_MS);
    } catch {
      // Advisory: a folder that cannot hold the file costs the others' view of this request, nothing more.
    }
  };
  return {
    othersSince: (since) => read().filter((e) => e.pid !== pid && e.at > since).map((e) => e.at),
    reserve(at, keepMs) {
      const id = nextId++;
      update(at, keepMs, (kept) => [...kept, { pid, at, id }]);
      return id;
    },
    record(at, keepMs, reservation) {
      update(at, keepMs, (kept) => [...kept.filter((e) => !(e.pid === pid && e.id === reservation && reservation !== undefined)), { pid, at }]);
    },
  };
}

/** The limiters of every Umbrella client of a process on `dataDir`, token minting paced with the other processes on it. */
export function folderUmbrellaLimiters(dataDir: string, limits: UmbrellaLimits = UMBRELLA_LIMITS, owner = process.pid): UmbrellaLimiters {
  return new UmbrellaLimiters(limits, realClock, fileBudget(dataDir, owner));
}
