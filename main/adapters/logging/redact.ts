/**
 * The one redaction step: every saved secret value and every token the app minted is removed from a
 * log line or an error message before it is written, shown or sent over IPC. A value is found as it
 * is, JSON-escaped, URL-encoded, inside the Basic header it goes into, and in pieces where a NUL
 * inside it would have cut the text short. Bearer and Basic credentials are removed whatever they are.
 *
 * It runs for months: the saved credentials are a handful of values in one pattern, but tokens are
 * minted by the thousand (one per customer per sync). A token is looked up, not added to the pattern,
 * so a line costs the same however many were ever minted; and it is forgotten once it has expired.
 */
export const REDACTED = '[redacted]';

/** Pieces shorter than this are not secrets worth matching (and would redact ordinary words). */
const MIN_LENGTH = 4;
/** A token is remembered this long past its lifetime: a late log line about a request made with it. */
const TOKEN_GRACE_MS = 15 * 60_000;
/** Used when the lifetime is not known (Umbrella's tokens live an hour). */
const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;
/** Expired tokens are swept at most this often. */
const SWEEP_EVERY_MS = 60_000;
/** A last bound, whatever the clock does: the oldest tokens beyond it are forgotten first. */
export const MAX_TOKENS = 50_000;
/** The characters of a bearer token (JWT and base64url): such a token is found by lookup. */
const TOKEN_ALPHABET = /^[A-Za-z0-9._~-]+$/;
const TOKEN_RUN = /[A-Za-z0-9._~-]{16,}/g;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every form a value may take in a line: as is, JSON-escaped, URL-encoded, and its pieces around a NUL. */
const formsOf = (value: string) => [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), ...value.split('\0')].filter((form) => form.length >= MIN_LENGTH);

export class Redactor {
  /** Saved credentials (and tokens of another shape), in one pattern: a few values, rebuilt when they change. */
  private readonly values = new Map<string, number>();
  private pattern: RegExp | null = null;
  /** Bearer tokens, until they may be forgotten (ms). */
  private readonly tokens = new Map<string, number>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Secret values (credentials as saved); a pair of user and secret also as their Basic header. Kept for the life of the process. */
  addSecrets(values: readonly string[], basicPairs: readonly (readonly [string, string])[] = []): void {
    for (const value of values) this.addValue(value, Number.POSITIVE_INFINITY);
    for (const [user, secret] of basicPairs) this.addValue(Buffer.from(`${user}:${secret}`).toString('base64'), Number.POSITIVE_INFINITY);
  }

  /** A token the app minted or received (Umbrella bearer tokens), remembered until it has expired. */
  addToken(token: string, lifetimeMs = DEFAULT_TOKEN_LIFETIME_MS): void {
    const forgetAt = this.now() + lifetimeMs + TOKEN_GRACE_MS;
    if (TOKEN_ALPHABET.test(token) && token.length >= 16) {
      this.tokens.delete(token);
      this.tokens.set(token, forgetAt);
      if (this.tokens.size > MAX_TOKENS) {
        const oldest = this.tokens.keys().next();
        if (!oldest.done) this.tokens.delete(oldest.value);
      }
    } else {
      this.addValue(token, forgetAt);
    }
    this.sweep();
  }

  /** How many tokens and values it holds now (for the soak and the tests: it must not grow with time). */
  get remembered(): { tokens: number; values: number } {
    return { tokens: this.tokens.size, values: this.values.size };
  }

  redact(text: string): string {
    this.sweep();
    this.pattern ??= this.values.size === 0 ? null : new RegExp([...this.values.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    let known = this.pattern ? text.replace(this.pattern, REDACTED) : text;
    if (this.tokens.size > 0) known = known.replace(TOKEN_RUN, (run) => (this.tokens.has(run) ? REDACTED : run));
    return known
      .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
      .replace(/\b(access_token|client_secret|password|secret|privateKey|private_key)(["']?\s*[:=]\s*["']?)[^\s"',&}]+/gi, `$1$2${REDACTED}`);
  }

  private addValue(value: string, forgetAt: number): void {
    for (const form of formsOf(value)) {
      const known = this.values.get(form);
      if (known === undefined) this.pattern = null;
      this.values.set(form, Math.max(known ?? Number.NEGATIVE_INFINITY, forgetAt));
    }
  }

  /** Forgets what has expired, at most once a minute. */
  private sweep(): void {
    const now = this.now();
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [token, forgetAt] of this.tokens) if (forgetAt <= now) this.tokens.delete(token);
    for (const [value, forgetAt] of this.values) {
      if (forgetAt <= now) {
        this.values.delete(value);
        this.pattern = null;
      }
    }
  }
}
