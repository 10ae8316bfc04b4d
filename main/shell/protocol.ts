/**
 * The renderer is served from `app://renderer/`, not file://: a file:// page may read any file
 * the user can (and the fuse that grants file:// extra privileges is off), while this scheme serves
 * the built renderer folder only, with the app's Content-Security-Policy as a header. A dev-server
 * URL (electron-vite's ELECTRON_RENDERER_URL) is honoured in unpackaged builds only: in a packaged
 * app its origin would become the trusted IPC sender.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { protocol, type Session } from 'electron';
import { isLoopbackHttpUrl } from '../../preload/contract';

export const APP_SCHEME = 'app';
const APP_HOST = 'renderer';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The same policy as renderer/index.html's meta tag, sent as a header (a header also covers what a meta tag cannot). */
export const APP_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where the main window loads the renderer from. */
export function chooseRendererUrl(options: { isPackaged: boolean; devServerUrl: string | undefined }): string {
  const dev = options.devServerUrl;
  if (!options.isPackaged && dev !== undefined && isLoopbackHttpUrl(dev)) return dev;
  return APP_ENTRY_URL;
}

/** The file under rootDir that an app:// URL names; null for other hosts or anything outside the folder. */
export function appFilePath(url: string, rootDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const inside = path.relative(root, file);
  return inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside) ? file : null;
}

/** Answers app:// requests from rootDir: GET/HEAD of existing files only, typed, with the CSP. */
export function appFileResponder(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
    const file = appFilePath(request.url, rootDir);
    const type = file ? CONTENT_TYPES[path.extname(file).toLowerCase()] : undefined;
    if (!file || !type) return new Response('Not found', { status: 404 });
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { 'content-type': type, 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' },
    });
  };
}

/** Must run before the app is ready: app:// behaves like https (origin, fetch, secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveAppProtocol(session: Session, rootDir: string): void {
  session.protocol.handle(APP_SCHEME, appFileResponder(rootDir));
}
