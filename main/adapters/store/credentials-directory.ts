/**
 * Credentials from systemd's credentials folder, for the service on a server without a desktop keyring:
 * a unit's `LoadCredentialEncrypted=umbrella.apiKey:/etc/credstore.encrypted/umbrella.apiKey` (encrypted
 * with `systemd-creds encrypt`, readable only by that service while it runs) gives the value in
 * `$CREDENTIALS_DIRECTORY/umbrella.apiKey`. One file per credential field, named as the keychain account.
 * Read-only: they are set with systemd-creds, never by the app, and never written to any other file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CREDENTIAL_FIELDS, type CredentialKind, type CredentialsStatus } from '../../../preload/contract';
import { accountName, type CredentialValues, type SecretStore } from './secrets';

/** Setting or clearing a credential that systemd provides: the message says how it is done there. */
export class ReadOnlyCredentialsError extends Error {
  override readonly name = 'ReadOnlyCredentialsError';
}

export function credentialsDirectoryStore(dir: string): SecretStore {
  const read = (kind: CredentialKind, field: string): string | null => {
    try {
      return fs.readFileSync(path.join(dir, accountName(kind, field)), 'utf8').trim();
    } catch {
      return null;
    }
  };
  const refusal = (): Error => new ReadOnlyCredentialsError(`The credentials come from systemd ($CREDENTIALS_DIRECTORY=${dir}): change them with "systemd-creds encrypt --name=<kind>.<field> - /etc/credstore.encrypted/<kind>.<field>" and restart the service (README, "Service mode").`);
  return {
    set: () => Promise.reject(refusal()),
    clear: () => Promise.reject(refusal()),
    get<K extends CredentialKind>(kind: K): Promise<CredentialValues<K> | null> {
      const values: Record<string, string> = {};
      for (const field of CREDENTIAL_FIELDS[kind]) {
        const value = read(kind, field);
        if (!value) return Promise.resolve(null);
        values[field] = value;
      }
      return Promise.resolve(values as CredentialValues<K>);
    },
    status() {
      const kindStatus = (kind: CredentialKind) => {
        const fields = Object.fromEntries(CREDENTIAL_FIELDS[kind].map((f) => [f, Boolean(read(kind, f))]));
        return { complete: Object.values(fields).every(Boolean), fields };
      };
      return Promise.resolve({ umbrella: kindStatus('umbrella'), connectwise: kindStatus('connectwise'), autotask: kindStatus('autotask') } as CredentialsStatus);
    },
  };
}
