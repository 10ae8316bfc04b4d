/**
 * The short soak (the long one is `npm run soak`): the service as a real child process on simulated
 * time, four days across the year boundary, killed with SIGKILL in the middle of a sync, asleep for
 * ten hours in the middle of another, with bursts of 429s and 500s and a six-hour Umbrella outage.
 */
import { describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { runSoak } from '../../bench/soak-run';

describe.each<PsaKind>(['connectwise', 'autotask'])('four simulated days of the service on %s', (kind) => {
  it('every planted botnet hit becomes one ticket or one note, nothing is written twice, no secret reaches a file, and the service never stops on its own', async () => {
    const lines: string[] = [];
    const verdict = await runSoak({
      kind, n: 20, startMs: Date.UTC(2026, 11, 30), days: 4, scale: 50,
      killDays: [1], sleepDay: 3, outageDay: kind === 'connectwise' ? 3 : null, rateLimitDays: [4], serverErrorDays: [1],
      say: (line) => { lines.push(line); },
    });
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split(/\s+/)[2])).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
    expect(verdict).toMatchObject({ days: 4, kills: 1, duplicates: 0, lostWindows: 0, secretsInLogs: 0, warnings: [], problems: [], details: [] });
    // Hits were planted in every window: some opened tickets, the computers that came back got notes.
    expect(verdict.tickets).toBeGreaterThan(0);
    expect(verdict.notes).toBeGreaterThan(0);
    // Umbrella's own limits never answered 429 (only the injected bursts did): the client paces the key's tokens and
    // each org's reports through sleep, restarts and the check beside the sync.
    expect(lines.filter((l) => !/\(limits: U 0 /.test(l))).toEqual([]);
  }, 240_000);
});
