/**
 * The same services answer the window and the command line: a message that sends the user to the
 * window (the setup wizard, a list to pick from) also names the command that does the same, so an
 * administrator on a server without the app is never told to use a screen they do not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every source file the CLI can reach: main/ without the Electron shell. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return file === path.join('main', 'shell') ? [] : sources(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('messages for both the window and the command line', () => {
  it('every message that points to the setup wizard or a list to pick from also names the umbrella-psa-sync command', () => {
    const offenders: string[] = [];
    for (const file of sources('main')) {
      const text = fs.readFileSync(file, 'utf8');
      // String and template literals on one line; comments are not messages.
      for (const [i, line] of text.split('\n').entries()) {
        if (/^\s*(\/\/|\*|\/\*\*)/.test(line)) continue;
        for (const literal of line.match(/(['`"])(?:(?!\1)[^\\]|\\.)*\1/g) ?? []) {
          if (/setup wizard|from the list|mapping table/.test(literal) && !line.includes('umbrella-psa-sync')) offenders.push(`${file}:${String(i + 1)}: ${literal.slice(0, 80)}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
