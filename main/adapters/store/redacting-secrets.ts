/**
 * Feeds the redactor with every credential value the app reads or saves, at the one place they pass:
 * the secret store. So a secret entered a minute ago is redacted as surely as one saved last year.
 */
import { CredentialKindSchema, type CredentialKind } from '../../../preload/contract';
import type { CredentialValues, SecretStore } from './secrets';
import type { Redactor } from '../logging/redact';

/** The Basic-auth pairs each vendor builds from its credentials (they reach logs base64-encoded). */
function basicPairs(kind: CredentialKind, values: Record<string, string | undefined>): [string, string][] {
  if (kind === 'umbrella' && values.apiKey && values.apiSecret) return [[values.apiKey, values.apiSecret]];
  if (kind === 'connectwise' && values.companyId && values.publicKey && values.privateKey) return [[`${values.companyId}+${values.publicKey}`, values.privateKey]];
  return [];
}

export function redactingSecretStore(store: SecretStore, redactor: Redactor): SecretStore {
  const learn = (kind: CredentialKind, values: Record<string, string | undefined> | null) => {
    if (!values) return;
    redactor.addSecrets(Object.values(values).filter((v): v is string => typeof v === 'string'), basicPairs(kind, values));
  };
  return {
    clear: (kind) => store.clear(kind),
    status: () => store.status(),
    async set(kind, values) {
      learn(kind, values);
      await store.set(kind, values);
      learn(kind, await store.get(kind));
    },
    async get<K extends CredentialKind>(kind: K): Promise<CredentialValues<K> | null> {
      const values = await store.get(kind);
      learn(kind, values);
      return values;
    },
  };
}

/** Reads every saved credential once, so that the redaction knows them all from the start (a process may log before it uses them). */
export async function learnSavedSecrets(store: SecretStore): Promise<void> {
  for (const kind of CredentialKindSchema.options) await store.get(kind);
}
