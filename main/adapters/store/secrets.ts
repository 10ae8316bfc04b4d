/**
 * Credentials in the OS keychain (keytar: Keychain on macOS, Credential Vault on Windows,
 * Secret Service on Linux). One service name; one account per credential field,
 * named `<kind>.<field>`, e.g. `connectwise.privateKey`.
 *
 * Values leave this module only through `get()`, which only main-side clients call. Status
 * reports presence, never values, and errors never carry a value.
 */
import { CREDENTIAL_FIELDS, SetCredentialsSchema, type CredentialKind, type CredentialsStatus } from '../../../preload/contract';
import { describeError } from '../../domain/errors';

export const KEYCHAIN_SERVICE = 'Umbrella PSA Sync';

/** The subset of keytar's API this store uses (keytar satisfies it). */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

export type CredentialValues<K extends CredentialKind> = Record<(typeof CREDENTIAL_FIELDS)[K][number], string>;
/** Some fields of one kind; the ones left out (or undefined) keep their saved value. */
export type CredentialUpdate<K extends CredentialKind> = { [F in (typeof CREDENTIAL_FIELDS)[K][number]]?: string | undefined };

export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
  constructor(operation: string, cause: unknown) {
    super(
      `The OS keychain could not ${operation} (${describeError(cause)}). ` +
        'On Linux a Secret Service must be running and unlocked: install gnome-keyring (or KeePassXC with ' +
        'Secret Service enabled), log in to a desktop session, and try again.',
    );
  }
}

/** A credential value that cannot be sent as it is; the message names the field and the rule, never the value. */
export class InvalidCredentialError extends Error {
  override readonly name = 'InvalidCredentialError';
}

export interface SecretStore {
  set<K extends CredentialKind>(kind: K, values: CredentialUpdate<K>): Promise<void>;
  /** All fields of a kind, or null when any is missing. Main process only. */
  get<K extends CredentialKind>(kind: K): Promise<CredentialValues<K> | null>;
  clear(kind: CredentialKind): Promise<void>;
  status(): Promise<CredentialsStatus>;
}

export function accountName(kind: CredentialKind, field: string): string {
  return `${kind}.${field}`;
}

async function guard<T>(operation: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new KeychainUnavailableError(operation, error);
  }
}

/**
 * The keychain service name: the product's, unless UMBRELLA_PSA_KEYCHAIN_SERVICE names another
 * (two independent set-ups on one machine, e.g. a test tenant beside production, or the tests).
 */
export function keychainService(env: NodeJS.ProcessEnv = process.env): string {
  return env.UMBRELLA_PSA_KEYCHAIN_SERVICE?.trim() || KEYCHAIN_SERVICE;
}

export function createSecretStore(backend: KeychainBackend, service: string = keychainService()): SecretStore {
  return {
    async set(kind, values) {
      // Whoever calls: what reaches the keychain is what the vendor will be sent (trimmed, one line, header-safe).
      const parsed = SetCredentialsSchema.safeParse({ kind, values });
      if (!parsed.success) {
        throw new InvalidCredentialError(parsed.error.issues.map((i) => `${kind} ${i.path.slice(1).join('.') || 'credentials'}: ${i.message}`).join('; '));
      }
      const checked: Partial<Record<string, string>> = parsed.data.values;
      for (const field of CREDENTIAL_FIELDS[kind]) {
        const value = checked[field];
        if (value === undefined) continue;
        await guard('save a credential', () => backend.setPassword(service, accountName(kind, field), value));
      }
    },

    async get<K extends CredentialKind>(kind: K): Promise<CredentialValues<K> | null> {
      const values: Record<string, string> = {};
      for (const field of CREDENTIAL_FIELDS[kind]) {
        const value = await guard('read a credential', () => backend.getPassword(service, accountName(kind, field)));
        if (value === null) return null;
        // A value an earlier version saved with a pasted trailing space or line break.
        values[field] = value.trim();
      }
      return values as CredentialValues<K>;
    },

    async clear(kind) {
      for (const field of CREDENTIAL_FIELDS[kind]) {
        await guard('delete a credential', () => backend.deletePassword(service, accountName(kind, field)));
      }
    },

    async status() {
      const saved = await guard('list saved credentials', () => backend.findCredentials(service));
      const accounts = new Set(saved.map((c) => c.account));
      const kindStatus = (kind: CredentialKind) => {
        const fields = Object.fromEntries(CREDENTIAL_FIELDS[kind].map((f) => [f, accounts.has(accountName(kind, f))]));
        return { complete: Object.values(fields).every(Boolean), fields };
      };
      return {
        umbrella: kindStatus('umbrella'),
        connectwise: kindStatus('connectwise'),
        autotask: kindStatus('autotask'),
      } as CredentialsStatus;
    },
  };
}

/** Where a process's credentials come from, in words for status and diagnostics. */
export interface CredentialSource {
  store: SecretStore;
  description: string;
  /** Whether they come from the OS keychain (the default) rather than a service's own source. */
  keychain: boolean;
}

/** The real OS keychain. Loaded lazily so a missing native module is a clear error, not a crash at start. */
export async function loadKeytar(): Promise<KeychainBackend> {
  try {
    const mod = (await import('keytar')) as { default?: KeychainBackend } & KeychainBackend;
    return mod.default ?? mod;
  } catch (error) {
    throw new KeychainUnavailableError('be loaded', error);
  }
}
