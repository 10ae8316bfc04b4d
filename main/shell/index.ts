/** Composition root: single-instance lock, lifecycle, and wiring of services into Electron. */
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, Menu, net, powerMonitor, session, shell, Tray } from 'electron';
import pkg from '../../package.json';
import { createIpcRouter, serviceHandlers } from '../app/ipc-router';
import { registerIpc } from './ipc';
import { consoleLogger } from '../adapters/logging/logger';
import { openFileLog } from '../adapters/logging/file-log';
import { Redactor } from '../adapters/logging/redact';
import { learnSavedSecrets, redactingSecretStore } from '../adapters/store/redacting-secrets';
import { createAppServices } from '../app/compose';
import { createSecretStore, loadKeytar } from '../adapters/store/secrets';
import { openElectronStoreBackend } from '../adapters/store/electron-settings';
import { isTrustedRendererUrl } from './trust';
import { createMainWindow } from './window';
import { chooseRendererUrl, registerAppScheme, serveAppProtocol } from './protocol';
import { createTray, TRAY_ICON_STATES, type AppTray, type TrayIconState } from './tray';
import { createNotifier, showElectronNotification, type Notifier } from './notifications';
import { applyStartAtLogin, openedAtLogin, startsHidden } from './login-item';
import { observedShellParts } from './test-hooks';
import { PRODUCT_NAME } from '../adapters/store/paths';
import { startDemoEnvironment } from '../app/demo';
import { EVENTS } from '../../preload/channels';
import type { Screen } from '../../preload/contract';

const demo = process.argv.includes('--demo');
if (process.env.UMBRELLA_PSA_DATA_DIR) app.setPath('userData', process.env.UMBRELLA_PSA_DATA_DIR);

registerAppScheme();

