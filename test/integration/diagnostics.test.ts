/**
 * "Copy diagnostics" and `umbrella-psa-sync diagnostics`: the report a support engineer asks for,
 * on the real keychain. It says what matters (versions, settings, which credentials are saved, the
 * last runs, recent lines of every process's log) and never a secret, even one a log file holds in
 * clear (written by an older version, or pasted into a message).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/app';
import { realSecretStore, tempDir } from '../helpers/fixtures';

const SECRETS = {
  UMBRELLA_API_KEY: 'diag-umbrella-key-9d1f', UMBRELLA_API_SECRET: 'diag-umbrella-secret-77aa',
  CONNECTWISE_COMPANY_ID: 'diagco', CONNECTWISE_PUBLIC_KEY: 'diag-cw-public-51', CONNECTWISE_PRIVATE_KEY: 'diag-cw-private-e3', CONNECTWISE_CLIENT_ID: 'diag-cw-client-0c',
  AUTOTASK_USERNAME: 'diag-api@example.com', AUTOTASK_SECRET: 'diag-at-secret-4b', AUTOTASK_INTEGRATION_CODE: 'DIAGINTEGRATIONCODE7',
};

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { env, readStdin: () => Promise.resolve('') });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// Each test its own keychain entries (the CLI reads the service name from the environment).
beforeEach(async () => {
  process.env.UMBRELLA_PSA_KEYCHAIN_SERVICE = (await realSecretStore()).service;
});

describe('umbrella-psa-sync diagnostics', () => {
  it('reports versions, settings, saved credentials, runs and every log file, with no secret in it', async () => {
    const dir = tempDir();
    expect((await cli(['configure', '--psa', 'connectwise', '--site', 'na.myconnectwise.net', '--data-dir', dir], SECRETS)).code).toBe(0);
    // Log files of two processes on this folder; the service's holds secrets in clear, as an older version might have written them.
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const basic = Buffer.from(`${SECRETS.UMBRELLA_API_KEY}:${SECRETS.UMBRELLA_API_SECRET}`).toString('base64');
    fs.writeFileSync(path.join(logs, 'app.log'), '2026-12-02T00:00:01.000Z info  Daily sync started\n');
    fs.writeFileSync(path.join(logs, 'service.log'), [
      '2026-12-02T00:00:02.000Z error POST /auth/v2/token failed with Authorization: Basic ' + basic,
      `2026-12-02T00:00:03.000Z warn  ConnectWise answered 401 for ${SECRETS.CONNECTWISE_COMPANY_ID}+${SECRETS.CONNECTWISE_PUBLIC_KEY}:${SECRETS.CONNECTWISE_PRIVATE_KEY}`,
      `2026-12-02T00:00:04.000Z warn  Autotask: ${SECRETS.AUTOTASK_USERNAME} / ${SECRETS.AUTOTASK_SECRET} / ${SECRETS.AUTOTASK_INTEGRATION_CODE} / ${SECRETS.CONNECTWISE_CLIENT_ID}`,
      '',
    ].join('\n'));

    const report = await cli(['diagnostics', '--data-dir', dir]);
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/^Umbrella PSA Sync diagnostics, \d{4}-\d\d-\d\dT/);
    expect(report.out).toMatch(/Version \d+\.\d+\.\d+; node \d+/);
    expect(report.out).toContain(`Settings folder: ${dir}`);
    expect(report.out).toContain(`Log folder: ${logs}`);
    expect(report.out).toMatch(/Credentials \(in the OS keychain\): umbrella: complete; connectwise: complete; autotask: complete/);
    expect(report.out).toContain('"site": "na.myconnectwise.net"');
    expect(report.out).toContain('== app.log');
    expect(report.out).toContain('Daily sync started');
    expect(report.out).toContain('== service.log');
    expect(report.out).toContain('ConnectWise answered 401');
    for (const [name, value] of [...Object.entries(SECRETS), ['basic', basic]]) expect(report.out, name).not.toContain(value);
  });

  it('still reports when nothing is set up yet, and counts the mappings rather than listing them', async () => {
    const dir = tempDir();
    expect((await cli(['map', '1001', 'ACME', '--no-check', '--data-dir', dir])).code).toBe(0);
    expect((await cli(['map', '1002', '--exclude', '--no-check', '--data-dir', dir])).code).toBe(0);
    const report = await cli(['diagnostics', '--data-dir', dir]);
    expect(report.code).toBe(0);
    expect(report.out).toMatch(/umbrella: incomplete \(not saved: apiKey, apiSecret\)/);
    expect(report.out).toMatch(/"mapped": 1,\s+"excluded": 1,\s+"total": 2/);
    expect(report.out).not.toContain('ACME');
    expect(report.out).toContain('Last runs (0 of 0):');
    expect(report.out).toContain('Recent log lines (0):');
  });
});
