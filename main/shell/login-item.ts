/**
 * Start at login (a preference, off by default): the app starts hidden, in the tray. Windows and
 * macOS have Electron's login items; Linux has no such API, so an XDG autostart entry is written
 * (~/.config/autostart), which GNOME, KDE, XFCE and the others honour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileSync } from 'atomically';
import { app } from 'electron';

/** Added to the command a login item runs: the window stays closed, the tray icon appears. */
export const HIDDEN_ARG = '--hidden';
const AUTOSTART_FILE = 'umbrella-psa-sync.desktop';

/** One argument of a desktop entry's Exec key, quoted as the Desktop Entry Specification asks. */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\`$<>~|&;*?#()]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function linuxAutostartEntry(name: string, command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Exec=${[...command, HIDDEN_ARG].map(quoteExecArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes or removes the autostart entry in dir; answers the file's path. */
export function setLinuxAutostart(enabled: boolean, options: { dir: string; name: string; command: readonly string[] }): string {
  const file = path.join(options.dir, AUTOSTART_FILE);
  if (enabled) {
    fs.mkdirSync(options.dir, { recursive: true });
    writeFileSync(file, linuxAutostartEntry(options.name, options.command), { mode: 0o644 });
  } else {
    fs.rmSync(file, { force: true });
  }
  return file;
}

/** Whether this start should leave the window closed: started by the login item. */
export function startsHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_ARG) || openedAtLogin;
}

/** What starts this app: the installed binary (the AppImage itself on Linux), or Electron with the app folder when unpackaged. */
function launchCommand(): string[] {
  const binary = process.env.APPIMAGE ?? process.execPath;
  return app.isPackaged ? [binary] : [binary, app.getAppPath()];
}

export function applyStartAtLogin(enabled: boolean, name: string): void {
  if (process.platform === 'linux') {
    const configHome = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
    setLinuxAutostart(enabled, { dir: path.join(configHome, 'autostart'), name, command: launchCommand() });
    return;
  }
  const [binary, ...args] = launchCommand();
  app.setLoginItemSettings({ openAtLogin: enabled, ...(binary ? { path: binary } : {}), args: [...args, HIDDEN_ARG] });
}

/** macOS says whether it opened the app as a login item (Windows and Linux pass HIDDEN_ARG instead). */
export function openedAtLogin(): boolean {
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
