import { describe, expect, it } from 'vitest';
import { RateLimiter, type Clock } from '../../main/adapters/http/rate-limiter';

/** Virtual time: sleeping advances the clock instantly. */
function virtualClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('RateLimiter', () => {
  it('enforces every window at once (5/s and 14/min)', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter([{ limit: 5, ms: 1000 }, { limit: 14, ms: 60_000 }], Infinity, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 30 }, () => limiter.run(() => { starts.push(clock.now()); return Promise.resolve(); })));
    for (const start of starts) {
      expect(starts.filter((t) => t > start - 1000 && t <= start).length).toBeLessThanOrEqual(5);
      expect(starts.filter((t) => t > start - 60_000 && t <= start).length).toBeLessThanOrEqual(14);
    }
    // 30 requests at 14/min need two full minute windows to pass.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(120_000);
    expect(starts.slice(0, 5).every((t) => t === 0)).toBe(true);
  });

  it('caps concurrency and admits in FIFO order', async () => {
    const limiter = new RateLimiter([], 3);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.run(async () => {
      order.push(i);
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    })));
    expect(peak).toBe(3);
    expect(limiter.peakActive).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a higher priority waiting for the window goes before the lower ones queued ahead of it (the ticket check before the sync)', async () => {
    // Time moves only when the test says so: the ticket check arrives while the sync waits for the minute to turn over.
    let t = 0;
    const sleepers: (() => void)[] = [];
    const clock: Clock = { now: () => t, sleep: (ms) => new Promise<void>((resolve) => { sleepers.push(() => { t += ms; resolve(); }); }) };
    const limiter = new RateLimiter([{ limit: 20, ms: 60_000, marginMs: 0 }], Infinity, clock);
    const order: string[] = [];
    const sync = Array.from({ length: 60 }, (_, i) => limiter.run(() => { order.push(`sync${String(i)}`); return Promise.resolve(); }));
    while (sleepers.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(order).toHaveLength(20);
    const tick = setInterval(() => { sleepers.shift()?.(); }, 1);
    const tickets = Array.from({ length: 5 }, (_, i) => limiter.run(() => { order.push(`tickets${String(i)}`); return Promise.resolve(clock.now()); }, 1));
    const ticketTimes = await Promise.all(tickets);
    await Promise.all(sync);
    clearInterval(tick);
    // The ticket check's five take the first places of the second minute, not the 41st to 45th.
    expect(order.slice(20, 25)).toEqual(['tickets0', 'tickets1', 'tickets2', 'tickets3', 'tickets4']);
    expect(Math.max(...ticketTimes)).toBe(60_000);
    expect(order.filter((o) => o.startsWith('sync'))).toEqual(Array.from({ length: 60 }, (_, i) => `sync${String(i)}`));
  });

  it('keeps going after a task fails', async () => {
    const limiter = new RateLimiter([{ limit: 1, ms: 10 }], 1, virtualClock());
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it('counting from the answer: a window starts when the request\'s answer arrives, however long it was in flight', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter([{ limit: 2, ms: 100, marginMs: 0, countFrom: 'response' }], Infinity, clock);
    const answers: (() => void)[] = [];
    const sentAt: number[] = [];
    const request = () => limiter.run(() => {
      sentAt.push(clock.now());
      return new Promise<void>((resolve) => answers.push(resolve));
    });
    const first = request();
    const second = request();
    const third = request();
    await new Promise((r) => setTimeout(r, 5));
    expect(sentAt).toEqual([0, 0]); // the third waits: both requests of the window are still in flight
    clock.t = 500; // the first answer comes back late
    answers[0]?.();
    await first;
    await new Promise((r) => setTimeout(r, 5));
    // Counted from sending it could have left at 100; counted from the answer, not before 600.
    expect(sentAt).toEqual([0, 0, 600]);
    answers[1]?.();
    answers[2]?.();
    await Promise.all([second, third]);
  });

  it('counting from sending (the default) lets the next window start one window after the first send', async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter([{ limit: 2, ms: 100, marginMs: 0 }], Infinity, clock);
    const sentAt: number[] = [];
    await Promise.all([1, 2, 3].map(() => limiter.run(() => { sentAt.push(clock.now()); return Promise.resolve(); })));
    expect(sentAt).toEqual([0, 0, 100]);
  });
});
