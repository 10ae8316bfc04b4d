/**
 * The main window, hardened: isolated, sandboxed preload; no Node in the page; no navigation
 * away from the app; no new windows; only checked https links handed to the OS browser.
 */
import { BrowserWindow, shell, type WebPreferences } from 'electron';
import { isSafeExternalUrl } from '../trust';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  preloadPath: string;
  /** The app:// entry of the built renderer, or (unpackaged builds only) the dev server URL. */
  rendererUrl: string;
  title: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: options.title,
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  const contents = window.webContents;

  contents.on('will-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // Both: the request handler answers prompts, the check handler answers silent queries (permissions.query, ...).
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  contents.session.setPermissionCheckHandler(() => false);

  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.rendererUrl);
  return window;
}
