/**
 * The main window, hardened: isolated, sandboxed preload; no Node in the page; no navigation
 * away from the app; no new windows; only checked https links handed to the OS browser.
 */
import { BrowserWindow, shell } from 'electron';
import { isSafeExternalUrl } from './trust';

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
    // Written out here, not built by a helper, so that Electronegativity (npm test) can check each one.
    webPreferences: {
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK: the narrow named-verb bridge (preload/index.ts), sandboxed
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
      // A middle click would open a link in a new window: off, as navigation is.
      disableBlinkFeatures: 'Auxclick',
    },
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
    // Only plain https links without credentials reach the OS browser (trust.ts).
    if (isSafeExternalUrl(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
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
