/**
 * A limiter that enforces several sliding windows at once plus a concurrency cap, e.g. Umbrella's
 * "5 per second AND 14 per minute AND 350 per 30 minutes, per API key".
 *
 * Hand-written because the maintained packages cover one window each (p-throttle) or are no longer
 * maintained (bottleneck); this is ~60 lines with an injectable clock so tests run in virtual time.
 */
import { RunStoppedError } from '../../domain/errors';
export interface RateWindow {
  limit: number;
  ms: number;
  /** Safety margin added to the window (default 5%, at least 50 ms; see margin()). */
  marginMs?: number;
  /**
   * When a request starts counting: when it is sent (the default), or when its answer arrives.
   * The vendor counts arrivals, which happen between the two; counting from the answer can never
   * undercount, however late a request leaves this process or travels, at the cost of one round
   * trip per window (negligible for a one-minute window).
   */
  countFrom?: 'send' | 'response';
}

/**
 * The part of a budget other processes spend: a vendor that counts per API key counts every process
 * using it (the app, the CLI and the service on one settings folder). Advisory: it must never fail a request.
 */
export interface SharedBudget {
  /** When other processes' requests were answered (or sent, while in flight), after `since`. */
  othersSince(since: number): number[];
  /**
   * This process sent a request at `at`: the others count it from then until its answer replaces it, so two
   * processes starting at once do not both fill the window. Returns what `record` takes to replace it.
   */
  reserve?(at: number, keepMs: number): number;
  /** This process's request was answered at `at` (replacing its reservation); what is older than `keepMs` may be forgotten. */
  record(at: number, keepMs: number, reservation?: number): void;
}

interface Entry {
  sent: number;
  /** When the answer arrived; Infinity while the request is in flight. */
  done: number;
  /** Its place in the shared budget while in flight. */
  reservation?: number;
}

/** Higher is admitted first; a function when it can rise while waiting (another caller came to need the same request). */
export type Priority = number | (() => number);

interface Waiting {
  priority: () => number;
  resolve: (entry: Entry) => void;
}

/** The process began stopping while a request waited for a rate-limit window: a stop of the run, not a failure. */
export class StoppedWaitingError extends RunStoppedError {
  override readonly name = 'StoppedWaitingError';
  constructor() {
    super('Stopped before the end: the process began stopping while a request waited for a vendor\'s rate limit (nothing was sent); it runs at the next start.');
  }
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
  private readonly entries: Entry[] = [];
  /** Acquirers waiting for a request in flight to finish (its window starts then). */
  private readonly finishing: (() => void)[] = [];
  private active = 0;
  /** Nothing is admitted before this time: the vendor said its window is full (a 429), whoever filled it. */
  private pausedUntil = 0;
  /** Acquirers not yet admitted, in arrival order. */
  private readonly pending: Waiting[] = [];
  private admitting = false;
  private readonly waiters: (() => void)[] = [];
  peakActive = 0;

  constructor(
    private readonly windows: readonly RateWindow[],
    private readonly maxConcurrent: number = Number.POSITIVE_INFINITY,
    private readonly clock: Clock = realClock,
    private readonly shared?: SharedBudget,
  ) {}

  /** Admits nothing for `ms`: another program using the same key filled the vendor's window. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /**
   * Runs `task` once every window and the concurrency cap allow it. Waiting tasks are admitted
   * highest `priority` first, in arrival order within a priority.
   */
  async run<T>(task: () => Promise<T>, priority: Priority = 0, signal?: AbortSignal): Promise<T> {
    const entry = await this.acquire(priority, signal);
    try {
      return await task();
    } finally {
      entry.done = this.clock.now();
      // Told when answered: the vendor counted it by then, however late it arrived there.
      this.shared?.record(entry.done, this.longestSpan(), entry.reservation);
      this.active--;
      this.waiters.shift()?.();
      for (const wake of this.finishing.splice(0)) wake();
    }
  }

