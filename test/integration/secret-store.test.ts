import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { accountName, type SecretStore } from '../../main/adapters/store/secrets';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { readTree, realSecretStore, tempDir } from '../helpers/fixtures';

const run = promisify(execFile);

describe('SecretStore on the real OS keychain (gnome-keyring Secret Service)', () => {
  let store: SecretStore;
  let service: string;
  beforeEach(async () => {
    ({ store, service } = await realSecretStore());
  });

  it('reports nothing saved at first', async () => {
    const status = await store.status();
    expect(status.umbrella).toEqual({ complete: false, fields: { apiKey: false, apiSecret: false } });
    expect(status.connectwise.complete).toBe(false);
    expect(await store.get('umbrella')).toBeNull();
  });

  it('sets, gets, replaces one field and deletes a kind', async () => {
    await store.set('connectwise', { companyId: 'acme', publicKey: 'pub-1', privateKey: 'priv-1', clientId: 'client-1' });
    expect(await store.get('connectwise')).toEqual({ companyId: 'acme', publicKey: 'pub-1', privateKey: 'priv-1', clientId: 'client-1' });
    expect((await store.status()).connectwise.complete).toBe(true);

    await store.set('connectwise', { privateKey: 'priv-2' });
    expect(await store.get('connectwise')).toEqual({ companyId: 'acme', publicKey: 'pub-1', privateKey: 'priv-2', clientId: 'client-1' });

    await store.clear('connectwise');
    expect(await store.get('connectwise')).toBeNull();
    expect((await store.status()).connectwise.fields).toEqual({ companyId: false, publicKey: false, privateKey: false, clientId: false });
  });

  it('keeps one keychain account per credential under one service name', async () => {
    await store.set('autotask', { username: 'api@example.com', secret: 's3cr3t', integrationCode: 'TRACK1' });
    const accounts = (await keytar.findCredentials(service)).map((c) => c.account).sort();
    expect(accounts).toEqual([accountName('autotask', 'integrationCode'), accountName('autotask', 'secret'), accountName('autotask', 'username')].sort());
    expect(await keytar.getPassword(service, 'autotask.secret')).toBe('s3cr3t');
  });

  it('a kind with a field missing is reported incomplete and not returned', async () => {
    await store.set('umbrella', { apiKey: 'key-only' });
    const status = await store.status();
    expect(status.umbrella).toEqual({ complete: false, fields: { apiKey: true, apiSecret: false } });
    expect(await store.get('umbrella')).toBeNull();
  });

  it('never writes a secret into any file under the settings folder', async () => {
    const dir = tempDir();
    const settings = openSettingsStore({ dir, log: memoryLogger() });
    settings.update({ psa: { kind: 'connectwise' }, connectwise: { site: 'na.myconnectwise.net' } });
    const secrets = { apiKey: 'UMB-KEY-9f8e7d', apiSecret: 'UMB-SECRET-1a2b3c' };
    await store.set('umbrella', secrets);
    await store.set('connectwise', { companyId: 'acmecorp', publicKey: 'CW-PUB-77aa', privateKey: 'CW-PRIV-88bb', clientId: 'CW-CLIENT-99cc' });
    settings.update({ ticketing: { enabled: true, threshold: 5, connectwise: {}, autotask: {} } });

    const files = readTree(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const { file, text } of files) {
      for (const value of [...Object.values(secrets), 'CW-PUB-77aa', 'CW-PRIV-88bb', 'CW-CLIENT-99cc']) {
        expect(text.includes(value), `${value} found in ${file}`).toBe(false);
      }
    }
  });
});

describe('SecretStore without a reachable Secret Service', () => {
  it('fails with a clear, actionable error instead of crashing', async () => {
    const script = path.resolve('test/integration/keychain-probe.ts');
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { env });
    const result = JSON.parse(stdout) as { name: string; message: string };
    expect(result.name).toBe('KeychainUnavailableError');
    expect(result.message).toMatch(/OS keychain could not list saved credentials/);
    expect(result.message).toMatch(/Secret Service must be running and unlocked/);
  });
});
