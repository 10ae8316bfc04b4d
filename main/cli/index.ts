#!/usr/bin/env node
/** Entry point of the `umbrella-psa-sync` bin. */
import { plainText } from '../domain/text';
import { runCli } from './app';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// The terminal edge: whatever a vendor's text held, no escape sequence or control character is printed.
void runCli(process.argv.slice(2), {
  out: (line) => { process.stdout.write(`${plainText(line)}\n`); },
  err: (line) => { process.stderr.write(`${plainText(line)}\n`); },
}, { env: process.env, readStdin }).then((code) => {
  process.exitCode = code;
});