/** The tray icons: beside the ASAR when packaged (electron-builder.yml's extraResources), in resources/ otherwise. */
function trayIcons(): Record<TrayIconState, string> {
  const dir = app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(import.meta.dirname, '../../resources');
  return Object.fromEntries(TRAY_ICON_STATES.map((state) => [state, path.join(dir, `tray-${state}.png`)])) as Record<TrayIconState, string>;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let quitting = false;
  let notifier: Notifier | null = null;

  const rendererUrl = chooseRendererUrl({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });

  /** Shows the window, on a screen if one is named (a notification's click). */
  const showWindow = (screen?: Screen): void => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
      if (screen) mainWindow.webContents.send(EVENTS.openScreen, { screen });
      return;
    }
    // A new window starts on the screen named in its URL's fragment: no event can arrive before the page listens.
    const window = createMainWindow({
      preloadPath: path.join(import.meta.dirname, '../preload/index.cjs'),
      rendererUrl: screen ? `${rendererUrl.split('#')[0] ?? rendererUrl}#${screen}` : rendererUrl,
      title: PRODUCT_NAME,
    });
    // Closing the window keeps the app (and its schedule) in the tray; the first time, a hint says so.
    window.on('closed', () => { if (!quitting) notifier?.windowClosed(); });
    mainWindow = window;
  };

  app.on('second-instance', () => { showWindow(); });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => { event.preventDefault(); });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('before-quit', () => { quitting = true; });

  void app.whenReady().then(async () => {
    serveAppProtocol(session.defaultSession, path.join(import.meta.dirname, '../renderer'));
    // Demo mode: simulators in-process, a fresh settings folder and an in-memory keychain.
    const demoEnvironment = demo ? await startDemoEnvironment({ baseDir: app.getPath('temp') }) : null;
    const dataDir = demoEnvironment?.dataDir ?? app.getPath('userData');
    let tray: AppTray | null = null;
    // One redaction step for every log line and every error the window sees; the app's log files.
    const redactor = new Redactor();
    const logDir = app.getPath('logs');
    const log = openFileLog({ dir: logDir, name: 'app', redactor, also: consoleLogger });
    const secrets = redactingSecretStore(demoEnvironment?.secrets ?? createSecretStore(await loadKeytar()), redactor);
    // The saved values are redacted from the first line on, not only once a run has read them.
    await learnSavedSecrets(secrets).catch((error: unknown) => { log.warn(`The keychain could not be read at start-up: ${String(error)}`); });
    const services = createAppServices({
      identity: {
        // Only the demo's window may point the app at other endpoints (its simulators).
        name: pkg.name, productName: PRODUCT_NAME, version: app.getVersion(), demo, dataDir, windowMaySetEndpoints: demo,
        ...(demoEnvironment ? { demoConnectWiseSite: demoEnvironment.sims.urls.connectwiseSite } : {}),
      },
      secrets,
      redactor,
      logDir,
      ...(demoEnvironment ? { umbrellaLimits: demoEnvironment.umbrellaLimits } : {}),
      log,
      // Electron's net.fetch goes through the system proxy settings, as an MSP network expects.
      fetch: (url, init) => net.fetch(url, init),
      openSettings: openElectronStoreBackend,
      chooseSavePath: async (suggestedName) => {
        const options = { defaultPath: path.join(app.getPath('documents'), suggestedName), filters: [{ name: 'CSV', extensions: ['csv'] }] };
        const result = mainWindow && !mainWindow.isDestroyed() ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
      desktop: {
        openFolder: async (dir) => {
          const failure = await shell.openPath(dir);
          if (failure) throw new Error(failure);
        },
        copyText: (text) => clipboard.writeText(text),
        // The demo never touches the user's login items.
        settingsSaved: (saved) => { if (!demo) applyStartAtLogin(saved.desktop.startAtLogin, PRODUCT_NAME); },
      },
      // Whoever started the run (window, tray, schedule), the window shows its progress.
      onRunProgress: (progress) => {
        if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENTS.runProgress, progress);
        tray?.progress(progress);
        if (progress.finished && !progress.dryRun) notifier?.runFinished(progress.kind);
      },
    });
    const { service, scheduler } = services;
    if (demoEnvironment) service.saveSettings(demoEnvironment.settings);
    const desktopSettings = () => service.getSettings().desktop;
    // Set by the user (here or on another machine's copy of the settings): the OS entry follows it.
    if (!demo && desktopSettings().startAtLogin) applyStartAtLogin(true, PRODUCT_NAME);

    const parts = observedShellParts({
      showNotification: showElectronNotification,
      trayFactory: (icon) => new Tray(icon),
      buildMenu: (template) => Menu.buildFromTemplate(template),
    });
    notifier = createNotifier({
      show: parts.showNotification,
      prefs: desktopSettings,
      runsOf: (kind) => service.getRunHistory().filter((r) => r.kind === kind && !r.dryRun),
      openScreen: (screen) => { showWindow(screen); },
      windowFocused: () => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isVisible() && mainWindow.isFocused(),
      closeHintShown: () => { service.saveSettings({ desktop: { closeHintShown: true } }); },
    });

    scheduler.start();
    powerMonitor.on('resume', () => { void scheduler.check(); });
    tray = createTray({
      open: () => { showWindow(); },
      syncNow: () => service.runSync(false),
      checkTicketsNow: () => service.checkTickets(),
      setPaused: (paused) => { service.saveSettings({ schedule: { paused } }); },
      isPaused: () => service.getSettings().schedule.paused,
      quit: () => { app.quit(); },
      lastRun: () => service.getRunHistory().find((r) => !r.dryRun && r.checkNow !== true) ?? null,
    }, trayIcons(), parts.trayFactory, parts.buildMenu);
    app.on('before-quit', () => {
      tray.destroy();
      services.close();
      void demoEnvironment?.stop();
    });
    const router = createIpcRouter({
      handlers: serviceHandlers(service),
      isTrustedSender: (sender) => isTrustedRendererUrl(sender.url, rendererUrl),
      log,
      redact: (text) => redactor.redact(text),
    });
    registerIpc(router, (id) => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.webContents.id === id);
    // Started by the login item: the tray icon only; the window opens from it.
    if (!startsHidden(process.argv, openedAtLogin())) showWindow();
    app.on('activate', () => { showWindow(); });
  });

  // The tray keeps the app (and its schedule) running with no window open; Quit is in the tray menu.
  app.on('window-all-closed', () => undefined);
}
