import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli-app';
import { openSettingsStore } from '../../main/store/settings';
import { memoryLogger } from '../../main/log';
import pkg from '../../package.json';
import { requireSecretService, tempDir } from '../helpers/fixtures';

const run = promisify(execFile);

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('umbrella-psa-sync CLI', () => {
  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: umbrella-psa-sync <command>/);
    expect((await cli(['--version'])).out).toBe(pkg.version);
  });

  it('rejects unknown commands and options with a pointer to --help', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Unknown command "frobnicate".*--help/);
    const badOption = await cli(['status', '--secret=abc']);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toMatch(/Unknown option '--secret'/);
  });

  it('status reads the same settings file and keychain as the app', async () => {
    requireSecretService();
    const dir = tempDir();
    openSettingsStore({ dir, log: memoryLogger() }).update({
      psa: { kind: 'connectwise' },
      mappings: { '1': { psaCompany: 'A', excluded: false }, '2': { psaCompany: null, excluded: false }, '3': { psaCompany: 'C', excluded: true } },
    });
    const result = await cli(['status', '--data-dir', dir, '--json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.out) as { psa: string; mapped: number; credentials: { umbrella: { complete: boolean } } };
    expect(status.psa).toBe('connectwise');
    expect(status.mapped).toBe(1);
    expect(typeof status.credentials.umbrella.complete).toBe('boolean');
  });

  it('the built bin runs through npx in a checkout', async () => {
    const { stdout } = await run('npx', ['--no-install', 'umbrella-psa-sync', '--help']);
    expect(stdout).toMatch(/Umbrella PSA Sync .* command line/);
  });
});
