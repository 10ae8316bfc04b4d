/**
 * Autotask's hourly request threshold (10,000 by default) is shared by every integration of the
 * tenant, and going over it throttles and then disables the API for all of them. So this app reads
 * ThresholdInformation before its first request and again every `checkEvery` requests (or minutes),
 * estimates its own usage in between, and never pushes the tenant above `share` of the threshold:
 * at the cap it pauses, re-reading the usage each `pauseMs`, and gives up after `maxPauseMs` with a
 * clear error rather than taking the tenant's other integrations down.
 */
import { realClock, type Clock } from '../../http/rate-limiter';
import type { PsaApiUsage } from '../adapter';

export interface AutotaskBudgetOptions {
  share: number;
  checkEvery?: number;
  checkEveryMs?: number;
  pauseMs?: number;
  maxPauseMs?: number;
  clock?: Clock;
}

export class AutotaskBudgetError extends Error {
  override readonly name = 'AutotaskBudgetError';
}

export class AutotaskBudget {
  /** The last reading; `cap` is the share of the limit this app keeps the tenant under (0..1). */
  usage: PsaApiUsage['usage'] = null;
  /** Time spent paused for the budget, in all. */
  pausedMs = 0;
  private sinceCheck = 0;
  private checkedAt = 0;
  private checking: Promise<void> | null = null;
  private readonly clock: Clock;

  constructor(private readonly options: AutotaskBudgetOptions, private readonly read: () => Promise<{ used: number; limit: number }>) {
    this.clock = options.clock ?? realClock;
  }

  /** The last reading and the time paused, for the run record. */
  snapshot(): PsaApiUsage {
    return { usage: this.usage, pausedMs: this.pausedMs };
  }

  /** Call before each request: returns when the request fits in the tenant's budget. */
  async admit(): Promise<void> {
    for (;;) {
      const usage = this.usage;
      const fresh = usage !== null && this.sinceCheck < (this.options.checkEvery ?? 200) && this.clock.now() - this.checkedAt < (this.options.checkEveryMs ?? 5 * 60_000);
      // Our own requests since the last reading are counted on top of it.
      if (fresh && usage.used + this.sinceCheck + 1 < this.capOf(usage)) {
        this.sinceCheck++;
        return;
      }
      this.checking ??= this.check().finally(() => { this.checking = null; });
      await this.checking;
    }
  }

  private capOf(usage: { limit: number }): number {
    return Math.floor(usage.limit * this.options.share);
  }

  private async check(): Promise<void> {
    let paused = 0;
    for (;;) {
      const { used, limit } = await this.read();
      this.usage = { used, limit, cap: this.options.share, at: new Date(this.clock.now()).toISOString() };
      this.sinceCheck = 0;
      this.checkedAt = this.clock.now();
      if (used + 1 < this.capOf({ limit })) return;
      const pause = this.options.pauseMs ?? 60_000;
      if (paused + pause > (this.options.maxPauseMs ?? 30 * 60_000)) {
        throw new AutotaskBudgetError(`The Autotask tenant's API usage stayed at ${String(used)} of ${String(limit)} requests this hour, at or above the ${String(Math.round(this.options.share * 100))}% this app may use (it is shared by every integration, and going over disables the API for all of them). The run stopped; it goes on at the next run, or raise the share in the settings.`);
      }
      paused += pause;
      this.pausedMs += pause;
      await this.clock.sleep(pause);
    }
  }
}
