import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ipcMain, shell } from 'electron';
import { createMainWindow } from '../../main/shell/window';
import { registerIpc } from '../../main/shell/ipc';
import type { IpcRouter } from '../../main/app/ipc-router';

type FakeWindow = {
  options: { webPreferences: Record<string, unknown> };
  loadedUrl: string | null;
  webContents: {
    emit(event: string, ...args: unknown[]): boolean;
    windowOpenHandler: ((d: { url: string }) => { action: string }) | null;
    permissionHandler: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | null;
    permissionCheckHandler: ((c: unknown, p: string) => boolean) | null;
  };
};

function open(): FakeWindow {
  return createMainWindow({ preloadPath: '/app/out/preload/index.cjs', rendererUrl: 'app://renderer/index.html', title: 'T' }) as unknown as FakeWindow;
}

describe('main window hardening', () => {
  beforeEach(() => {
    (shell as unknown as { opened: string[] }).opened.length = 0;
  });

  it('sets context isolation, sandbox, no Node integration and no middle-click new windows explicitly', () => {
    const prefs = open().options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('loads the renderer URL it was given', () => {
    expect(open().loadedUrl).toBe('app://renderer/index.html');
  });

  it('prevents every navigation, redirect and webview attachment', () => {
    const window = open();
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      window.webContents.emit(event, { preventDefault: () => { prevented = true; } }, 'https://example.com/');
      expect(prevented, event).toBe(true);
    }
  });

  it('denies new windows and hands only checked https links to the OS browser', () => {
    const handler = open().webContents.windowOpenHandler!;
    const urls = ['https://docs.umbrella.com/', 'http://insecure.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@evil.example/', 'smb://share'];
    for (const url of urls) expect(handler({ url })).toEqual({ action: 'deny' });
    expect((shell as unknown as { opened: string[] }).opened).toEqual(['https://docs.umbrella.com/']);
  });

  it('denies permission requests and permission checks (camera, notifications, ...)', () => {
    const contents = open().webContents;
    let granted: boolean | undefined;
    contents.permissionHandler!(null, 'media', (g) => { granted = g; });
    expect(granted).toBe(false);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      expect(contents.permissionCheckHandler?.(null, permission), permission).toBe(false);
    }
  });

  it('renderer/index.html sets a strict Content-Security-Policy', () => {
    const html = fs.readFileSync('renderer/index.html', 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('ipcMain binding', () => {
  it('registers every router channel and passes the sender frame URL only for the main window', async () => {
    const seen: { channel: string; url: string; payload: unknown }[] = [];
    const router: IpcRouter = {
      channels: ['a:one', 'b:two'],
      handle: (channel, sender, payload) => {
        seen.push({ channel, url: sender.url, payload });
        return Promise.resolve({ ok: true, value: null });
      },
    };
    const fake = ipcMain as unknown as { handlers: Map<string, (event: unknown, payload: unknown) => Promise<unknown>> };
    const unregister = registerIpc(router, (id) => id === 7);
    expect([...fake.handlers.keys()]).toEqual(['a:one', 'b:two']);
    await fake.handlers.get('a:one')!({ sender: { id: 7 }, senderFrame: { url: 'file:///app/index.html' } }, 1);
    await fake.handlers.get('b:two')!({ sender: { id: 8 }, senderFrame: { url: 'file:///app/index.html' } }, 2);
    expect(seen).toEqual([
      { channel: 'a:one', url: 'file:///app/index.html', payload: 1 },
      { channel: 'b:two', url: '', payload: 2 },
    ]);
    unregister();
    expect(fake.handlers.size).toBe(0);
  });
});
