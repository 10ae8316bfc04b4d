/**
 * The one redaction step: every saved secret value and every token the app minted is removed from a
 * log line or an error message before it is written, shown or sent over IPC. A value is found as it
 * is, JSON-escaped, URL-encoded, inside the Basic header it goes into, and in pieces where a NUL
 * inside it would have cut the text short. Bearer and Basic credentials are removed whatever they are.
 */
export const REDACTED = '[redacted]';

/** Pieces shorter than this are not secrets worth matching (and would redact ordinary words). */
const MIN_LENGTH = 4;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redactor {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  /** Secret values (credentials as saved); a pair of user and secret also as their Basic header. */
  addSecrets(values: readonly string[], basicPairs: readonly (readonly [string, string])[] = []): void {
    for (const value of values) this.add(value);
    for (const [user, secret] of basicPairs) this.add(Buffer.from(`${user}:${secret}`).toString('base64'));
  }

  /** A token the app minted or received (Umbrella bearer tokens). */
  addToken(token: string): void {
    this.add(token);
  }

  redact(text: string): string {
    this.pattern ??= this.values.size === 0 ? null : new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    const known = this.pattern ? text.replace(this.pattern, REDACTED) : text;
    return known
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
      .replace(/\b(access_token|client_secret|password|secret|privateKey|private_key)(["']?\s*[:=]\s*["']?)[^\s"',&}]+/gi, `$1$2${REDACTED}`);
  }

  private add(value: string): void {
    const forms = [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...value.split('\0')];
    for (const form of forms) {
      if (form.length >= MIN_LENGTH && !this.values.has(form)) {
        this.values.add(form);
        this.pattern = null;
      }
    }
  }
}
