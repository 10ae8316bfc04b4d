import { describe, expect, it } from 'vitest';
import { CHANNELS, VERBS, type Verb } from '../../preload/contract';
import { createIpcRouter, serviceHandlers } from '../../main/ipc-router';
import { memoryLogger } from '../../main/log';
import { AppService } from '../../main/service';
import { openSettingsStore } from '../../main/store/settings';
import { realSecretStore, tempDir } from '../helpers/fixtures';

const URL = 'http://127.0.0.1:4173/';

async function wiredRouter() {
  const dir = tempDir();
  const { store: secrets } = await realSecretStore();
  const service = new AppService({
    identity: { name: 'umbrella-psa-sync', productName: 'Umbrella PSA Sync', version: '0.0.0-test', demo: false, dataDir: dir },
    settings: openSettingsStore({ dir, log: memoryLogger() }),
    secrets,
  });
  return createIpcRouter({ handlers: serviceHandlers(service), log: memoryLogger(), isTrustedSender: (s) => s.url === URL });
}

const SECRETS = {
  umbrella: { apiKey: 'umb-key-0c4f2e', apiSecret: 'umb-secret-7d1a9b' },
  connectwise: { companyId: 'acmemsp', publicKey: 'cw-public-5e6f', privateKey: 'cw-private-3a2b', clientId: 'cw-client-1c0d' },
  autotask: { username: 'api-user@acme.example', secret: 'at-secret-9f8e', integrationCode: 'AT-TRACK-4b5c' },
};

describe('IPC through the real service and keychain', () => {
  it('no verb ever returns a secret value', async () => {
    const router = await wiredRouter();
    const responses: unknown[] = [];
    for (const kind of ['umbrella', 'connectwise', 'autotask'] as const) {
      responses.push(await router.handle(CHANNELS.setCredentials, { url: URL }, { kind, values: SECRETS[kind] }));
    }
    const payloads: Record<Verb, unknown> = {
      getAppInfo: undefined,
      getSettings: undefined,
      saveSettings: { psa: { kind: 'connectwise' } },
      setCredentials: { kind: 'umbrella', values: SECRETS.umbrella },
      getCredentialsStatus: undefined,
      clearCredentials: { kind: 'autotask' },
    };
    for (const verb of VERBS) responses.push(await router.handle(CHANNELS[verb], { url: URL }, payloads[verb]));

    const text = JSON.stringify(responses);
    for (const values of Object.values(SECRETS)) {
      for (const value of Object.values(values)) expect(text).not.toContain(value);
    }
    expect(responses.every((r) => (r as { ok: boolean }).ok)).toBe(true);
  });

  it('round-trips settings and reports credential presence per field', async () => {
    const router = await wiredRouter();
    await router.handle(CHANNELS.saveSettings, { url: URL }, { psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 } });
    expect(await router.handle(CHANNELS.getSettings, { url: URL }, undefined)).toMatchObject({ ok: true, value: { psa: { kind: 'autotask' }, autotask: { materialBillingCodeId: 29682801 } } });
    await router.handle(CHANNELS.setCredentials, { url: URL }, { kind: 'autotask', values: { username: 'u@x.example' } });
    expect(await router.handle(CHANNELS.getCredentialsStatus, { url: URL }, undefined)).toMatchObject({
      ok: true,
      value: { autotask: { complete: false, fields: { username: true, secret: false, integrationCode: false } } },
    });
  });
});
