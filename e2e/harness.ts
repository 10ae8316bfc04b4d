/**
 * E2E harness: the built renderer runs in Debian's Chromium; `window.umbrellaPsa` is the same
 * verb object the preload exposes (built from the same channel table), bridged with
 * page.exposeBinding to the real main-side router, service, settings file and OS keychain
 * running in this test process. Only the Electron transport is replaced.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { test as base, expect, type Page } from '@playwright/test';
import { API_GLOBAL, CHANNELS, EVENTS, EVENT_VERBS } from '../preload/channels';
import { createIpcRouter, serviceHandlers, type IpcRouter } from '../main/app/ipc-router';
import { memoryLogger } from '../main/adapters/logging/logger';
import { Redactor } from '../main/adapters/logging/redact';
import { redactingSecretStore } from '../main/adapters/store/redacting-secrets';
import { createAppServices } from '../main/app/compose';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../simulators/demo';
import type { AppService } from '../main/app/service';
import { createSecretStore, loadKeytar, type SecretStore } from '../main/adapters/store/secrets';
import { isTrustedRendererUrl } from '../main/shell/trust';
import { DEMO_TICKETING, demoMappings, startDemoEnvironment } from '../main/app/demo';

const BINDING = '__umbrellaPsaTestIpc';
/** The page-side end of main's events in this harness (webContents.send in the app). */
const EMIT = '__umbrellaPsaTestEmit';

export const APP_VERSION = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;

export interface AppHarness {
  service: AppService;
  secrets: SecretStore;
  router: IpcRouter;
  dataDir: string;
  log: ReturnType<typeof memoryLogger>;
  /** Console messages the page printed, e.g. CSP violations. */
  console: string[];
  /** Demo mode only: the simulators the app runs against. */
  demoSims: DemoSimulators | null;
  /** The stubbed save dialog: where it "chose" to save each file, or null to act as if cancelled. */
  saveDialog: { answer: (suggestedName: string) => string | null; chosen: string[] };
  /** Stand-ins for the shell's clipboard, file manager and login item: what the app asked of them. */
  desktop: { clipboard: string[]; openedFolders: string[]; startAtLogin: boolean[]; logDir: string };
  /** Main's webContents.send to this window. */
  send: (channel: string, payload: unknown) => void;
}

async function installBridge(page: Page, router: IpcRouter): Promise<void> {
  await page.exposeBinding(BINDING, (source, channel: string, payload: unknown) =>
    router.handle(channel, { url: source.frame.url() }, payload),
  );
  await page.addInitScript(
    ({ channels, events, eventVerbs, global, binding, emit }) => {
      const api: Record<string, unknown> = {};
      for (const [verb, channel] of Object.entries(channels)) {
        api[verb] = (payload?: unknown) => (window as unknown as Record<string, (c: string, p: unknown) => Promise<unknown>>)[binding]!(channel, payload);
      }
      const listeners = new Map<string, Set<(payload: unknown) => void>>();
      for (const [event, channel] of Object.entries(events)) {
        api[eventVerbs[event as keyof typeof eventVerbs]] = (listener: (payload: unknown) => void) => {
          const set = listeners.get(channel) ?? new Set();
          listeners.set(channel, set);
          set.add(listener);
          return () => { set.delete(listener); };
        };
      }
      Object.defineProperty(window, emit, {
        value: (channel: string, payload: unknown) => { for (const listener of listeners.get(channel) ?? []) listener(payload); },
        enumerable: false,
      });
      Object.defineProperty(window, global, { value: Object.freeze(api), writable: false, configurable: false });
    },
    { channels: CHANNELS, events: EVENTS, eventVerbs: EVENT_VERBS, global: API_GLOBAL, binding: BINDING, emit: EMIT },
  );
}

/** Main's webContents.send, in the harness: delivers an event to the page's listeners. */
function sendToPage(page: Page, channel: string, payload: unknown): void {
  page.evaluate(([name, c, p]) => { (window as unknown as Record<string, (c: string, p: unknown) => void>)[name]?.(c, p); }, [EMIT, channel, payload] as const)
    .catch(() => undefined); // the page may be closing
}

/** The demo simulators, with the app set up against them (settings, mapping, credentials in the keychain). */
export interface DemoHarness {
  sims: DemoSimulators;
}

