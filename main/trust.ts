/** URL checks for IPC senders and for links the app may hand to the OS browser. */

/**
 * True when an IPC message comes from the app's own renderer page: the same origin as the page
 * the main window loaded (http(s) dev/test server) or, for file:// pages, the very same file.
 */
export function isTrustedRendererUrl(senderUrl: string, rendererUrl: string): boolean {
  let sender: URL;
  let expected: URL;
  try {
    sender = new URL(senderUrl);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') {
    return sender.protocol === 'file:' && sender.host === expected.host && sender.pathname === expected.pathname;
  }
  return sender.origin === expected.origin;
}

/** Only plain https links without embedded credentials may be opened in the user's browser. */
export function isSafeExternalUrl(candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}
