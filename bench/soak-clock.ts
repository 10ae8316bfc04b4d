/**
 * Simulated time for one process of the soak: `Date` runs at real speed plus an offset that only grows,
 * so the hours between runs are skipped and a simulated day passes in seconds. Every `Date.now()` and
 * `new Date()` in the process follows it (run records, log lines, token expiry, lock files), as they
 * would after a machine's clock moved on; timers and rate-limit windows stay on real time (the soak
 * compresses the vendors' windows instead, in the client and the simulators alike).
 */
export interface SoakClock {
  now(): number;
  /** Moves the clock forward to `ms` (never back). */
  advanceTo(ms: number): void;
  /** Moves the clock forward by `ms` at once: the machine slept. */
  skip(ms: number): void;
}

export function offsetClock(startMs: number, realNow: () => number): SoakClock {
  let offset = startMs - realNow();
  return {
    now: () => realNow() + offset,
    advanceTo(ms) { offset = Math.max(offset, ms - realNow()); },
    skip(ms) { offset += ms; },
  };
}

/** Installs the clock as this process's `Date`. */
export function installSoakDate(startMs: number): SoakClock {
  const RealDate = Date;
  const clock = offsetClock(startMs, () => RealDate.now());
  class SoakDate extends RealDate {
    constructor(...args: number[]) {
      if (args.length === 0) super(clock.now());
      // Every other form of the constructor (a time, a string, year-month-day) as Date has it.
      else super(...(args as [number]));
    }

    static override now(): number {
      return clock.now();
    }
  }
  globalThis.Date = SoakDate as DateConstructor;
  return clock;
}
