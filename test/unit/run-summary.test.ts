import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../preload/contract';
import { lastResultLine, runLine } from '../../main/app/run-summary';

const sync = (dryRun: boolean, created: number, failed = 0): RunRecord => ({
  id: 'sync-1', kind: 'sync', psa: 'connectwise', dryRun, startedAt: '2026-12-02T00:00:00.000Z', finishedAt: '2026-12-02T00:01:00.000Z',
  counts: { created, updated: 0, unchanged: 0, skipped: 0, failed }, requests: { umbrella: 1, psa: 1 }, problems: [], notes: [],
});

describe('one line per run', () => {
  it('a dry run says it wrote nothing and what it would have written, not "written"', () => {
    expect(runLine(sync(true, 6))).toBe('Sync 2026-12-02 00:00 UTC: dry run, nothing written: 6 configuration(s) would be written');
    expect(lastResultLine(sync(true, 6, 1))).toBe('Last sync 2026-12-02 00:00 UTC: dry run, nothing written: 6 configuration(s) would be written, 1 customer(s) failed');
    expect(runLine(sync(false, 6))).toBe('Sync 2026-12-02 00:00 UTC: 6 configuration(s) written');
  });

  it('a steady sync, where only Last Updated changed, says it wrote each configuration, not "0 configuration(s) written"', () => {
    const steady: RunRecord = { ...sync(false, 0), counts: { created: 1, updated: 0, unchanged: 6, skipped: 2, failed: 0 } };
    expect(runLine(steady)).toBe('Sync 2026-12-02 00:00 UTC: 7 configuration(s) written (6 with only Last Updated changed)');
    expect(runLine({ ...steady, dryRun: true })).toBe('Sync 2026-12-02 00:00 UTC: dry run, nothing written: 7 configuration(s) would be written (6 with only Last Updated changed)');
  });
});
