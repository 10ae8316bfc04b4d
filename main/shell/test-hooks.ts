/**
 * Test-only hooks (NODE_ENV=test only, as Mattermost Desktop does): the _electron suite cannot click
 * an OS tray menu or see an OS notification, so the app puts what it would show on a global that
 * Playwright's electronApp.evaluate() can read and click. Otherwise the shell's parts pass through untouched.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { NotificationContent, ShowNotification } from './notifications';
import type { TrayFactory } from './tray';

export interface ShellTestHooks {
  /** The tray menu's items as last built. */
  trayMenu: { label: string; enabled: boolean; click?: () => void }[];
  trayTooltip: string;
  notifications: NotificationContent[];
}

export const TEST_HOOKS_GLOBAL = '__umbrellaPsaShellTest';

export interface ObservableShellParts {
  showNotification: ShowNotification;
  trayFactory: TrayFactory;
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown;
}

/** The parts as given, or (NODE_ENV=test) the same parts recording what they show on the test global. */
export function observedShellParts(parts: ObservableShellParts, env: NodeJS.ProcessEnv = process.env): ObservableShellParts {
  if (env.NODE_ENV !== 'test') return parts;
  const hooks: ShellTestHooks = { trayMenu: [], trayTooltip: '', notifications: [] };
  (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
  return {
    showNotification: (content, onClick) => { hooks.notifications.push(content); parts.showNotification(content, onClick); },
    trayFactory: (icon) => {
      const tray = parts.trayFactory(icon);
      return {
        setToolTip: (text) => { hooks.trayTooltip = text; tray.setToolTip(text); },
        setImage: (image) => { tray.setImage(image); },
        setContextMenu: (menu) => { tray.setContextMenu(menu); },
        on: (event, listener) => tray.on(event, listener),
        destroy: () => { tray.destroy(); },
      };
    },
    buildMenu: (template) => {
      hooks.trayMenu = template.filter((item) => item.type !== 'separator').map((item) => {
        const click = item.click as (() => void) | undefined;
        return { label: item.label ?? '', enabled: item.enabled !== false, ...(click ? { click } : {}) };
      });
      return parts.buildMenu(template);
    },
  };
}
