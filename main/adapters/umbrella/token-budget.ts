/**
 * The Umbrella token budget as every process on a settings folder spends it: Umbrella allows 20 tokens
 * a minute per API key, and the app, the CLI and the service on one folder use one key. Each process
 * records each token answer in a small file beside the settings (under the folder's file lock)
 * and paces against the others' requests as well as its own, so a command started just after another
 * does not run blind into a window the first one filled. Only the last window's entries are kept. A
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

const EntriesSchema = z.array(z.object({ pid: z.number().int(), at: z.number() }));
type Entries = z.infer<typeof EntriesSchema>;

/** How long a record may wait for another process's lock on the file before it is skipped. */
const LOCK_WAIT_MS = 2_000;

export function fileBudget(dir: string, pid = process.pid): SharedBudget {
  const file = path.join(dir, TOKEN_BUDGET_FILE);
  const read = (): Entries => {
    try {
      const parsed = EntriesSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  };
  return {
    othersSince: (since) => read().filter((e) => e.pid !== pid && e.at > since).map((e) => e.at),
    record(at, keepMs) {
      try {
        withFileLockSync(file, () => {
          const kept = read().filter((e) => e.at > at - keepMs);
          kept.push({ pid, at });
          writeFileSync(file, JSON.stringify(kept), { mode: 0o600 });
        }, LOCK_WAIT_MS);
      } catch {
        // Advisory: a folder that cannot hold the file costs the others' view of this request, nothing more.
      }
    },
  };
}

/** The limiters of every Umbrella client of a process on `dataDir`, token minting paced with the other processes on it. */
export function folderUmbrellaLimiters(dataDir: string, limits: UmbrellaLimits = UMBRELLA_LIMITS): UmbrellaLimiters {
  return new UmbrellaLimiters(limits, realClock, fileBudget(dataDir));
}
