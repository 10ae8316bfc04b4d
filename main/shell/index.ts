/** Composition root: single-instance lock, lifecycle, and wiring of services into Electron. */
import path from 'node:path';
import { app, BrowserWindow, dialog, net, powerMonitor, session } from 'electron';
import pkg from '../../package.json';
import { createIpcRouter, serviceHandlers } from '../ipc-router';
import { registerIpc } from './ipc';
import { consoleLogger } from '../log';
import { openFileLog } from '../logging/file-log';
import { Redactor } from '../logging/redact';
import { redactingSecretStore } from '../logging/secret-values';
import { createAppServices } from '../app-services';
import { createSecretStore, loadKeytar } from '../store/secrets';
import { openElectronStoreBackend } from '../store/electron-settings';
import { isTrustedRendererUrl } from '../trust';
import { createMainWindow } from './window';
import { chooseRendererUrl, registerAppScheme, serveAppProtocol } from './protocol';
import { createTray, type AppTray } from './tray';
import { PRODUCT_NAME } from '../paths';
import { startDemoEnvironment } from '../demo';
import { EVENTS } from '../../preload/channels';

const demo = process.argv.includes('--demo');
if (process.env.UMBRELLA_PSA_DATA_DIR) app.setPath('userData', process.env.UMBRELLA_PSA_DATA_DIR);

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  const rendererUrl = chooseRendererUrl({ isPackaged: app.isPackaged, devServerUrl: process.env.ELECTRON_RENDERER_URL });

  const showWindow = () => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
      return;
    }
    mainWindow = createMainWindow({
      preloadPath: path.join(import.meta.dirname, '../preload/index.cjs'),
      rendererUrl,
      title: PRODUCT_NAME,
    });
  };

  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => { event.preventDefault(); });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void app.whenReady().then(async () => {
    serveAppProtocol(session.defaultSession, path.join(import.meta.dirname, '../renderer'));
    // Demo mode: simulators in-process, a fresh settings folder and an in-memory keychain.
    const demoEnvironment = demo ? await startDemoEnvironment({ baseDir: app.getPath('temp') }) : null;
    const dataDir = demoEnvironment?.dataDir ?? app.getPath('userData');
    let tray: AppTray | null = null;
    // One redaction step for every log line and every error the window sees; the app's log files.
    const redactor = new Redactor();
    const log = openFileLog({ dir: app.getPath('logs'), name: 'app', redactor, also: consoleLogger });
    const services = createAppServices({
      identity: {
        // Only the demo's window may point the app at other endpoints (its simulators).
        name: pkg.name, productName: PRODUCT_NAME, version: app.getVersion(), demo, dataDir, windowMaySetEndpoints: demo,
        ...(demoEnvironment ? { demoConnectWiseSite: demoEnvironment.sims.urls.connectwiseSite } : {}),
      },
      secrets: redactingSecretStore(demoEnvironment?.secrets ?? createSecretStore(await loadKeytar()), redactor),
      redactor,
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
      // Whoever started the run (window, tray, schedule), the window shows its progress.
      onRunProgress: (progress) => {
        if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENTS.runProgress, progress);
        tray?.progress(progress);
      },
    });
    const { service, scheduler } = services;
    if (demoEnvironment) service.saveSettings(demoEnvironment.settings);
    scheduler.start();
    powerMonitor.on('resume', () => { void scheduler.check(); });
    tray = createTray({
      open: showWindow,
      syncNow: () => service.runSync(false),
      checkTicketsNow: () => service.checkTickets(),
      setPaused: (paused) => { service.saveSettings({ schedule: { ...service.getSettings().schedule, paused } }); },
      isPaused: () => service.getSettings().schedule.paused,
      quit: () => { app.quit(); },
      lastRun: () => service.getRunHistory().find((r) => !r.dryRun && r.checkNow !== true) ?? null,
    }, app.isPackaged ? path.join(process.resourcesPath, 'tray.png') : path.join(import.meta.dirname, '../../resources/tray.png'));
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
    showWindow();
    app.on('activate', showWindow);
  });

  // The tray keeps the app (and its schedule) running with no window open; Quit is in the tray menu.
  app.on('window-all-closed', () => undefined);
}
