import { describe, expect, it } from 'vitest';
import { DesktopSettingsSchema, type RunRecord, type Screen } from '../../preload/contract';
import { CLOSE_TO_TRAY_HINT, createNotifier, notificationFor, type NotificationContent } from '../../main/shell/notifications';

const run = (overrides: Partial<RunRecord>): RunRecord => ({
  id: 'sync-1', kind: 'sync', psa: 'connectwise', dryRun: false, startedAt: '2026-12-02T00:00:05.000Z', finishedAt: '2026-12-02T00:03:00.000Z',
  counts: { created: 0, updated: 20, unchanged: 0, skipped: 0, failed: 0 }, requests: { umbrella: 100, psa: 40 }, problems: [], notes: [], ...overrides,
});
const failedSync = (failed: number, reason = 'ConnectWise answered 500') => run({
  counts: { created: 0, updated: 20, unchanged: 0, skipped: 0, failed },
  problems: [{ orgId: 7, name: 'Beta Dental', status: 'skipped', reason: 'not mapped' }, { orgId: 8, name: 'Acme Corp', status: 'failed', reason }],
});
const ticketRun = (customers: string[]) => run({
  kind: 'tickets', counts: { created: customers.length, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
  tickets: customers.map((customer, i) => ({ customer, identity: `host-${String(i)}`, ticketId: 100 + i, action: 'created' as const, count: 12 })),
});
const ON = { failedRuns: true, ticketsOpened: true, billingDrift: true };
const billed = (under: [number, number], over: [number, number], autoApplied = 0) => run({
  billing: { underBilled: { customers: under[0], seats: under[1] }, overBilled: { customers: over[0], seats: over[1] }, toReview: 2, autoApplied, planId: autoApplied > 0 ? 4 : null },
});

describe('the notification policy', () => {
  it('a failed run says how many customers failed and the first error, and opens the Status screen', () => {
    expect(notificationFor(failedSync(3), null, ON)).toEqual({ title: 'Sync: 3 customers failed', body: 'Acme Corp: ConnectWise answered 500', screen: 'status' });
    expect(notificationFor(run({ kind: 'tickets', error: 'Cisco Umbrella rejected the API key and secret (401).' }), null, ON))
      .toEqual({ title: 'Ticket check failed', body: 'Cisco Umbrella rejected the API key and secret (401).', screen: 'status' });
  });

  it('tickets opened name the customers, a few at most', () => {
    expect(notificationFor(ticketRun(['Acme Corp']), null, ON)).toEqual({ title: '1 botnet ticket opened', body: 'For Acme Corp', screen: 'status' });
    expect(notificationFor(ticketRun(['A', 'B', 'C', 'D', 'E']), null, ON)?.body).toBe('For A, B, C and 2 others');
  });

  it('says nothing for a good run, a dry run, a run stopped on purpose, or a kind turned off', () => {
    expect(notificationFor(run({}), null, ON)).toBeNull();
    expect(notificationFor({ ...failedSync(2), dryRun: true }, null, ON)).toBeNull();
    expect(notificationFor({ ...failedSync(2), error: 'Stopped', stopped: true }, null, ON)).toBeNull();
    expect(notificationFor(failedSync(2), null, { ...ON, failedRuns: false })).toBeNull();
    expect(notificationFor(ticketRun(['Acme Corp']), null, { ...ON, ticketsOpened: false })).toBeNull();
  });

  it('billing drift after the daily sync is said when it appears or changes, and opens the Billing screen', () => {
    expect(notificationFor(billed([2, 7], [1, 3]), null, ON)).toEqual({
      title: 'Billing: 2 customers under-billed (7 seats), 1 customer over-billed (3 seats)', body: 'Review and approve the changes on the Billing screen.', screen: 'billing',
    });
    // The same drift the next day is on the Billing screen, not in another pop-up; a change of it is said.
    expect(notificationFor(billed([2, 7], [1, 3]), billed([2, 7], [1, 3]), ON)).toBeNull();
    expect(notificationFor(billed([3, 9], [1, 3]), billed([2, 7], [1, 3]), ON)?.title).toBe('Billing: 3 customers under-billed (9 seats), 1 customer over-billed (3 seats)');
    expect(notificationFor(billed([0, 0], [0, 0]), null, ON)).toBeNull();
    expect(notificationFor(billed([0, 0], [1, 2], 2), billed([0, 0], [1, 2]), ON)).toEqual({
      title: 'Billing: 1 customer over-billed (2 seats)', body: '2 increases applied without asking. Review and approve the changes on the Billing screen.', screen: 'billing',
    });
    expect(notificationFor(billed([2, 7], [1, 3]), null, { ...ON, billingDrift: false })).toBeNull();
    // A failure is said first.
    expect(notificationFor({ ...billed([2, 7], [0, 0]), ...failedSync(1) }, null, ON)?.screen).toBe('status');
  });

  it('the same failure again (the 15-minute retries) is not said twice in a row; a new one is', () => {
    expect(notificationFor(failedSync(3), failedSync(3), ON)).toBeNull();
    expect(notificationFor(failedSync(4), failedSync(3), ON)?.title).toBe('Sync: 4 customers failed');
    expect(notificationFor(failedSync(3, 'timeout'), failedSync(3), ON)?.body).toBe('Acme Corp: timeout');
    expect(notificationFor(failedSync(3), run({}), ON)).not.toBeNull();
  });

  it('the defaults notify both kinds', () => {
    expect(DesktopSettingsSchema.parse({}).notifications).toEqual(ON);
    expect(DesktopSettingsSchema.parse({}).startAtLogin).toBe(false);
  });
});

describe('the notifier', () => {
  function notifier(runs: RunRecord[], options: { focused?: boolean; hintShown?: boolean } = {}) {
    const shown: { content: NotificationContent; click: () => void }[] = [];
    const opened: Screen[] = [];
    let prefs = DesktopSettingsSchema.parse({ closeHintShown: options.hintShown ?? false });
    const n = createNotifier({
      show: (content, click) => { shown.push({ content, click }); },
      prefs: () => prefs,
      runsOf: (kind) => runs.filter((r) => r.kind === kind),
      openScreen: (screen) => { opened.push(screen); },
      windowFocused: () => options.focused ?? false,
      closeHintShown: () => { prefs = { ...prefs, closeHintShown: true }; },
    });
    return { n, shown, opened };
  }

  it('shows the finished run against the one before it; a click opens its screen', () => {
    const { n, shown, opened } = notifier([ticketRun(['Acme Corp']), failedSync(1)]);
    n.runFinished('tickets');
    expect(shown.map((s) => s.content.title)).toEqual(['1 botnet ticket opened']);
    shown[0]?.click();
    expect(opened).toEqual(['status']);
    n.runFinished('sync');
    expect(shown).toHaveLength(2);
  });

  it('stays quiet while the user looks at the window', () => {
    const { n, shown } = notifier([failedSync(2)], { focused: true });
    n.runFinished('sync');
    expect(shown).toHaveLength(0);
  });

  it('says once, at the first close, that the app keeps running in the tray', () => {
    const { n, shown } = notifier([]);
    n.windowClosed();
    n.windowClosed();
    expect(shown.map((s) => s.content)).toEqual([CLOSE_TO_TRAY_HINT]);
    const again = notifier([], { hintShown: true });
    again.n.windowClosed();
    expect(again.shown).toHaveLength(0);
  });
});
