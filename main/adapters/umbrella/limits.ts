/**
 * Umbrella's rate limits and the limiters that enforce them. Umbrella counts per API key (tokens,
 * admin calls) and per customer org (reports), not per client object, so the app keeps one set of
 * limiters for all its Umbrella clients: the sync and the ticket check both run at 00:00 UTC, and
 * with a limiter each they would together mint more than 20 tokens a minute. Token minting also
 * counts what the other processes on the settings folder mint (the CLI, the service).
 */
import { RateLimiter, realClock, type Clock, type RateWindow, type SharedBudget } from '../http/rate-limiter';

export interface UmbrellaLimits {
  token: RateWindow[];
  admin: RateWindow[];
  reportsPerOrg: RateWindow[];
}

export const UMBRELLA_LIMITS: UmbrellaLimits = {
  // Token minting paces the whole sync: counted from each answer, so a slow or late request can
  // never make Umbrella see 21 in a minute; the margin only covers how Umbrella rounds its clock.
  token: [{ limit: 20, ms: 60_000, countFrom: 'response', marginMs: 500 }],
  admin: [{ limit: 5, ms: 1000 }, { limit: 14, ms: 60_000 }, { limit: 350, ms: 1_800_000 }],
  // Umbrella counts a report where it lands, after the 302 to the regional host: counted from the
  // answer, which comes after that landing, so however long the first hop took, 5 in any second.
  reportsPerOrg: [{ limit: 5, ms: 1000, countFrom: 'response', marginMs: 50 }],
};

/**
 * Umbrella's limits compressed in time, to match a simulator whose windows are compressed (the
 * benchmark, demo mode). Windows counted from sending keep the app's margin (5% of the window) with
 * a floor of 10 ms for send-time jitter, which compression does not shrink; windows counted from the
 * answer need none beyond the app's own, scaled.
 */
export function scaleUmbrellaLimits(limits: UmbrellaLimits, scale: number): UmbrellaLimits {
  const scaleWindows = (windows: RateWindow[]) => windows.map((w) => ({
    ...w,
    ms: w.ms / scale,
    marginMs: w.countFrom === 'response' ? Math.max(1, (w.marginMs ?? 0) / scale) : Math.max(10, (w.ms / scale) * 0.05),
  }));
  return { token: scaleWindows(limits.token), admin: scaleWindows(limits.admin), reportsPerOrg: scaleWindows(limits.reportsPerOrg) };
}

export class UmbrellaLimiters {
  /** The window paces minting; concurrency only needs to let a full window through at once. */
  readonly token: RateLimiter;
  readonly admin: RateLimiter;
  private readonly reports = new Map<number | 'provider', RateLimiter>();

  /** `tokensShared`: what the other processes on the settings folder mint with the same key (token-budget.ts). */
  constructor(private readonly limits: UmbrellaLimits = UMBRELLA_LIMITS, private readonly clock: Clock = realClock, tokensShared?: SharedBudget) {
    this.token = new RateLimiter(limits.token, Math.max(1, ...limits.token.map((w) => w.limit)), clock, tokensShared);
    this.admin = new RateLimiter(limits.admin, 5, clock);
  }

  /** How long Umbrella's token window takes to turn over (a full window after a 429 from another process). */
  get tokenWindowMs(): number {
    return Math.max(0, ...this.limits.token.map((w) => w.ms)) || 60_000;
  }

  /** Reporting is limited per customer org. */
  reportsFor(org: number | 'provider'): RateLimiter {
    let limiter = this.reports.get(org);
    if (!limiter) {
      limiter = new RateLimiter(this.limits.reportsPerOrg, 5, this.clock);
      this.reports.set(org, limiter);
    }
    return limiter;
  }
}
