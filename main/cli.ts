#!/usr/bin/env node
/** Entry point of the `umbrella-psa-sync` bin. */
import { runCli } from './cli-app';

void runCli(process.argv.slice(2), {
  out: (line) => { process.stdout.write(`${line}\n`); },
  err: (line) => { process.stderr.write(`${line}\n`); },
}).then((code) => {
  process.exitCode = code;
});
