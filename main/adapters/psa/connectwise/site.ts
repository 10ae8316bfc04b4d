import LinkHeader from 'http-link-header';
/** Turns what a user types as "ConnectWise site" into the hosts the API needs. */

const CLOUD_SITES: Record<string, string> = {
  'na.myconnectwise.net': 'api-na.myconnectwise.net',
  'eu.myconnectwise.net': 'api-eu.myconnectwise.net',
  'au.myconnectwise.net': 'api-au.myconnectwise.net',
  'aus.myconnectwise.net': 'api-aus.myconnectwise.net',
  'za.myconnectwise.net': 'api-za.myconnectwise.net',
  'staging.connectwisedev.com': 'api-staging.connectwisedev.com',
};

export interface ConnectWiseSite {
  /** https://host of the site as typed (companyinfo lives here). */
  siteOrigin: string;
  /** https://host the REST API is called on (the api- host for cloud sites). */
  apiOrigin: string;
}

/**
 * Accepts `na.myconnectwise.net`, `https://na.myconnectwise.net/v4_6_release/...`,
 * `api-na.myconnectwise.net` or an on-premise host (optionally with a port). Plain http is kept
 * only for loopback addresses (the simulators); everything else is https.
 */
export function normaliseSite(input: string): ConnectWiseSite {
  const trimmed = input.trim();
  if (trimmed === '') throw new Error('Enter the ConnectWise site, for example na.myconnectwise.net');
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new Error(`"${trimmed}" is not a host name: enter the ConnectWise site, for example na.myconnectwise.net`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const scheme = url.protocol === 'http:' && loopback ? 'http:' : 'https:';
  const host = url.host.toLowerCase();
  const bare = host.replace(/^api-/, '');
  const apiHost = CLOUD_SITES[bare] ?? host;
  const siteHost = CLOUD_SITES[bare] ? bare : host;
  return { siteOrigin: `${scheme}//${siteHost}`, apiOrigin: `${scheme}//${apiHost}` };
}

/** A string literal for a `conditions` expression: double-quoted, with \ and " escaped. */
export function conditionString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The URL of rel="next" in an RFC 8288 Link header (parsed by http-link-header: quoted commas, several rels), or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  try {
    return LinkHeader.parse(header).rel('next')[0]?.uri ?? null;
  } catch {
    return null;
  }
}

/**
 * A next-page address the credentials may be sent to: resolved against the page that named it, and
 * of the same origin (scheme, host and port) as the API itself, so never plain http or another host.
 */
export function trustedNextPage(link: string, pageUrl: string, apiOrigin: string): string | null {
  let next: URL;
  try {
    next = new URL(link, pageUrl);
  } catch {
    return null;
  }
  return next.origin === apiOrigin ? next.href : null;
}
