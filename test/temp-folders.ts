/**
 * Vitest global set-up: every temporary folder of the run (settings folders, simulators' files, child processes'
 * own) goes under one folder of its own (TMPDIR, which os.tmpdir() and the child processes follow), removed when
 * the run ends: runs do not pile folders up, and two runs side by side never remove each other's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-run-'));
  process.env.TMPDIR = root;
  return () => {
    fs.rmSync(root, { recursive: true, force: true });
  };
}