export const test = base.extend<{ demoMode: boolean; app: AppHarness; sims: DemoSimulators; demo: DemoHarness }>({
  /** Run the app as `--demo` does: in-process simulators, a fresh folder, an in-memory keychain. */
  demoMode: [false, { option: true }],

  app: async ({ page, baseURL, demoMode }, use, testInfo) => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      throw new Error('e2e tests use the real OS keychain: run them with `npm test` or `scripts/with-keyring.sh npm run e2e`.');
    }
    const demoEnvironment = demoMode ? await startDemoEnvironment({ baseDir: os.tmpdir() }) : null;
    const dataDir = demoEnvironment?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-e2e-'));
    const log = memoryLogger();
    const saveDialog: AppHarness['saveDialog'] = { answer: (name) => path.join(dataDir, name), chosen: [] };
    const desktop: AppHarness['desktop'] = { clipboard: [], openedFolders: [], startAtLogin: [], logDir: path.join(dataDir, 'logs') };
    // The one redaction step, wired as main/shell/index.ts wires it.
    const redactor = new Redactor();
    const secrets = redactingSecretStore(demoEnvironment?.secrets ?? createSecretStore(await loadKeytar(), `umbrella-psa-sync-e2e-${randomUUID()}`), redactor);
    const services = createAppServices({
      identity: {
        name: 'umbrella-psa-sync', productName: 'Umbrella PSA Sync', version: APP_VERSION, demo: demoMode, dataDir,
        ...(demoEnvironment ? { demoConnectWiseSite: demoEnvironment.sims.urls.connectwiseSite } : {}),
      },
      secrets, redactor, log, fetch: (url, init) => fetch(url, init),
      // Demo mode: the demo's compressed limits, as the app uses them. Otherwise the simulators used
      // here do not throttle (Umbrella's real limits would make a sync take minutes).
      umbrellaLimits: demoEnvironment?.umbrellaLimits ?? { token: [], admin: [], reportsPerOrg: [] },
      onRunProgress: (progress) => { sendToPage(page, EVENTS.runProgress, progress); },
      // Test-only stand-in for Electron's dialog.showSaveDialog.
      chooseSavePath: (name) => {
        const answer = saveDialog.answer(name);
        if (answer) saveDialog.chosen.push(answer);
        return Promise.resolve(answer);
      },
      logDir: desktop.logDir,
      // Test-only stand-ins for Electron's shell.openPath, clipboard and login items.
      desktop: {
        openFolder: (dir) => { desktop.openedFolders.push(dir); return Promise.resolve(); },
        copyText: (text) => { desktop.clipboard.push(text); return Promise.resolve(); },
        settingsSaved: (saved) => { desktop.startAtLogin.push(saved.desktop.startAtLogin); },
      },
    });
    const { service } = services;
    if (demoEnvironment) service.saveSettings(demoEnvironment.settings);
    const rendererUrl = baseURL ?? 'http://127.0.0.1:4173';
    const router = createIpcRouter({
      handlers: serviceHandlers(service),
      log,
      isTrustedSender: (sender) => isTrustedRendererUrl(sender.url, rendererUrl),
      redact: (text) => redactor.redact(text),
    });
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    await installBridge(page, router);

    await use({ service, secrets, router, dataDir, log, console: consoleLines, saveDialog, desktop, send: (channel, payload) => { sendToPage(page, channel, payload); }, demoSims: demoEnvironment?.sims ?? null });

    const slug = testInfo.titlePath.slice(1).join(' ').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await page.screenshot({ path: path.join('test-results', 'screenshots', `${slug}.png`), fullPage: true });
    services.close();
    for (const kind of ['umbrella', 'connectwise', 'autotask'] as const) await secrets.clear(kind);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await demoEnvironment?.stop();
  },

  sims: async ({ app }, use) => {
    const sims = await startDemoSimulators({ rateLimits: false });
    // Where the vendors are is an advanced setting (the real hosts by default), not a wizard step.
    app.service.saveSettings({ endpoints: { umbrellaBaseUrl: sims.urls.umbrella, autotaskDiscoveryUrl: sims.urls.autotaskDiscovery } });
    await use(sims);
    await sims.stop();
  },

  demo: async ({ app, sims }, use) => {
    app.service.saveSettings({
      psa: { kind: 'connectwise' },
      connectwise: { site: sims.urls.connectwiseSite },
      ticketing: DEMO_TICKETING,
      // Summit Realty Group's company became inactive after it was mapped: the screens show how a failure looks.
      mappings: demoMappings(sims, 'connectwise', { keepInactive: true }),
    });
    await app.service.setCredentials({ kind: 'umbrella', values: { ...DEMO_CREDENTIALS.umbrella } });
    await app.service.setCredentials({ kind: 'connectwise', values: { ...DEMO_CREDENTIALS.connectwise } });
    await use({ sims });
  },
});

export { expect };

/** Saves a full-page screenshot of one screen under test-results/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join('test-results', 'screenshots', `${name}.png`), fullPage: true });
}
