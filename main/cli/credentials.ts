/**
 * Where the command line and the service take the credentials from: systemd's credentials folder when
 * the process runs as a unit with LoadCredentialEncrypted= ($CREDENTIALS_DIRECTORY, a server without a
 * desktop keyring), the OS keychain otherwise (as the app does).
 */
import { credentialsDirectoryStore } from '../adapters/store/credentials-directory';
import { createSecretStore, keychainService, loadKeytar, type CredentialSource } from '../adapters/store/secrets';

export async function cliCredentials(env: NodeJS.ProcessEnv = process.env): Promise<CredentialSource> {
  const dir = env.CREDENTIALS_DIRECTORY?.trim();
  if (dir) return { store: credentialsDirectoryStore(dir), description: `systemd credentials in ${dir} (read-only)`, keychain: false };
  return { store: createSecretStore(await loadKeytar(), keychainService(env)), description: `the OS keychain (service "${keychainService(env)}")`, keychain: true };
}
