import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl, isTrustedRendererUrl } from '../../main/trust';

describe('isTrustedRendererUrl', () => {
  const file = 'file:///opt/Umbrella%20PSA%20Sync/resources/app.asar/out/renderer/index.html';
  it('trusts the exact renderer file, with or without a hash route', () => {
    expect(isTrustedRendererUrl(file, file)).toBe(true);
    expect(isTrustedRendererUrl(`${file}#/customers`, file)).toBe(true);
  });
  it('rejects other files, other origins and garbage', () => {
    expect(isTrustedRendererUrl('file:///tmp/evil.html', file)).toBe(false);
    expect(isTrustedRendererUrl('https://evil.example/index.html', file)).toBe(false);
    expect(isTrustedRendererUrl('', file)).toBe(false);
    expect(isTrustedRendererUrl('about:blank', file)).toBe(false);
  });
  it('for a dev or test server, trusts its origin only', () => {
    expect(isTrustedRendererUrl('http://127.0.0.1:4173/', 'http://127.0.0.1:4173/')).toBe(true);
    expect(isTrustedRendererUrl('http://127.0.0.1:4174/', 'http://127.0.0.1:4173/')).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:4173/', 'http://127.0.0.1:4173/')).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('allows plain https links only', () => {
    expect(isSafeExternalUrl('https://docs.umbrella.com/deployment-umbrella/docs')).toBe(true);
    for (const url of ['http://x.example', 'file:///etc/passwd', 'javascript:alert(1)', 'https://a:b@x.example', 'ms-settings:', 'not a url', 'https://']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});
