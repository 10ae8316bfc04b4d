import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStoppedError } from '../../main/domain/errors';
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
  /** A real process holding the job lock, as a CLI run would; resolves once it holds it. */
  async function holder(dir: string) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/processes/hold-job-lock.ts', dir, 'sync'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout, 'data');
    return child;
  }

  it('the lock of a run that was killed (kill -9) is taken over at once, and said, instead of after a minute of silence', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const said: string[] = [];
    // Well within the minute it takes a lock to go stale: waiting for staleness would end in JobBusyError.
    const ran = await withJobLock({ dir, job: 'sync', role: 'the app', waitMs: 10_000, onWait: (m) => said.push(m) }, () => Promise.resolve('ran'));
    expect(ran).toBe('ran');
    expect(said.at(-1)).toMatch(new RegExp(`^A sync left its lock behind in the command line \\(process ${String(child.pid)}, since .* UTC\\), which is no longer running: taken over\\.$`));
  }, 20_000);

  it('a killed run\'s lock is taken over at once even when the clock has since gone back (its lock looks made in the future)', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The clock was set back an hour after the lock was made (a wrong clock corrected, a VM restored from a snapshot).
    const ahead = new Date(Date.now() + 3_600_000);
    fs.utimesSync(path.join(dir, 'sync.job.lock'), ahead, ahead);
    const ran = await withJobLock({ dir, job: 'sync', role: 'the app', waitMs: 3_000 }, () => Promise.resolve('ran'));
    expect(ran).toBe('ran');
  }, 20_000);

  it('a run waiting for another process\'s job says so once, and gives up as soon as its process is stopping (SIGTERM), not after two minutes', async () => {
    const dir = tempDir();
    const child = await holder(dir);
    try {
      const stopping = new AbortController();
      const said: string[] = [];
      const waiting = withJobLock({ dir, job: 'sync', role: 'the service', stopSignal: stopping.signal, onWait: (m) => said.push(m) }, () => Promise.resolve('ran')).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 1_200));
      expect(said).toEqual([expect.stringMatching(/^A sync is running in the command line \(process \d+, since .* UTC\): waiting up to 120 s for it to finish\.$/)]);
      stopping.abort();
      const stopped = await waiting;
      expect(stopped).toBeInstanceOf(RunStoppedError);
      expect((stopped as Error).message).toMatch(/^Stopping: a sync was waiting for the one running in the command line .* and did not start\.$/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 20_000);
});
