import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_CSP, APP_ENTRY_URL, appFileResponder, appFilePath, chooseRendererUrl } from '../../main/shell/protocol';

function rendererFolder() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-renderer-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-1.js'), 'console.log(1)');
  // A secret next to the renderer folder: what a path traversal would be after.
  fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'secret');
  return root;
}

describe('the app:// protocol', () => {
  it('serves the built renderer with its type and the Content-Security-Policy header', async () => {
    const respond = appFileResponder(rendererFolder());
    const page = await respond(new Request(APP_ENTRY_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>app</title>');
    const script = await respond(new Request('app://renderer/assets/index-1.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await respond(new Request('app://renderer/'))).text()).toContain('<title>app</title>');
  });

  it('serves nothing outside the renderer folder, from other hosts, or by other methods', async () => {
    const root = rendererFolder();
    const respond = appFileResponder(root);
    const secret = `${path.basename(root)}-secret.txt`;
    for (const url of [`app://renderer/../${secret}`, `app://renderer/%2e%2e/${secret}`, `app://renderer/%2E%2E%2F${secret}`,
      `app://renderer/assets/..%2f..%2f${secret}`, 'app://renderer/%00index.html', 'app://renderer/%E0%A4%A', 'app://evil/index.html',
      'app://renderer/missing.js', 'app://renderer/assets', 'app://renderer/index.exe']) {
      expect((await respond(new Request(url))).status, url).toBe(404);
    }
    expect((await respond(new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
    expect(appFilePath('file:///etc/passwd', root)).toBeNull();
  });

  it('the CSP header is the page\'s own policy, and frames are refused', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(fs.readFileSync('renderer/index.html', 'utf8'))?.[1] ?? '';
    expect(APP_CSP).toBe(`${meta}; frame-ancestors 'none'`);
  });
});

describe('where the window loads the renderer from', () => {
  it('a packaged app always uses app://, whatever ELECTRON_RENDERER_URL says', () => {
    expect(chooseRendererUrl({ isPackaged: true, devServerUrl: 'http://127.0.0.1:5173/' })).toBe(APP_ENTRY_URL);
    expect(chooseRendererUrl({ isPackaged: true, devServerUrl: undefined })).toBe(APP_ENTRY_URL);
  });
  it('an unpackaged build uses a loopback dev server if one is named, else app://', () => {
    expect(chooseRendererUrl({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toBe('http://localhost:5173/');
    expect(chooseRendererUrl({ isPackaged: false, devServerUrl: undefined })).toBe(APP_ENTRY_URL);
    for (const url of ['https://evil.example/', 'http://192.168.1.5:5173/', 'file:///tmp/x.html', 'http://localhost.evil.example/']) {
      expect(chooseRendererUrl({ isPackaged: false, devServerUrl: url }), url).toBe(APP_ENTRY_URL);
    }
  });
});
