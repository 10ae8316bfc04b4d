/**
 * The app's log files: one line per message (UTC time, level, text) after the one redaction step,
 * in rotating files (5 files of 5 MB) in the OS's log folder. rotating-file-stream rotates and
 * keeps the files (maintained, no dependencies, plain Node: the app, the CLI's service and tests
 * share it; electron-log would tie the service to Electron). "Copy diagnostics" reads the last
 * lines back from the files (recentLogLines), so it sees every process's log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { Logger } from './logger';
import type { Redactor } from './redact';
import { plainText } from '../../domain/text';

export interface FileLog extends Logger {
  readonly file: string;
  close(): Promise<void>;
}

export function openFileLog(options: { dir: string; name: string; redactor: Redactor; also?: Logger; now?: () => Date }): FileLog {
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const file = path.join(options.dir, `${options.name}.log`);
  const stream: RotatingFileStream = createStream(`${options.name}.log`, { path: options.dir, size: '5M', maxFiles: 5, mode: 0o600 });
  const now = options.now ?? (() => new Date());
  const write = (level: 'info' | 'warn' | 'error', message: string) => {
    // No escape sequence or control character reaches a log file (read in terminals) or the console.
    const text = plainText(options.redactor.redact(message));
    const line = `${now().toISOString()} ${level.padEnd(5)} ${text.replace(/\r?\n/g, '\n    ')}`;
    stream.write(`${line}\n`);
    options.also?.[level](text);
  };
  return {
    file,
    info: (message) => { write('info', message); },
    warn: (message) => { write('warn', message); },
    error: (message) => { write('error', message); },
    close: () => new Promise<void>((resolve) => { stream.end(() => { resolve(); }); }),
  };
}

/** Where the logs go: Electron's convention (macOS ~/Library/Logs/<product>, elsewhere <settings folder>/logs). */
export function defaultLogDir(dataDir: string, productName: string, platform: NodeJS.Platform = process.platform, home = process.env.HOME ?? ''): string {
  return platform === 'darwin' && home ? path.join(home, 'Library', 'Logs', productName) : path.join(dataDir, 'logs');
}

/**
 * The last lines of each current log file in dir (app.log, service.log: whichever processes share
 * the settings folder), oldest first per file. Rotated files are left out. Read from disk, so the app
 * sees what the service wrote.
 */
export function recentLogLines(dir: string, perFile = 200): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
  } catch {
    return [];
  }
  const TAIL_BYTES = 256 * 1024;
  return names.flatMap((name) => {
    try {
      const file = path.join(dir, name);
      const size = fs.statSync(file).size;
      const fd = fs.openSync(file, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(size, TAIL_BYTES));
        fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
        const lines = buffer.toString('utf8').split('\n').filter((line) => line !== '');
        // A tail that starts mid-file starts mid-line: drop that partial line.
        return [`== ${name}`, ...(size > buffer.length ? lines.slice(1) : lines).slice(-perFile)];
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    }
  });
}
