#!/usr/bin/env node
/**
 * `npm start` and `npm run demo`: build (with the CLI's run bit, as `npm run build` leaves it), make
 * sure the Electron binary is there, and launch the app. The binary is not fetched by `npm install`
 * (package.json's allowScripts keeps electron's install script off, so an offline install still
 * succeeds); it is fetched here once, the first time the app starts. Without it, one line says what
 * is missing and what works anyway.
 *   node scripts/start.mjs [--no-build] [app arguments, e.g. --demo]
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { installedElectronBinary as electronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const appArgs = args.filter((a) => a !== '--no-build');

/** Why a URL cannot be fetched, e.g. "github.com: ENOTFOUND" offline; the HTTP status when it answers. */
async function whyUnreachable(url) {
  const host = new URL(url).host;
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return `${host} answered HTTP ${String(response.status)}`;
  } catch (error) {
    return `${host}: ${error?.cause?.code ?? error?.cause?.message ?? error?.message ?? 'unreachable'}`;
  }
}

if (build) {
  const built = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

let binary = electronBinary();
if (!binary) {
  console.log('Fetching the Electron binary (once, about 100 MB)...');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  // Its own output is a stack trace when offline: kept back, the first line reported instead.
  const fetched = spawnSync(process.execPath, [require.resolve('electron/install.js')], { env, encoding: 'utf8' });
  binary = fetched.status === 0 ? electronBinary() : null;
  if (!binary) {
    const said = `${fetched.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? 'the download failed';
    // The downloader says only "fetch failed"; asking the download host once tells why (offline, refused, ...).
    const reason = /fetch failed/i.test(said) ? await whyUnreachable(process.env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/') : said;
    // The command to run again is the one that was run: `npm run demo` says so, not "npm start".
    const demo = appArgs.includes('--demo');
    const again = demo ? 'npm run demo' : 'npm start';
    const meanwhile = demo ? 'the demo runs on the command line (npx umbrella-psa-sync sync --demo, tickets --demo)' : 'the command line works (npx umbrella-psa-sync --help)';
    console.error(`The desktop app cannot start: the Electron binary could not be downloaded (${reason.slice(0, 160)}). Connect to the internet and run "${again}" again; without it, ${meanwhile} and so does "npm test".`);
    process.exit(1);
  }
}

const child = spawn(binary, ['.', ...appArgs], { stdio: 'inherit' });
child.on('exit', (code, signal) => { process.exit(code ?? (signal ? 1 : 0)); });
