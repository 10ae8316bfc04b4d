/** URL checks for IPC senders and for links the app may hand to the OS browser. */

/**
 * True when an IPC message comes from the app's own renderer page: the same origin as the page
 * the main window loaded. For the app:// scheme (a non-special scheme, whose WHATWG origin is the
 * opaque "null" that data: and about: pages share) the scheme and host are compared instead.
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
  if (expected.protocol === 'http:' || expected.protocol === 'https:') return sender.origin === expected.origin;
  return expected.host !== '' && sender.protocol === expected.protocol && sender.host === expected.host;
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