  /** Waits for admission; an abort while still waiting gives up the place (the task never runs). */
  private acquire(priority: Priority, signal?: AbortSignal): Promise<Entry> {
    return new Promise<Entry>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new StoppedWaitingError());
        return;
      }
      const onAbort = () => {
        const at = this.pending.indexOf(waiting);
        if (at >= 0) this.pending.splice(at, 1);
        reject(new StoppedWaitingError());
      };
      const waiting: Waiting = {
        priority: typeof priority === 'number' ? () => priority : priority,
        resolve: (entry) => { signal?.removeEventListener('abort', onAbort); resolve(entry); },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.push(waiting);
      void this.admit();
    });
  }

  /** The first waiting acquirer of the highest priority, as it stands now. */
  private takeNext(): Waiting | undefined {
    let best = -1;
    let bestPriority = Number.NEGATIVE_INFINITY;
    for (const [i, waiting] of this.pending.entries()) {
      const priority = waiting.priority();
      if (priority > bestPriority) {
        best = i;
        bestPriority = priority;
      }
    }
    return best < 0 ? undefined : this.pending.splice(best, 1)[0];
  }

  /** One admission loop, so the windows are checked and recorded atomically; it picks whoever is first in line when there is room. */
  private async admit(): Promise<void> {
    if (this.admitting) return;
    this.admitting = true;
    try {
      while (this.pending.length > 0) {
        while (this.active >= this.maxConcurrent) {
          await new Promise<void>((resolve) => this.waiters.push(resolve));
        }
        for (;;) {
          const wait = this.waitTime(this.clock.now());
          if (wait <= 0) break;
          // Let the tasks just admitted start first (on a clock whose sleep returns at once, they would start late).
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (wait === Number.POSITIVE_INFINITY) await new Promise<void>((resolve) => this.finishing.push(resolve));
          else await this.clock.sleep(wait);
        }
        const next = this.takeNext();
        if (!next) break;
        const entry: Entry = { sent: this.clock.now(), done: Number.POSITIVE_INFINITY };
        const reservation = this.shared?.reserve?.(entry.sent, this.longestSpan());
        if (reservation !== undefined) entry.reservation = reservation;
        this.entries.push(entry);
        this.active++;
        this.peakActive = Math.max(this.peakActive, this.active);
        next.resolve(entry);
      }
    } finally {
      this.admitting = false;
    }
  }

  /**
   * The vendor counts arrivals: counted from departure, a request admitted exactly one window after
   * another can still land inside the vendor's window. Keep a margin of 5% (at least 50 ms).
   */
  private static margin(window: RateWindow): number {
    return window.marginMs ?? Math.max(50, Math.round(window.ms * 0.05));
  }

  private longestSpan(): number {
    return Math.max(0, ...this.windows.map((w) => w.ms + RateLimiter.margin(w)));
  }

  /**
   * How long until every window has room; Infinity when that depends on a request still in flight.
   * Other processes' requests count from when they were answered (recorded then), as this process's own do.
   */
  private waitTime(now: number): number {
    const longest = this.longestSpan();
    const paused = Math.max(0, this.pausedUntil - now);
    const others = this.shared?.othersSince(now - longest) ?? [];
    // Finished requests older than every window no longer count (entries are in sending order).
    while (this.entries.length > 0 && (this.entries[0]?.done ?? 0) <= now - longest) this.entries.shift();
    let wait = paused;
    for (const window of this.windows) {
      const span = window.ms + RateLimiter.margin(window);
      const counted = [...this.entries.map((e) => (window.countFrom === 'response' ? e.done : e.sent)), ...others].filter((t) => t > now - span).sort((a, b) => a - b);
      if (counted.length >= window.limit) {
        const oldest = counted[counted.length - window.limit] ?? now;
        wait = Math.max(wait, oldest + span - now);
      }
    }
    return wait;
  }
}
