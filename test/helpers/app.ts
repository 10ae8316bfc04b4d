/**
 * The app's services on a fresh settings folder and a private keychain service, with the IPC router
 * the window talks to. Every app opened here is closed after its test.
 */
import { afterEach } from 'vitest';
import { CHANNELS, type IpcResult, type Verb } from '../../preload/contract';
import { createAppServices, type AppServices, type AppServicesOptions } from '../../main/app/compose';
import { createIpcRouter, serviceHandlers } from '../../main/app/ipc-router';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { Redactor } from '../../main/adapters/logging/redact';
import { redactingSecretStore } from '../../main/adapters/store/redacting-secrets';
import { realSecretStore, tempDir } from './fixtures';

const WINDOW_URL = 'http://127.0.0.1:4173/';
const opened: AppServices[] = [];

afterEach(() => {
  for (const services of opened.splice(0)) services.close();
});

/** The app's services and IPC router; `windowMaySetEndpoints` as in a demo or test build (off, as in a real install, by default). */
export async function wiredApp(options: Partial<Omit<AppServicesOptions, 'identity' | 'secrets'>> & { windowMaySetEndpoints?: boolean; dataDir?: string } = {}) {
  const { windowMaySetEndpoints = false, dataDir = tempDir(), ...rest } = options;
  const { store } = await realSecretStore();
  // The one redaction step, wired as main/shell/index.ts wires it.
  const redactor = new Redactor();
  const secrets = redactingSecretStore(store, redactor);
  const services = createAppServices({
    identity: { name: 'umbrella-psa-sync', productName: 'Umbrella PSA Sync', version: '0.0.0-test', demo: false, dataDir, windowMaySetEndpoints },
    secrets, redactor, log: memoryLogger(), fetch: (u, i) => fetch(u, i),
    // The simulators used with this helper do not throttle unless a test says so.
    umbrellaLimits: { token: [], admin: [], reportsPerOrg: [] },
    ...rest,
  });
  opened.push(services);
  const router = createIpcRouter({ handlers: serviceHandlers(services.service), log: memoryLogger(), isTrustedSender: (s) => s.url === WINDOW_URL, redact: (text) => redactor.redact(text) });
  const call = async <T = unknown>(verb: Verb, payload?: unknown) => (await router.handle(CHANNELS[verb], { url: WINDOW_URL }, payload)) as IpcResult<T>;
  return { services, secrets, router, call };
}
