import { describe, expect, it } from 'vitest';
import { DAY_MS, latestBoundary, Scheduler, type Job, type JobRun, type SchedulerClock } from '../../main/jobs/scheduler';
import { memoryLogger } from '../../main/adapters/logging/logger';

const T0 = Date.UTC(2026, 10, 25, 9, 30);

/** A clock whose time moves only when the test says; the interval callback is called by hand. */
function fakeClock(start: number) {
  let now = start;
  let tick: (() => void) | null = null;
  const clock: SchedulerClock = {
    now: () => now,
    setInterval: (cb) => { tick = cb; return 1; },
    clearInterval: () => { tick = null; },
  };
  return { clock, advance: (ms: number) => { now += ms; tick?.(); }, set: (t: number) => { now = t; } };
}

/** A daily sync job whose runs are recorded as the state file would. */
function syncJob(runs: JobRun[], clock: () => number, outcome: () => boolean = () => true, enabled = () => true): Job {
  return {
    name: 'sync',
    periodMs: DAY_MS,
    lastRun: () => runs.at(-1) ?? null,
    lastSuccess: () => [...runs].reverse().find((r) => r.ok)?.startedAt ?? null,
    enabled,
    run: () => { runs.push({ startedAt: clock(), ok: outcome() }); return Promise.resolve(); },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Scheduler', () => {
  it('aligns periods to 00:00 UTC', () => {
    expect(latestBoundary(T0, DAY_MS)).toBe(Date.UTC(2026, 10, 25));
    expect(latestBoundary(T0, 4 * 3_600_000)).toBe(Date.UTC(2026, 10, 25, 8));
  });

  it('runs once at the next 00:00 UTC, not before, not twice', async () => {
    const runs: JobRun[] = [{ startedAt: Date.UTC(2026, 10, 25, 0, 0, 5), ok: true }];
    const time = fakeClock(T0);
    const scheduler = new Scheduler([syncJob(runs, () => time.clock.now())], memoryLogger(), time.clock);
    scheduler.start();
    await flush();
    expect(runs).toHaveLength(1);
    for (let minute = 0; minute < 15 * 60; minute++) { time.advance(60_000); await flush(); }
    expect(runs.map((r) => new Date(r.startedAt).toISOString())).toEqual(['2026-11-25T00:00:05.000Z', '2026-11-26T00:00:00.000Z']);
    expect(scheduler.status()[0]?.nextRunAt).toBe(Date.UTC(2026, 10, 27));
  });

  it('catches up once at start when the app was closed at midnight', async () => {
    const runs: JobRun[] = [{ startedAt: Date.UTC(2026, 10, 23, 0, 1), ok: true }];
    const time = fakeClock(T0);
    const scheduler = new Scheduler([syncJob(runs, () => time.clock.now())], memoryLogger(), time.clock);
    scheduler.start();
    await flush();
    time.advance(60_000);
    await flush();
    expect(runs).toHaveLength(2);
    expect(runs[1]?.startedAt).toBe(T0);
  });

  it('after a 10-hour sleep across midnight runs once on resume', async () => {
    const runs: JobRun[] = [{ startedAt: Date.UTC(2026, 10, 25, 0, 0), ok: true }];
    const time = fakeClock(Date.UTC(2026, 10, 25, 20));
    const scheduler = new Scheduler([syncJob(runs, () => time.clock.now())], memoryLogger(), time.clock);
    scheduler.start();
    time.set(Date.UTC(2026, 10, 26, 6)); // woke up: timers did not fire while asleep
    await scheduler.check(); // the resume event
    await scheduler.check();
    expect(runs.map((r) => r.startedAt)).toEqual([Date.UTC(2026, 10, 25, 0, 0), Date.UTC(2026, 10, 26, 6)]);
  });

  it('retries a run that failed as a whole after 30 minutes, not every minute', async () => {
    const runs: JobRun[] = [];
    const time = fakeClock(Date.UTC(2026, 10, 26, 0, 0));
    let ok = false;
    const scheduler = new Scheduler([syncJob(runs, () => time.clock.now(), () => ok)], memoryLogger(), time.clock);
    scheduler.start();
    await flush();
    for (let i = 0; i < 29; i++) { time.advance(60_000); await flush(); }
    expect(runs).toHaveLength(1);
    ok = true;
    time.advance(60_000);
    await flush();
    time.advance(60_000);
    await flush();
    expect(runs.map((r) => r.ok)).toEqual([false, true]);
  });

  it('does nothing while paused, and "Sync now" runs regardless', async () => {
    const runs: JobRun[] = [];
    const time = fakeClock(T0);
    const scheduler = new Scheduler([syncJob(runs, () => time.clock.now(), () => true, () => false)], memoryLogger(), time.clock);
    scheduler.start();
    await flush();
    expect(runs).toHaveLength(0);
    await scheduler.runNow('sync');
    expect(runs).toHaveLength(1);
  });

  it('after a ticket check with failed customers, the next comes after the job\'s short retry (15 minutes), not the next window', async () => {
    const boundary = Date.UTC(2026, 10, 25, 8);
    const { clock, advance } = fakeClock(boundary + 60_000);
    const runs: JobRun[] = [];
    let failing = true;
    const job: Job = { ...syncJob(runs, () => clock.now(), () => !failing), name: 'tickets', periodMs: 4 * 3_600_000, retryMs: 15 * 60_000 };
    const scheduler = new Scheduler([job], memoryLogger(), clock);
    scheduler.start();
    await flush();
    expect(runs).toHaveLength(1);
    expect(scheduler.status()[0]?.nextRunAt).toBe(boundary + 16 * 60_000);
    advance(14 * 60_000);
    await flush();
    expect(runs).toHaveLength(1);
    failing = false;
    advance(60_000);
    await flush();
    expect(runs).toHaveLength(2);
    advance(30 * 60_000);
    await flush();
    expect(runs).toHaveLength(2);
    expect(scheduler.status()[0]?.nextRunAt).toBe(boundary + 4 * 3_600_000);
    scheduler.stop();
  });
  it('tells each job\'s end with that job\'s own outcome: its record, or what stopped it before it made one (not the newest record of another job)', async () => {
    const { clock } = fakeClock(Date.UTC(2026, 10, 25, 8, 1));
    const told: [string, string][] = [];
    const record = { id: 'sync-1' };
    const never = () => null;
    const scheduler = new Scheduler<{ id: string }>([
      { name: 'sync', periodMs: 86_400_000, lastRun: never, lastSuccess: never, enabled: () => true, run: () => Promise.resolve(record) },
      { name: 'tickets', periodMs: 4 * 3_600_000, lastRun: never, lastSuccess: never, enabled: () => true, run: () => Promise.reject(new Error('A ticket check is still running in the app')) },
    ], memoryLogger(), clock, { onJobDone: (name, outcome) => { told.push([name, 'result' in outcome ? outcome.result.id : `error: ${String(outcome.error)}`]); } });
    scheduler.start();
    await flush();
    scheduler.stop();
    expect(told.sort()).toEqual([['sync', 'sync-1'], ['tickets', 'error: Error: A ticket check is still running in the app']]);
  });
});
