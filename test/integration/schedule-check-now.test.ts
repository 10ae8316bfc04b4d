/** "Check tickets now" looks at the partial window and marks nothing done: the scheduled check still runs. */
import { afterEach, expect, it } from 'vitest';
import { demoMappings, DEMO_TICKETING } from '../../main/cli-sync';
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
