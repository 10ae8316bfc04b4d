/** "Check tickets now" looks at the partial window and marks nothing done: the scheduled check still runs. */
import { afterEach, expect, it } from 'vitest';
import { demoMappings, DEMO_TICKETING } from '../../main/app/demo';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { wiredApp } from '../helpers/app';

let sims: DemoSimulators | null = null;
afterEach(async () => { await sims?.stop(); });

it('a "Check now" does not count as the scheduled check of the window', async () => {
  sims = await startDemoSimulators({ rateLimits: false });
  const { service } = (await wiredApp()).services;
  service.saveSettings({
    psa: { kind: 'connectwise' }, connectwise: { site: sims.urls.connectwiseSite }, ticketing: DEMO_TICKETING,
    endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: null }, mappings: demoMappings(sims, 'connectwise'),
  });
  await service.setCredentials({ kind: 'umbrella', values: { ...DEMO_CREDENTIALS.umbrella } });
  await service.setCredentials({ kind: 'connectwise', values: { ...DEMO_CREDENTIALS.connectwise } });
  const run = await service.checkTickets();
  const tickets = service.getScheduleStatus().find((job) => job.name === 'tickets')!;
  // Due now: the last complete window has not been checked by the schedule.
  expect(Date.parse(tickets.nextRunAt)).toBeLessThanOrEqual(Date.now());
  expect(run.record.checkNow).toBe(true);
});

it('after a ticket check in which customers failed, the next comes 15 minutes later, not at the next minute', async () => {
  const boundary = Date.UTC(2026, 10, 25, 8);
  const startedAt = boundary + 60_000;
  let now = startedAt + 60_000;
  const clock = { now: () => now, setInterval: () => 1, clearInterval: () => undefined };
  const { services } = await wiredApp({ schedulerClock: clock });
  services.service.saveSettings({ psa: { kind: 'connectwise' }, ticketing: { ...DEMO_TICKETING } });
  // A check that ran to the end, but with one customer failed (retried at the next check).
  services.state.updateNow((s) => {
    s.runs = [{
      id: 'tickets-x', kind: 'tickets', psa: 'connectwise', dryRun: false, startedAt: new Date(startedAt).toISOString(), finishedAt: new Date(startedAt + 5_000).toISOString(),
      counts: { created: 3, updated: 0, unchanged: 0, skipped: 0, failed: 1 }, requests: { umbrella: 10, psa: 5 }, problems: [], notes: [],
    }];
  });
  const next = () => Date.parse(services.service.getScheduleStatus().find((job) => job.name === 'tickets')!.nextRunAt);
  expect(next()).toBe(startedAt + 15 * 60_000);
  now = startedAt + 15 * 60_000;
  expect(next()).toBe(now);
});
