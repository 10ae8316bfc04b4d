import { describe, expect, it } from 'vitest';
import { createTray, type TrayActions, type TrayLike } from '../../main/shell/tray';
import type { RunRecord } from '../../preload/contract';

const run = (overrides: Partial<RunRecord>): RunRecord => ({
  id: 'sync-1', kind: 'sync', psa: 'connectwise', dryRun: false, startedAt: '2026-12-02T00:00:05.000Z', finishedAt: '2026-12-02T00:03:00.000Z',
  counts: { created: 2, updated: 19, unchanged: 0, skipped: 3, failed: 0 }, requests: { umbrella: 100, psa: 40 }, problems: [], notes: [], ...overrides,
});

type Item = { label?: string; enabled?: boolean; type?: string; click?: () => void };

const ICONS = { idle: '/tray-idle.png', syncing: '/tray-syncing.png', failed: '/tray-failed.png', paused: '/tray-paused.png' };

function fakeTray() {
  const calls = { tooltip: '', icon: '', menu: [] as Item[], click: null as (() => void) | null, destroyed: false };
  const tray: TrayLike = {
    setToolTip: (text) => { calls.tooltip = text; },
    setImage: (icon) => { calls.icon = icon; },
    setContextMenu: (menu) => { calls.menu = (menu as { items: Item[] }).items; },
    on: (_event, listener) => { calls.click = listener; return tray; },
    destroy: () => { calls.destroyed = true; },
  };
  return { tray, calls };
}

function actions(overrides: Partial<TrayActions> = {}) {
  const log: string[] = [];
  let paused = false;
  const a: TrayActions = {
    open: () => log.push('open'),
    syncNow: () => { log.push('sync'); return Promise.resolve(); },
    checkTicketsNow: () => { log.push('tickets'); return Promise.resolve(); },
    setPaused: (p) => { paused = p; log.push(p ? 'pause' : 'resume'); },
    isPaused: () => paused,
    quit: () => log.push('quit'),
    ...overrides,
  };
  return { a, log };
}

const flush = () => new Promise((r) => setImmediate(r));
const item = (menu: Item[], label: string) => menu.find((i) => i.label === label)!;

