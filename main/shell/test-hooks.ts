/**
 * Test-only hooks (NODE_ENV=test only, as Mattermost Desktop does): the _electron suite cannot click
 * an OS tray menu or see an OS notification, so the app puts what it would show on a global that
 * Playwright's electronApp.evaluate() can read and click. Nothing is installed otherwise.
 */
import type { NotificationContent } from './notifications';

export interface ShellTestHooks {
  /** The tray menu's items as last built. */
  trayMenu: { label: string; enabled: boolean; click?: () => void }[];
  trayTooltip: string;
  notifications: NotificationContent[];
}

export const TEST_HOOKS_GLOBAL = '__umbrellaPsaShellTest';

export function shellTestHooks(env: NodeJS.ProcessEnv = process.env): ShellTestHooks | null {
  if (env.NODE_ENV !== 'test') return null;
  const hooks: ShellTestHooks = { trayMenu: [], trayTooltip: '', notifications: [] };
  (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
  return hooks;
}
