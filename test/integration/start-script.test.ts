/**
 * `npm install` then `npm start` on a user's machine: the install never fetches Electron (so it
 * succeeds offline), `npm start` builds with the CLI's run bit and fetches the binary once; when it
 * cannot, one line says what is missing and what works without it, and no stack trace is shown.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/fixtures';

const exec = promisify(execFile);
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> };

describe('npm start', () => {
  it('builds through "npm run build" (which sets the bin\'s run bit), for the app and the demo', () => {
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
    expect(pkg.scripts.demo).toBe('node scripts/start.mjs --demo');
    expect(pkg.scripts.build).toMatch(/chmodSync\('out\/main\/cli\.js', 0o755\)/);
    expect(fs.readFileSync('scripts/start.mjs', 'utf8')).toMatch(/spawnSync\('npm', \['run', '-s', 'build'\]/);
    // The install itself never downloads Electron, so it succeeds offline.
    expect(pkg.allowScripts.electron).toBe(false);
  });

  it('without the Electron binary and no way to fetch it: one line, what is missing and what works, exit 1', async () => {
    const port = await closedPort();
    const result = await exec(process.execPath, ['scripts/start.mjs', '--no-build'], { env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${String(port)}/` } })
      .then(() => ({ code: 0, stderr: '' }), (error: unknown) => error as { code: number; stderr: string });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^The desktop app cannot start: the Electron binary could not be downloaded \(.*ECONNREFUSED.*\)\. Connect to the internet and run "npm start" again; without it, the command line works \(npx umbrella-psa-sync --help\) and so does "npm test"\.$/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('`npm run demo` without the binary says to run the demo again, and how to see it meanwhile', async () => {
    const port = await closedPort();
    const result = await exec(process.execPath, ['scripts/start.mjs', '--no-build', '--demo'], { env: { ...process.env, ELECTRON_MIRROR: `http://127.0.0.1:${String(port)}/` } })
      .then(() => ({ code: 0, stderr: '' }), (error: unknown) => error as { code: number; stderr: string });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/Connect to the internet and run "npm run demo" again; without it, the demo runs on the command line \(npx umbrella-psa-sync sync --demo, tickets --demo\) and so does "npm test"\.$/);
  });
});
