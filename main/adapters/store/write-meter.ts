/**
 * Bytes the calling thread has handed to the OS in write calls (Linux: /proc/thread-self/io), so that the
 * state database's writes can be measured exactly: node:sqlite writes on the JS thread, synchronously, so
 * the difference across a transaction is what SQLite wrote for it (WAL frames and checkpoints). Elsewhere
 * it reads 0 and the figure is not reported.
 */
import fs from 'node:fs';

const SOURCE = '/proc/thread-self/io';
let available: boolean | null = null;

export function threadBytesWritten(): number {
  if (available === false) return 0;
  try {
    const match = /^wchar: (\d+)$/m.exec(fs.readFileSync(SOURCE, 'utf8'));
    available = match !== null;
    return match ? Number(match[1]) : 0;
  } catch {
    available = false;
    return 0;
  }
}
