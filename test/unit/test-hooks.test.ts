import { describe, expect, it } from 'vitest';
import { observedShellParts, TEST_HOOKS_GLOBAL, type ObservableShellParts, type ShellTestHooks } from '../../main/shell/test-hooks';
import { createTray, type TrayLike } from '../../main/shell/tray';

function realParts() {
  const shown: string[] = [];
  const tooltips: string[] = [];
  const tray: TrayLike = { setToolTip: (t) => { tooltips.push(t); }, setImage: () => undefined, setContextMenu: () => undefined, on: () => tray, destroy: () => undefined };
  const parts: ObservableShellParts = {
    showNotification: (content) => { shown.push(content.title); },
    trayFactory: () => tray,
    buildMenu: (template) => ({ items: template }),
  };
  return { parts, shown, tooltips };
}

const clearGlobal = () => { Reflect.deleteProperty(globalThis, TEST_HOOKS_GLOBAL); };

const actions = { open: () => undefined, syncNow: () => Promise.resolve(), checkTicketsNow: () => Promise.resolve(), setPaused: () => undefined, isPaused: () => false, quit: () => undefined };

describe('the shell\'s test-only hooks', () => {
  it('outside NODE_ENV=test, the parts pass through untouched and nothing is put on the global', () => {
    const { parts } = realParts();
    clearGlobal();
    expect(observedShellParts(parts, { NODE_ENV: 'production' })).toBe(parts);
    expect(TEST_HOOKS_GLOBAL in globalThis).toBe(false);
  });

  it('under NODE_ENV=test, the tray menu, tooltip and notifications are readable and the menu clickable, and still reach the real parts', () => {
    const { parts, shown, tooltips } = realParts();
    const observed = observedShellParts(parts, { NODE_ENV: 'test' });
    const hooks = (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] as ShellTestHooks;
    let opened = 0;
    createTray({ ...actions, open: () => { opened += 1; } }, { idle: 'i', syncing: 's', failed: 'f', paused: 'p' }, observed.trayFactory, observed.buildMenu);
    expect(hooks.trayMenu.map((i) => i.label)).toEqual(['Open Umbrella PSA Sync', 'No run yet', 'Sync now', 'Check tickets now', 'Pause the schedule', 'Quit']);
    expect(hooks.trayMenu[1]?.enabled).toBe(false);
    hooks.trayMenu[0]?.click?.();
    expect(opened).toBe(1);
    expect(hooks.trayTooltip).toBe('Umbrella PSA Sync - Syncing daily from 00:00 UTC');
    expect(tooltips).toEqual([hooks.trayTooltip]);
    observed.showNotification({ title: 'T', body: 'B', screen: 'status' }, () => undefined);
    expect(hooks.notifications).toEqual([{ title: 'T', body: 'B', screen: 'status' }]);
    expect(shown).toEqual(['T']);
    clearGlobal();
  });
});
