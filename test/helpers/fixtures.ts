import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createSecretStore, loadKeytar, type SecretStore } from '../../main/store/secrets';

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
