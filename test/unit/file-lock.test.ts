import { describe, expect, it } from 'vitest';
import { JobBusyError, withJobLock } from '../../main/adapters/store/file-lock';
import { tempDir } from '../helpers/fixtures';

describe('one job at a time on a settings folder', () => {
  it('a second run waits for the first, then runs; past its wait it says which process holds the job', async () => {
    const dir = tempDir();
    const order: string[] = [];
    let finish: () => void = () => undefined;
    const first = withJobLock({ dir, job: 'tickets', role: 'the command line' }, async () => {
      order.push('first started');
      await new Promise<void>((resolve) => { finish = resolve; });
      order.push('first done');
    });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await withJobLock({ dir, job: 'tickets', role: 'the app', waitMs: 600 }, () => Promise.resolve('ran')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobBusyError);
    expect((refused as Error).message).toMatch(new RegExp(`^A ticket check is still running in the command line \\(process ${String(process.pid)}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\) after waiting 1 s, so this one did not start`));
    const waiting = withJobLock({ dir, job: 'tickets', role: 'the app', waitMs: 5_000 }, () => { order.push('second ran'); return Promise.resolve(); });
    // Another job on the same folder is not held up.
    await withJobLock({ dir, job: 'sync', role: 'the app', waitMs: 0 }, () => { order.push('sync ran'); return Promise.resolve(); });
    finish();
    await Promise.all([first, waiting]);
    expect(order).toEqual(['first started', 'sync ran', 'first done', 'second ran']);
  });
});
