import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HIDDEN_ARG, linuxAutostartEntry, quoteExecArg, setLinuxAutostart, startsHidden } from '../../main/shell/login-item';

describe('start at login on Linux (XDG autostart)', () => {
  it('writes an autostart entry that starts the app hidden, and removes it when turned off', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-autostart-')), 'autostart');
    const file = setLinuxAutostart(true, { dir, name: 'Umbrella PSA Sync', command: ['/opt/Umbrella PSA Sync/umbrella-psa-sync'] });
    expect(file).toBe(path.join(dir, 'umbrella-psa-sync.desktop'));
    const entry = fs.readFileSync(file, 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Umbrella PSA Sync\n/);
    expect(entry).toContain(`Exec="/opt/Umbrella PSA Sync/umbrella-psa-sync" ${HIDDEN_ARG}\n`);
    setLinuxAutostart(false, { dir, name: 'Umbrella PSA Sync', command: ['/x'] });
    expect(fs.existsSync(file)).toBe(false);
    // Turning it off twice, or before it was ever on, is fine.
    setLinuxAutostart(false, { dir, name: 'Umbrella PSA Sync', command: ['/x'] });
  });

  it('quotes Exec arguments as the Desktop Entry Specification asks', () => {
    expect(quoteExecArg('/usr/bin/app')).toBe('/usr/bin/app');
    expect(quoteExecArg('/home/a b/app')).toBe('"/home/a b/app"');
    expect(quoteExecArg('/home/$USER/"x"')).toBe('"/home/\\$USER/\\"x\\""');
    expect(quoteExecArg('/opt/100%/app')).toBe('/opt/100%%/app');
    expect(linuxAutostartEntry('N', ['/e/electron', '/home/u/app dir'])).toContain('Exec=/e/electron "/home/u/app dir" --hidden\n');
  });
});

describe('starting hidden', () => {
  it('only when the login item started the app', () => {
    expect(startsHidden(['/opt/app', HIDDEN_ARG], false)).toBe(true);
    expect(startsHidden(['/opt/app'], true)).toBe(true);
    expect(startsHidden(['/opt/app', '--demo'], false)).toBe(false);
  });
});
