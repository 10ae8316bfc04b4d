/**
 * A limiter that enforces several sliding windows at once plus a concurrency cap, e.g. Umbrella's
 * "5 per second AND 14 per minute AND 350 per 30 minutes, per API key".
 *
 * Hand-written because the maintained packages cover one window each (p-throttle) or are no longer
 * maintained (bottleneck); this is ~60 lines with an injectable clock so tests run in virtual time.
 */
export interface RateWindow {
  limit: number;
  ms: number;
  /** Safety margin added to the window (default 5%, at least 50 ms; see margin()). */
  marginMs?: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateLimiter {
  private readonly starts: number[] = [];
  private active = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly waiters: (() => void)[] = [];
  peakActive = 0;

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly maxConcurrent: number = Number.POSITIVE_INFINITY,
    private readonly clock: Clock = realClock,
  ) {}

  /** Runs `task` once every window and the concurrency cap allow it. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.active--;
      this.waiters.shift()?.();
    }
  }

  private acquire(): Promise<void> {
    // Serialise admissions so the windows are checked and recorded atomically, in FIFO order.
    const admitted = this.queue.then(async () => {
      while (this.active >= this.maxConcurrent) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      for (;;) {
        const wait = this.waitTime(this.clock.now());
        if (wait <= 0) break;
        await this.clock.sleep(wait);
      }
      this.starts.push(this.clock.now());
      this.active++;
      this.peakActive = Math.max(this.peakActive, this.active);
    });
    this.queue = admitted.catch(() => undefined);
    return admitted;
  }

  /**
   * The vendor counts arrivals, we count departures: a request admitted exactly one window after
   * another can still land inside the vendor's window. Keep a margin of 5% (at least 50 ms).
   */
  private static margin(window: RateWindow): number {
    return window.marginMs ?? Math.max(50, Math.round(window.ms * 0.05));
  }

  private waitTime(now: number): number {
    const longest = Math.max(0, ...this.windows.map((w) => w.ms + RateLimiter.margin(w)));
    while (this.starts.length > 0 && (this.starts[0] ?? 0) <= now - longest) this.starts.shift();
    let wait = 0;
    for (const window of this.windows) {
      const span = window.ms + RateLimiter.margin(window);
      const inWindow = this.starts.filter((t) => t > now - span);
      if (inWindow.length >= window.limit) {
        const oldest = inWindow[inWindow.length - window.limit] ?? now;
        wait = Math.max(wait, oldest + span - now);
      }
    }
    return wait;
  }
}
