/** A keychain that lives in memory for one session: demo mode must never write the user's real keychain. */
import type { KeychainBackend } from './secrets';

export function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  return {
    getPassword: (service, account) => Promise.resolve(entries.get(key(service, account)) ?? null),
    setPassword: (service, account, password) => { entries.set(key(service, account), password); return Promise.resolve(); },
    deletePassword: (service, account) => Promise.resolve(entries.delete(key(service, account))),
    findCredentials: (service) => Promise.resolve([...entries].filter(([k]) => k.startsWith(`${service}\u0000`)).map(([k, password]) => ({ account: k.slice(service.length + 1), password }))),
  };
}