describe('tray', () => {
  it('offers Open, Sync now, Check tickets now, Pause and Quit, and opens the window on click', () => {
    const { tray, calls } = fakeTray();
    const { a, log } = actions();
    createTray(a, ICONS, () => tray, (t) => ({ items: t }));
    expect(calls.menu.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual(['Open Umbrella PSA Sync', 'No run yet', 'Sync now', 'Check tickets now', 'Pause the schedule', 'Quit']);
    expect(item(calls.menu, 'No run yet').enabled).toBe(false);
    calls.click?.();
    item(calls.menu, 'Quit').click?.();
    expect(log).toEqual(['open', 'quit']);
  });

  it('runs Sync now once, disabling the menu entries while it runs, and shows a failure in the tooltip', async () => {
    const { tray, calls } = fakeTray();
    let finish: (() => void) | null = null;
    const { a, log } = actions({ syncNow: () => { log.push('sync'); return new Promise<void>((_r, reject) => { finish = () => { reject(new Error('Cisco Umbrella rejected the API key and secret (401).')); }; }); } });
    createTray(a, ICONS, () => tray, (t) => ({ items: t }));
    item(calls.menu, 'Sync now').click?.();
    expect(item(calls.menu, 'Syncing…').enabled).toBe(false);
    expect(item(calls.menu, 'Check tickets now').enabled).toBe(false);
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Syncing…');
    finish!();
    await flush();
    expect(item(calls.menu, 'Sync now').enabled).toBe(true);
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Last run failed: Cisco Umbrella rejected the API key and secret (401).');
    expect(log).toEqual(['sync']);
  });

  it('pauses and resumes the schedule', () => {
    const { tray, calls } = fakeTray();
    const { a, log } = actions();
    createTray(a, ICONS, () => tray, (t) => ({ items: t }));
    item(calls.menu, 'Pause the schedule').click?.();
    // The menu, tooltip and icon follow at once, with no other event needed.
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Schedule paused');
    expect(calls.icon).toBe(ICONS.paused);
    item(calls.menu, 'Resume the schedule').click?.();
    expect(item(calls.menu, 'Pause the schedule')).toBeDefined();
    expect(calls.icon).toBe(ICONS.idle);
    expect(log).toEqual(['pause', 'resume']);
  });

  it('shows any run\'s progress in the tooltip, whoever started it, then the last result in the menu', () => {
    const { tray, calls } = fakeTray();
    let last: RunRecord | null = null;
    const { a } = actions({ lastRun: () => last });
    const appTray = createTray(a, ICONS, () => tray, (t) => ({ items: t }));
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Syncing daily from 00:00 UTC');
    appTray.progress({ kind: 'sync', dryRun: false, done: 3, total: 40, finished: false });
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Syncing: 3 of 40 customers');
    appTray.progress({ kind: 'sync', dryRun: true, done: 9, total: 40, finished: false });
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Syncing: 3 of 40 customers');
    last = run({ counts: { created: 2, updated: 19, unchanged: 0, skipped: 3, failed: 1 } });
    appTray.progress({ kind: 'sync', dryRun: false, done: 0, total: 0, finished: true });
    expect(calls.menu[1]?.label).toBe('Last sync 2026-12-02 00:00 UTC: 21 configuration(s) written, 1 customer(s) failed');
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Last sync 2026-12-02 00:00 UTC: 21 configuration(s) written, 1 customer(s) failed');
    appTray.progress({ kind: 'tickets', dryRun: false, done: 0, total: 0, finished: false });
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Checking tickets…');
    last = run({ kind: 'tickets', counts: { created: 4, updated: 1, unchanged: 0, skipped: 0, failed: 0 } });
    appTray.progress({ kind: 'tickets', dryRun: false, done: 0, total: 0, finished: true });
    expect(calls.menu[1]?.label).toBe('Last ticket check 2026-12-02 00:00 UTC: 4 ticket(s) opened');
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Syncing daily from 00:00 UTC');
  });

  it('shows the state in the icon: idle, syncing while any run is in progress, failed, paused', async () => {
    const { tray, calls } = fakeTray();
    let last: RunRecord | null = null;
    let paused = false;
    let fail: (() => void) | null = null;
    const { a } = actions({
      lastRun: () => last,
      isPaused: () => paused,
      checkTicketsNow: () => new Promise<void>((_r, reject) => { fail = () => { reject(new Error('Autotask is down')); }; }),
    });
    const created: string[] = [];
    const appTray = createTray(a, ICONS, (icon) => { created.push(icon); return tray; }, (t) => ({ items: t }));
    expect(created).toEqual([ICONS.idle]);
    appTray.progress({ kind: 'sync', dryRun: false, done: 1, total: 5, finished: false });
    expect(calls.icon).toBe(ICONS.syncing);
    last = run({ counts: { created: 0, updated: 4, unchanged: 0, skipped: 0, failed: 1 } });
    appTray.progress({ kind: 'sync', dryRun: false, done: 0, total: 0, finished: true });
    expect(calls.icon).toBe(ICONS.failed);
    last = run({});
    appTray.refresh();
    expect(calls.icon).toBe(ICONS.idle);
    // A run stopped on purpose (the app quitting) is no failure.
    last = run({ error: 'Stopped: the app is quitting', stopped: true });
    appTray.refresh();
    expect(calls.icon).toBe(ICONS.idle);
    item(calls.menu, 'Check tickets now').click?.();
    expect(calls.icon).toBe(ICONS.syncing);
    fail!();
    await flush();
    expect(calls.icon).toBe(ICONS.failed);
    paused = true;
    appTray.refresh();
    expect(calls.icon).toBe(ICONS.failed);
    expect(calls.tooltip).toBe('Umbrella PSA Sync - Last run failed: Autotask is down');
  });
});
