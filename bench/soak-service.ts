/**
 * One life of the soak's service process: `umbrella-psa-sync service` as a user runs it (runService:
 * the app's composition, the log files with redaction, systemd's credentials folder) with its clock
 * on simulated time. When no job runs, it asks the soak driver whether the clock may move on to the
 * next job's time, and says at the end of each simulated day what the process uses. The driver kills
 * it with SIGKILL whenever it likes and starts it again, as a machine's crash or power loss would.
 *
 *   node --expose-gc --import tsx bench/soak-service.ts '{"dataDir":"...","startMs":...}'
 * with NODE_ENV=test, UMBRELLA_PSA_TEST_LIMIT_SCALE and CREDENTIALS_DIRECTORY set by the driver.
 */
import { getEventListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AppServices } from '../main/app/compose';
import { installSoakDate } from './soak-clock';
import type { ChildMessage, DayFigures, ParentMessage } from './soak-protocol';

const options = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; startMs: number };
const clock = installSoakDate(options.startMs);
// Imported once the clock is in place, so that nothing keeps the real Date.
const { runService } = await import('../main/cli/service');

let go: (() => void) | null = null;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'go') go?.();
  else clock.skip(message.ms);
});
const ask = (message: ChildMessage) => new Promise<void>((resolve) => {
  go = resolve;
  process.send?.(message);
});

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const MB = 2 ** 20;

/** Listeners on the process and on the service's stop signal (every run and every wait listens to it). */
function listeners(stopSignal: AbortSignal): number {
  return process.eventNames().reduce((sum, name) => sum + process.listenerCount(name), 0) + getEventListeners(stopSignal, 'abort').length;
}

/** Runs what is due, then moves the clock to the next job's time; closes each day with its figures. */
async function pump(services: AppServices, stopSignal: AbortSignal): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpu = process.cpuUsage();
  let written = services.state.bytesWritten;
  let spins = 0;
  for (;;) {
    await services.scheduler.check();
    await services.scheduler.idle();
    const now = Date.now();
    const next = Math.min(...services.scheduler.status(now).map((s) => s.nextRunAt));
    // Due again at once (a run stopped): let it run, but never spin without time passing.
    if (next <= now && ++spins < 50) continue;
    spins = 0;
    const to = Math.max(next, now + 1000);
    let day: DayFigures | undefined;
    if (utcDay(to) !== utcDay(now)) {
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      day = {
        day: utcDay(now), rssMb: memory.rss / MB, heapMb: memory.heapUsed / MB, heapTotalMb: memory.heapTotal / MB, externalMb: memory.external / MB, loopP99Ms: loop.percentile(99) / 1e6,
        cpuMs: (used.user + used.system) / 1000, handles: process.getActiveResourcesInfo().length, listeners: listeners(stopSignal),
        stateWritten: services.state.bytesWritten - written,
      };
      written = services.state.bytesWritten;
      loop.reset();
    }
    await ask({ type: 'advance', now, to, ...(day ? { day } : {}) });
    clock.advanceTo(to);
  }
}

const quiet = { out: () => undefined, err: () => undefined };
const code = await runService({
  dataDir: options.dataDir, io: quiet,
  schedulerClock: { now: () => Date.now(), setInterval: () => null, clearInterval: () => undefined },
  onStarted: (services, stopSignal) => { void pump(services, stopSignal); },
});
// The IPC channel would keep the process alive after the service stopped.
process.exit(code);
