import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl, isTrustedRendererUrl } from '../../main/shell/trust';

describe('isTrustedRendererUrl', () => {
  const app = 'app://renderer/index.html';
  it('trusts the app:// renderer, any page or route of it', () => {
    expect(isTrustedRendererUrl(app, app)).toBe(true);
    expect(isTrustedRendererUrl('app://renderer/index.html#/customers', app)).toBe(true);
  });
  it('rejects other schemes and hosts, opaque origins (data:, about:) and garbage', () => {
    // data: and about: pages have the opaque origin "null", as app:// itself does in WHATWG terms.
    for (const sender of ['data:text/html,<script>1</script>', 'about:blank', 'file:///opt/app/out/renderer/index.html', 'app://evil/index.html',
      'other://renderer/index.html', 'https://evil.example/index.html', '', 'not a url']) {
      expect(isTrustedRendererUrl(sender, app), sender).toBe(false);
    }
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
