/**
 * The token budget of one API key shared through the settings folder: two processes (two owners of the budget
 * file, each with its own limiter) that start at the same moment keep to the key's window together, because a
 * request counts for the others from when it is sent, not only from its answer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../main/adapters/http/rate-limiter';
import { fileBudget, TOKEN_BUDGET_FILE } from '../../main/adapters/umbrella/token-budget';

const WINDOW = { limit: 5, ms: 400, countFrom: 'response' as const, marginMs: 50 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The most requests sent within any `span` ms, as a vendor counting arrivals sees them. */
function busiest(starts: number[], span: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((t) => sorted.filter((u) => u >= t && u < t + span).length));
}

describe('the token budget shared by the processes on a settings folder', () => {
  it('two processes starting at once send no more than the window allows between them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-budget-'));
    const starts: number[] = [];
    const process = (owner: number) => {
      const limiter = new RateLimiter([WINDOW], Number.POSITIVE_INFINITY, undefined, fileBudget(dir, owner));
      return Promise.all(Array.from({ length: 8 }, () => limiter.run(async () => {
        starts.push(Date.now());
        await sleep(30);
      })));
    };
    await Promise.all([process(101), process(202)]);
    expect(starts).toHaveLength(16);
    expect(busiest(starts, WINDOW.ms)).toBeLessThanOrEqual(WINDOW.limit);
    // What stays in the file is the answers, not the reservations they replaced.
    const entries = JSON.parse(fs.readFileSync(path.join(dir, TOKEN_BUDGET_FILE), 'utf8')) as { id?: number }[];
    expect(entries.filter((e) => e.id !== undefined)).toEqual([]);
  }, 20_000);
});
