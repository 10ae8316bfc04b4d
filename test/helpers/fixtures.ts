import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSecretStore, loadKeytar, type SecretStore } from '../../main/adapters/store/secrets';

export function tempDir(prefix = 'upsa-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below a folder, recursively, with its contents. */
export function readTree(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file, text: fs.readFileSync(file, 'latin1') };
    });
}

export function requireSecretService(): void {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('These tests use the real OS keychain: run them with `npm test` or `scripts/with-keyring.sh npx vitest run`.');
  }
}

/** A SecretStore on the real keychain, under a service name of its own so tests never collide. */
export async function realSecretStore(): Promise<{ store: SecretStore; service: string }> {
  requireSecretService();
  const service = `umbrella-psa-sync-test-${randomUUID()}`;
  return { store: createSecretStore(await loadKeytar(), service), service };
}

/** A loopback port nothing listens on (bound, then closed): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}
