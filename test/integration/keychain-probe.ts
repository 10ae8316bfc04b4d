// Run in a child process by secret-store.test.ts with the D-Bus address pointing nowhere:
// keytar keeps its D-Bus connection per process, so this cannot be tested in-process.
import { createSecretStore, loadKeytar } from '../../main/adapters/store/secrets';

try {
  await createSecretStore(await loadKeytar(), 'umbrella-psa-sync-probe').status();
  console.log(JSON.stringify({ name: 'none', message: 'the keychain answered' }));
} catch (error) {
  const e = error as Error;
  console.log(JSON.stringify({ name: e.name, message: e.message }));
}
