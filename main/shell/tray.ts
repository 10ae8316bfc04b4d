/**
 * The tray icon: the app keeps syncing in the background with its window closed. The menu offers
 * Open, Sync now, Check tickets now, Pause/Resume and Quit. The tray itself is made by an injected
 * factory, so the menu's behaviour is tested without Electron.
 */
import { Menu, Tray, type MenuItemConstructorOptions } from 'electron';

export interface TrayActions {
  open(): void;
  syncNow(): Promise<unknown>;
  checkTicketsNow(): Promise<unknown>;
  setPaused(paused: boolean): void;
  isPaused(): boolean;
  quit(): void;
}

export interface TrayLike {
  setToolTip(text: string): void;
  /** The menu is opaque here: whatever buildMenu made. */
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type TrayFactory = (iconPath: string) => TrayLike;

export interface TrayState {
  busy: string | null;
  lastError: string | null;
}

export function trayMenuTemplate(actions: TrayActions, state: TrayState, run: (label: string, job: () => Promise<unknown>) => void): MenuItemConstructorOptions[] {
  const paused = actions.isPaused();
  return [
    { label: 'Open Umbrella PSA Sync', click: () => { actions.open(); } },
    { type: 'separator' },
    { label: state.busy ?? 'Sync now', enabled: state.busy === null, click: () => { run('Syncing…', () => actions.syncNow()); } },
    { label: 'Check tickets now', enabled: state.busy === null, click: () => { run('Checking tickets…', () => actions.checkTicketsNow()); } },
    { label: paused ? 'Resume the schedule' : 'Pause the schedule', click: () => { actions.setPaused(!paused); } },
    { type: 'separator' },
    { label: 'Quit', click: () => { actions.quit(); } },
  ];
}

export interface AppTray {
  refresh(): void;
  destroy(): void;
}

export function createTray(
  actions: TrayActions,
  iconPath: string,
  factory: TrayFactory = (icon) => new Tray(icon),
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown = (template) => Menu.buildFromTemplate(template),
): AppTray {
  const tray = factory(iconPath);
  const state: TrayState = { busy: null, lastError: null };
  const refresh = () => {
    const status = state.busy ?? (state.lastError ? `Last run failed: ${state.lastError}` : actions.isPaused() ? 'Schedule paused' : 'Syncing daily from 00:00 UTC');
    tray.setToolTip(`Umbrella PSA Sync - ${status}`);
    tray.setContextMenu(buildMenu(trayMenuTemplate(actions, state, run)));
  };
  function run(label: string, job: () => Promise<unknown>): void {
    state.busy = label;
    refresh();
    job().then(() => { state.lastError = null; }, (error: unknown) => {
      state.lastError = error instanceof Error ? error.message.split('\n')[0] ?? 'error' : 'error';
    }).finally(() => {
      state.busy = null;
      refresh();
    });
  }
  tray.on('click', () => { actions.open(); });
  refresh();
  return { refresh, destroy: () => { tray.destroy(); } };
}
