/**
 * Where a credentialed request may go, for every vendor whose API tells the client where to go next
 * (Umbrella's regional reporting redirects, Autotask's zone lookup): over https to the vendor's own
 * domain (default port), or to the host the administrator configured, with its scheme (the simulators
 * are plain http on loopback, their regional host on another port). Anything else is refused before a
 * request, and so a credential, is sent. ConnectWise next pages are held tighter still: its own API
 * origin, port included (psa/connectwise/site.ts).
 */
export interface HostRule {
  /** The vendor's domains: the domain itself and any subdomain, over https on the default port. */
  vendorDomains: readonly string[];
  /** The address the administrator configured (or the default): its scheme and host name are trusted as saved. */
  configured: string;
}

export function isAllowedHost(rule: HostRule, target: URL): boolean {
  if (target.username !== '' || target.password !== '') return false;
  if (URL.canParse(rule.configured)) {
    const base = new URL(rule.configured);
    if (target.protocol === base.protocol && target.hostname === base.hostname) return true;
  }
  return target.protocol === 'https:' && target.port === '' &&
    rule.vendorDomains.some((domain) => target.hostname === domain || target.hostname.endsWith(`.${domain}`));
}
