/**
 * What is typed or piped as a credential is what the vendor is sent: trimmed as the check saw it, one
 * line of visible characters, and header-safe where it goes into a header; a refusal names the field
 * and the rule, never the value. Testing Umbrella needs only Umbrella's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/app';
import { createSecretStore, InvalidCredentialError, loadKeytar } from '../../main/adapters/store/secrets';
import { DEMO_CREDENTIALS, startDemoSimulators, type DemoSimulators } from '../../simulators/demo';
import { realSecretStore, tempDir } from '../helpers/fixtures';

let sims: DemoSimulators;
let service: string;
beforeAll(async () => {
  service = (await realSecretStore()).service;
  // The CLI reads the keychain service name from the process environment.
  process.env.UMBRELLA_PSA_KEYCHAIN_SERVICE = service;
  sims = await startDemoSimulators({ rateLimits: false });
});
afterAll(async () => { await sims.stop(); });

async function cli(args: string[], env: Record<string, string> = {}, stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env, readStdin: () => Promise.resolve(stdin) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('credential input', () => {
  it('a trailing space or CR is stored trimmed, as it was checked; test-connection umbrella works without any PSA credential', async () => {
    const dir = tempDir();
    const saved = await cli(['configure', '--psa', 'connectwise', '--site', sims.urls.connectwiseSite, '--umbrella-url', sims.urls.umbrella, '--data-dir', dir], {
      UMBRELLA_API_KEY: `${DEMO_CREDENTIALS.umbrella.apiKey} `, UMBRELLA_API_SECRET: `${DEMO_CREDENTIALS.umbrella.apiSecret}\r`,
    });
    expect(saved.code).toBe(0);
    const keychain = createSecretStore(await loadKeytar(), service);
    expect(await keychain.get('umbrella')).toEqual(DEMO_CREDENTIALS.umbrella);
    const umbrella = await cli(['test-connection', 'umbrella', '--data-dir', dir]);
    expect(umbrella.out).toMatch(/✓ Connected to Cisco Umbrella: 25 customer organization\(s\)\./);
    expect(umbrella.code).toBe(0);
    const psa = await cli(['test-connection', 'psa', '--data-dir', dir]);
    expect(psa.err).toMatch(/^✗ ConnectWise: The ConnectWise credentials are not saved/m);
    expect(psa.code).toBe(2);
  });

  it('a NUL, a line break inside, or (in a header value) a character outside ASCII is refused at once, naming the field and never the value', async () => {
    const keychain = createSecretStore(await loadKeytar(), service);
    const refused: [Parameters<typeof keychain.set>[0], Record<string, string>, RegExp][] = [
      ['umbrella', { apiKey: 'abc\u0000SECRETTAIL' }, /umbrella apiKey: This value must be one line of visible characters/],
      ['connectwise', { privateKey: 'abc\nSECRETTAIL' }, /connectwise privateKey: This value must be one line/],
      ['autotask', { secret: 'pässwörd\u00a0SECRETTAIL' }, /autotask secret: This value is sent in an HTTP header/],
      ['connectwise', { clientId: '“SECRETTAIL”' }, /connectwise clientId: This value is sent in an HTTP header/],
    ];
    for (const [kind, values, message] of refused) {
      const error = await keychain.set(kind, values).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidCredentialError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('SECRETTAIL');
    }
    expect((await keychain.status()).autotask.fields.secret).toBe(false);
    // Inside Basic auth any visible character is fine (it is base64-encoded there).
    await keychain.set('umbrella', { apiSecret: 'pässwörd' });
    const cliRefusal = await cli(['configure', '--data-dir', tempDir()], { AUTOTASK_SECRET: 'pässwörd' });
    expect(cliRefusal.err).toMatch(/secret: This value is sent in an HTTP header/);
    expect(cliRefusal.code).toBe(2);
  });
  it('a misspelt name on --secrets-stdin is refused with the name it meant, and nothing is saved', async () => {
    const keychain = createSecretStore(await loadKeytar(), service);
    await keychain.clear('umbrella');
    const result = await cli(['configure', '--secrets-stdin', '--data-dir', tempDir()], {}, `UMBRELLA_APIKEY=${DEMO_CREDENTIALS.umbrella.apiKey}\nUMBRELLA_API_SECRET=${DEMO_CREDENTIALS.umbrella.apiSecret}\n`);
    expect(result.err).toMatch(/stdin line 1: UMBRELLA_APIKEY is not a credential name; did you mean UMBRELLA_API_KEY\? Nothing was saved\./);
    expect(result.err).not.toContain(DEMO_CREDENTIALS.umbrella.apiKey);
    expect(result.code).toBe(2);
    expect((await keychain.status()).umbrella.fields).toEqual({ apiKey: false, apiSecret: false });
  });
}, 60_000);
