/**
 * The tray icon: the app keeps syncing in the background with its window closed. The tooltip shows
 * the state (idle, syncing or checking with progress, last run failed, paused) whoever started the
 * run; the menu offers Open, the last result, Sync now, Check tickets now, Pause/Resume and Quit. The
 * icon follows the same state. The tray itself is made by an injected factory, so its behaviour is
 * tested without Electron.
 */
import { Menu, Tray, type MenuItemConstructorOptions } from 'electron';
import type { RunProgress, RunRecord } from '../../preload/contract';
import { lastResultLine, runFailed } from '../app/run-summary';

export interface TrayActions {
  open(): void;
  syncNow(): Promise<unknown>;
  checkTicketsNow(): Promise<unknown>;
  setPaused(paused: boolean): void;
  isPaused(): boolean;
  quit(): void;
  /** The latest real (not dry) run of any kind, for the result line; null before the first. */
  lastRun?(): RunRecord | null;
}

export interface TrayLike {
  setToolTip(text: string): void;
  setImage(iconPath: string): void;
  /** The menu is opaque here: whatever buildMenu made. */
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type TrayFactory = (iconPath: string) => TrayLike;

export interface TrayState {
  busy: string | null;
  lastError: string | null;
  /** A run in progress, started from anywhere (the schedule, the window, the tray). */
  running: Pick<RunProgress, 'kind' | 'done' | 'total'> | null;
}

export type TrayIconState = 'idle' | 'syncing' | 'failed' | 'paused';
export const TRAY_ICON_STATES: readonly TrayIconState[] = ['idle', 'syncing', 'failed', 'paused'];

/** The icon, in the tooltip's order: a run in progress, a failure, paused, idle. */
export function trayIconState(state: TrayState, paused: boolean, lastRun: RunRecord | null): TrayIconState {
  if (state.running || state.busy) return 'syncing';
  if (state.lastError || (lastRun && runFailed(lastRun))) return 'failed';
  return paused ? 'paused' : 'idle';
}

/** The tooltip's state, most pressing first: running (with progress), a failed action, paused, a failed last run, idle. */
export function trayStatus(state: TrayState, paused: boolean, lastRun: RunRecord | null): string {
  if (state.running) {
    const what = state.running.kind === 'sync' ? 'Syncing' : 'Checking tickets';
    return state.running.total > 0 ? `${what}: ${String(state.running.done)} of ${String(state.running.total)} customers` : `${what}…`;
  }
  if (state.busy) return state.busy;
  if (state.lastError) return `Last run failed: ${state.lastError}`;
  if (paused) return 'Schedule paused';
  if (lastRun && runFailed(lastRun)) return lastResultLine(lastRun);
  return 'Syncing daily from 00:00 UTC';
}

export function trayMenuTemplate(actions: TrayActions, state: TrayState, run: (label: string, job: () => Promise<unknown>) => void, refresh: () => void): MenuItemConstructorOptions[] {
  const paused = actions.isPaused();
  return [
    { label: 'Open Umbrella PSA Sync', click: () => { actions.open(); } },
    { label: lastResultLine(actions.lastRun?.() ?? null), enabled: false },
    { type: 'separator' },
    { label: state.busy ?? 'Sync now', enabled: state.busy === null, click: () => { run('Syncing…', () => actions.syncNow()); } },
    { label: 'Check tickets now', enabled: state.busy === null, click: () => { run('Checking tickets…', () => actions.checkTicketsNow()); } },
    { label: paused ? 'Resume the schedule' : 'Pause the schedule', click: () => { actions.setPaused(!paused); refresh(); } },
    { type: 'separator' },
    { label: 'Quit', click: () => { actions.quit(); } },
  ];
}

export interface AppTray {
  refresh(): void;
  /** A run's progress (from any starter); its end refreshes the result line. */
  progress(progress: RunProgress): void;
  destroy(): void;
}

export function createTray(
  actions: TrayActions,
  icons: Readonly<Record<TrayIconState, string>>,
  factory: TrayFactory = (icon) => new Tray(icon),
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown = (template) => Menu.buildFromTemplate(template),
): AppTray {
  const tray = factory(icons.idle);
  const state: TrayState = { busy: null, lastError: null, running: null };
  let shownIcon = icons.idle;
  const refresh = () => {
    const paused = actions.isPaused();
    const lastRun = actions.lastRun?.() ?? null;
    const icon = icons[trayIconState(state, paused, lastRun)];
    if (icon !== shownIcon) {
      tray.setImage(icon);
      shownIcon = icon;
    }
    tray.setToolTip(`Umbrella PSA Sync - ${trayStatus(state, paused, lastRun)}`);
    tray.setContextMenu(buildMenu(trayMenuTemplate(actions, state, run, refresh)));
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
  const progress = (p: RunProgress) => {
    if (p.dryRun) return;
    state.running = p.finished ? null : { kind: p.kind, done: p.done, total: p.total };
    refresh();
  };
  return { refresh, progress, destroy: () => { tray.destroy(); } };
}
