/**
 * Runs periodic jobs on UTC boundaries: the configuration sync daily from 00:00 UTC (and, later,
 * the ticket check every 4 hours). It does not trust a long timer: it looks every minute (and on
 * start and on resume from sleep) whether the latest boundary has passed without a successful run,
 * so a run missed while the machine slept or the app was closed happens once, as soon as possible.
 * A run that failed as a whole is retried after `retryMs`, until the next boundary.
 */
import { describeError, RunStoppedError } from '../domain/errors';
import type { Logger } from '../adapters/logging/logger';

export const DAY_MS = 86_400_000;
export const FOUR_HOURS_MS = 4 * 3_600_000;

/** The latest boundary at or before `now` for a period aligned to 00:00 UTC. */
export function latestBoundary(now: number, periodMs: number): number {
  return Math.floor(now / periodMs) * periodMs;
}

export interface JobRun {
  startedAt: number;
  ok: boolean;
}

export interface Job<R = unknown> {
  name: string;
  periodMs: number;
  /** The most recent run attempt (from persisted state), or null. */
  lastRun: () => JobRun | null;
  /** The last successful run, or null. */
  lastSuccess: () => number | null;
  enabled: () => boolean;
  /** The run; what it returns (its run record) is told to onJobDone. */
  run: () => Promise<R>;
  /** After a failed run, the next try comes this much later (default: the scheduler's retryMs). */
  retryMs?: number;
}

export interface SchedulerClock {
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realSchedulerClock: SchedulerClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => { clearInterval(handle as NodeJS.Timeout); },
};

export interface JobStatus {
  name: string;
  nextRunAt: number;
  running: boolean;
}

/** How a job's run ended: what it returned, or what it threw. */
export type JobOutcome<R> = { result: R } | { error: unknown };

export class Scheduler<R = unknown> {
  private handle: unknown = null;
  private readonly running = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly jobs: readonly Job<R>[],
    private readonly log: Logger,
    private readonly clock: SchedulerClock = realSchedulerClock,
    private readonly options: { checkEveryMs?: number; retryMs?: number; onJobDone?: (name: string, outcome: JobOutcome<R>) => void } = {},
  ) {}

  /** Starts the minute checks and catches up at once. */
  start(): void {
    if (this.handle !== null) return;
    this.handle = this.clock.setInterval(() => { void this.check(); }, this.options.checkEveryMs ?? 60_000);
    void this.check();
  }

  stop(): void {
    if (this.handle !== null) this.clock.clearInterval(this.handle);
    this.handle = null;
  }

  /** Whether `job` is due now: its latest boundary passed with no successful run since. */
  isDue(job: Job<R>, now = this.clock.now()): boolean {
    if (!job.enabled()) return false;
    const boundary = latestBoundary(now, job.periodMs);
    const success = job.lastSuccess();
    if (success !== null && success >= boundary) return false;
    const last = job.lastRun();
    if (last && !last.ok && last.startedAt >= boundary && now - last.startedAt < this.retryMsOf(job)) return false;
    return true;
  }

  /** Runs every due job (one run per job at a time). Call on start, every minute and on resume. */
  async check(): Promise<void> {
    await Promise.all(this.jobs.filter((job) => !this.running.has(job.name) && this.isDue(job)).map((job) => this.runJob(job)));
  }

  /** "Sync now": runs the job whatever the schedule says (joins a run already going). */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`No job named ${name}`);
    await this.runJob(job);
  }

  status(now = this.clock.now()): JobStatus[] {
    return this.jobs.map((job) => ({
      name: job.name,
      nextRunAt: this.nextRunAt(job, now),
      running: this.running.has(job.name),
    }));
  }

  private retryMsOf(job: Job<R>): number {
    return job.retryMs ?? this.options.retryMs ?? 30 * 60_000;
  }

  /** Now when due; after a failed run of this period, its retry; else the next boundary. */
  private nextRunAt(job: Job<R>, now: number): number {
    if (this.isDue(job, now)) return now;
    const boundary = latestBoundary(now, job.periodMs);
    const last = job.lastRun();
    const success = job.lastSuccess();
    if (last && !last.ok && last.startedAt >= boundary && (success === null || success < boundary)) {
      return Math.min(last.startedAt + this.retryMsOf(job), boundary + job.periodMs);
    }
    return boundary + job.periodMs;
  }

  /** Resolves once no job is running (after stop(), before the process ends). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async runJob(job: Job<R>): Promise<void> {
    this.running.add(job.name);
    const run = (async () => {
      let outcome: JobOutcome<R>;
      try {
        outcome = { result: await job.run() };
      } catch (error) {
        // Stopping is not a failure: the run is done again at the next start.
        if (error instanceof RunStoppedError) this.log.info(describeError(error));
        else this.log.error(`Scheduled ${job.name} failed: ${describeError(error)}`);
        outcome = { error };
      } finally {
        this.running.delete(job.name);
      }
      // Told once the job is marked done, so its next run can be said; with this run's own outcome, not the newest record.
      this.options.onJobDone?.(job.name, outcome);
    })();
    this.inFlight.add(run);
    try {
      await run;
    } finally {
      this.inFlight.delete(run);
    }
  }
}
