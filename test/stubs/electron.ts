/**
 * Stand-in for the `electron` module in plain-Node tests (the Electron binary cannot run here).
 * It records what the code under test asks of Electron, so tests can check window hardening and
 * IPC registration.
 */
import { EventEmitter } from 'node:events';

export const app = undefined;
class FakeIpcRenderer extends EventEmitter {
  invocations: { channel: string; payload: unknown }[] = [];
  invoke(channel: string, payload: unknown) {
    this.invocations.push({ channel, payload });
    return Promise.resolve({ ok: true, value: null });
  }
}
export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown) {
    this.exposed.set(name, api);
  },
};

type Handler = (event: unknown, payload: unknown) => unknown;
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler) {
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

export const shell = {
  opened: [] as string[],
  openExternal(url: string) {
    this.opened.push(url);
    return Promise.resolve();
  },
};

class FakeWebContents extends EventEmitter {
  id = 1;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  permissionHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | null = null;
  session = {
    setPermissionRequestHandler: (handler: NonNullable<FakeWebContents['permissionHandler']>) => {
      this.permissionHandler = handler;
    },
    setPermissionCheckHandler: (handler: NonNullable<FakeWebContents['permissionCheckHandler']>) => {
      this.permissionCheckHandler = handler;
    },
  };
  setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {}
}

export const protocol = {
  privileged: [] as unknown[],
  registerSchemesAsPrivileged(schemes: unknown[]) {
    this.privileged.push(...schemes);
  },
};

export class Notification extends EventEmitter {
  static isSupported() { return true; }
  constructor(readonly options: Record<string, unknown>) { super(); }
  show() {}
}

export const Menu = {
  buildFromTemplate(template: unknown[]) {
    return { items: template };
  },
};

export class Tray {
  constructor(readonly icon: string) {}
  setToolTip() {}
  setContextMenu() {}
  on() { return this; }
  destroy() {}
}

export default { app, ipcMain, ipcRenderer, contextBridge, shell, protocol, BrowserWindow, Menu, Notification, Tray };
