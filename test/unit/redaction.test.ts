/**
 * The one redaction step: every saved secret value (each credential kind), every token minted, and a
 * secret with a NUL inside, removed from log lines, log files and the errors the window is sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_FIELDS, type CredentialKind } from '../../preload/contract';
import { VendorError } from '../../main/adapters/http/vendor-error';
import { createIpcRouter } from '../../main/app/ipc-router';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openFileLog, recentLogLines } from '../../main/adapters/logging/file-log';
import { REDACTED, Redactor } from '../../main/adapters/logging/redact';
import { redactingSecretStore } from '../../main/adapters/store/redacting-secrets';
import { memoryKeychain } from '../../main/adapters/store/memory-keychain';
import { accountName, createSecretStore } from '../../main/adapters/store/secrets';
import { UmbrellaTokenCache } from '../../main/adapters/umbrella/tokens';
import { CHANNELS } from '../../preload/channels';
import { tempDir } from '../helpers/fixtures';

const SECRETS: { [K in CredentialKind]: Record<(typeof CREDENTIAL_FIELDS)[K][number], string> } = {
  umbrella: { apiKey: 'umb-key-7f3a9c', apiSecret: 'umb-secret-Q8w!e#r' },
  connectwise: { companyId: 'acmemsp', publicKey: 'cw-pub-K2j4h6', privateKey: 'cw-priv-Zx9/+==', clientId: 'cw-client-5c1e' },
  autotask: { username: 'api.user@acme.example', secret: 'at-secret-\u0000-tail9876', integrationCode: 'AT-INTEG-4417' },
};

async function learned() {
  const redactor = new Redactor();
  const keychain = memoryKeychain();
  // Saved as an earlier version could: a NUL inside is refused when saved now, but may be in a keychain already.
  for (const [kind, values] of Object.entries(SECRETS)) {
    for (const [field, value] of Object.entries(values)) await keychain.setPassword('redaction-test', accountName(kind as CredentialKind, field), value);
  }
  const secrets = redactingSecretStore(createSecretStore(keychain, 'redaction-test'), redactor);
  for (const kind of Object.keys(SECRETS) as CredentialKind[]) await secrets.get(kind);
  return redactor;
}

describe('log redaction', () => {
  it('removes every saved value of every credential kind, as is, JSON-escaped, URL-encoded and inside its Basic header', async () => {
    const redactor = await learned();
    for (const [kind, values] of Object.entries(SECRETS)) {
      for (const [field, value] of Object.entries(values)) {
        const line = redactor.redact(`${kind}.${field}: "${value}" json=${JSON.stringify(value)} url=${encodeURIComponent(value)}`);
        expect(line, `${kind}.${field}`).not.toContain(value);
        expect(line).not.toContain(JSON.stringify(value).slice(1, -1));
        expect(line).not.toContain(encodeURIComponent(value));
        expect(line).toContain(REDACTED);
      }
    }
    const umbrellaBasic = Buffer.from(`${SECRETS.umbrella.apiKey}:${SECRETS.umbrella.apiSecret}`).toString('base64');
    const cwBasic = Buffer.from(`${SECRETS.connectwise.companyId}+${SECRETS.connectwise.publicKey}:${SECRETS.connectwise.privateKey}`).toString('base64');
    expect(redactor.redact(`token request with ${umbrellaBasic} failed`)).not.toContain(umbrellaBasic);
    expect(redactor.redact(`auth=${cwBasic}`)).not.toContain(cwBasic);
  });

  it('a secret with a NUL inside is removed whole, and each part where the NUL cut the text short', async () => {
    const redactor = await learned();
    const secret = SECRETS.autotask.secret;
    expect(redactor.redact(`secret ${secret} sent`)).toBe(`secret ${REDACTED} sent`);
    const [head, tail] = secret.split('\0');
    expect(redactor.redact(`cut: ${head ?? ''}`)).not.toContain(head);
    expect(redactor.redact(`rest: ${tail ?? ''}`)).not.toContain(tail);
  });

  it('removes every token minted, and any Bearer or Basic credential even when unknown', async () => {
    const redactor = new Redactor();
    const cache = new UmbrellaTokenCache(undefined, (token) => { redactor.addToken(token); });
    const token = await cache.get('owner', 8100000, () => Promise.resolve({ token: 'eyJhbGciOiJSUzI1NiJ9.minted.token', lifetimeMs: 60_000 }));
    expect(redactor.redact(`GET /reports with ${token}`)).toBe(`GET /reports with ${REDACTED}`);
    expect(redactor.redact('Authorization: Bearer abcdefghijklmnop')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactor.redact('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe(`Authorization: Basic ${REDACTED}`);
  });

  it('runs for months: a token is forgotten once expired, so 20,000 tokens minted over 20 days leave about a day\'s sync of them, and a line is checked against that, not all ever minted', () => {
    let now = Date.UTC(2026, 0, 1);
    const redactor = new Redactor(() => now);
    const token = (day: number, org: number) => `eyJhbGciOiJSUzI1NiJ9.${String(day)}-${String(org).padStart(6, '0')}.signature`;
    for (let day = 0; day < 20; day++) {
      // The 00:00 sync of 1,000 customers: one token each, 20 a minute, an hour's lifetime.
      for (let org = 0; org < 1_000; org++) {
        redactor.addToken(token(day, org), 3_600_000);
        now += 3_000;
      }
      expect(redactor.redact(`GET /reports with ${token(day, 999)}`)).toBe(`GET /reports with ${REDACTED}`);
      now += 86_400_000 - 1_000 * 3_000;
    }
    // The tokens of the last sync are all expired by now; at most those of one sync were ever held.
    expect(redactor.remembered.tokens).toBeLessThanOrEqual(1_000);
    redactor.redact('a line the next morning');
    expect(redactor.remembered).toEqual({ tokens: 0, values: 0 });
    // Saved credentials are never forgotten.
    redactor.addSecrets(['umb-secret-Q8w!e#r']);
    now += 365 * 86_400_000;
    expect(redactor.redact('secret umb-secret-Q8w!e#r')).toBe(`secret ${REDACTED}`);
  });

  it('the log file holds the redacted line only', async () => {
    const redactor = await learned();
    const dir = tempDir();
    const log = openFileLog({ dir, name: 'app', redactor });
    log.error(`Autotask refused ${SECRETS.autotask.integrationCode} for ${SECRETS.autotask.username}`);
    await log.close();
    const text = fs.readFileSync(path.join(dir, 'app.log'), 'utf8');
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z error Autotask refused \[redacted\] for \[redacted\]\n$/);
    // What Copy diagnostics reads back is that same redacted line.
    expect(recentLogLines(dir)).toEqual(['== app.log', text.trimEnd()]);
  });

  it('an error message sent to the window is redacted, whatever the vendor echoed', async () => {
    const redactor = await learned();
    const router = createIpcRouter({
      handlers: { testConnection: () => { throw new VendorError(`ConnectWise said: key ${SECRETS.connectwise.privateKey} is not valid`, 401); } } as never,
      isTrustedSender: () => true, log: memoryLogger(), redact: (text) => redactor.redact(text),
    });
    const result = await router.handle(CHANNELS.testConnection, { url: 'app://window' }, { target: 'psa' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toBe(`ConnectWise said: key ${REDACTED} is not valid`);
  });
});
