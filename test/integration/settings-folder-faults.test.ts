/**
 * The settings folder as a real machine can leave it: the state database turned into a folder, a full disk, a
 * read-only file system. Each is said in words that name the file and what to do, with the exit code
 * for "could not run"; nothing is half-written.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/fixtures';
import { node } from '../helpers/processes';

const KEYCHAIN = 'umbrella-psa-sync-test-folder-faults';
const mounts: string[] = [];
afterEach(() => { for (const dir of mounts.splice(0)) execFileSync('umount', [dir]); });

/** Whether this machine lets the tests mount a small tmpfs (root, as in CI); where not, those tests are skipped and say why. */
const canMount = (() => {
  const probe = tempDir('upsa-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  }
})();
const needsMount = canMount ? '' : ' (skipped: mounting a tmpfs needs root)';

/** A small tmpfs of its own. */
function smallDisk(options: string): string {
  const dir = tempDir('upsa-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  mounts.push(dir);
  return dir;
}

describe('settings folder faults', () => {
  it('the state database as a folder: moved aside and named, not "unable to open database file" on every command', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'state.db'));
    const status = await node('main/cli/index.ts', ['status', '--data-dir', dir], KEYCHAIN);
    expect(`${status.stdout}${status.stderr}`).not.toMatch(/EISDIR|unable to open database file/);
    const mapped = await node('main/cli/index.ts', ['map', '8100000', 'AcmeCorp', '--no-check', '--data-dir', dir], KEYCHAIN);
    expect(mapped.stderr).not.toMatch(/EISDIR|unable to open database file/);
    const sync = await node('main/cli/index.ts', ['sync', '--data-dir', dir], KEYCHAIN);
    expect(`${sync.stdout}${sync.stderr}`).toMatch(/State database .*state\.db was damaged \(.+\)\. It was moved to .*state\.db\.corrupt-\S+ and a new one started/);
    expect(fs.statSync(path.join(dir, 'state.db')).isFile()).toBe(true);
  });

  it.skipIf(!canMount)(`a full disk: the save is refused in words (the disk is full, which folder), exit 3, and the settings file is not damaged${needsMount}`, async () => {
    const disk = smallDisk('size=256k');
    const dir = path.join(disk, 'settings');
    fs.mkdirSync(dir);
    expect((await node('main/cli/index.ts', ['map', '8100000', 'AcmeCorp', '--no-check', '--data-dir', dir], KEYCHAIN)).stdout).toMatch(/8100000/);
    const before = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
    try {
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(1024 * 1024));
    } catch { /* the disk is full now */ }
    const result = await node('main/cli/index.ts', ['map', '8100001', 'Globex', '--no-check', '--data-dir', dir], KEYCHAIN);
    expect(result.stderr).toMatch(/settings\.json could not be written: the disk is full \(ENOSPC\)\. Free some space on the disk that holds .*settings/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect((result as { code?: number }).code).toBe(3);
    expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(before);
  });

  it.skipIf(!canMount)(`a read-only file system: named as such, exit 3${needsMount}`, async () => {
    const disk = smallDisk('size=256k');
    const dir = path.join(disk, 'settings');
    fs.mkdirSync(dir);
    execFileSync('mount', ['-o', 'remount,ro', disk]);
    const result = await node('main/cli/index.ts', ['map', '8100000', 'AcmeCorp', '--no-check', '--data-dir', dir], KEYCHAIN);
    expect(result.stderr).toMatch(/could not be written: .*settings is on a read-only file system \(EROFS\)/);
    expect((result as { code?: number }).code).toBe(3);
  });
}, 60_000);
