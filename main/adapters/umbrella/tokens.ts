/**
 * Umbrella tokens, one cache per process shared by every engine (sync, ticket check, connection
 * test, customer overview): minting is limited to 20 a minute per API key, so a token minted for an
 * org is reused by whoever needs that org next, until five minutes before it expires. Entries are
 * keyed by the endpoint, the key and a hash of the secret, so changed credentials never reuse an old
 * token; `clear` drops everything when the credentials change.
 */
import { createHash } from 'node:crypto';
import { realClock, type Clock } from '../http/rate-limiter';

export type OrgKey = number | 'provider';

export interface MintedToken {
  token: string;
  /** How long it may be used from now (already shortened by the safety margin). */
  lifetimeMs: number;
}

export class UmbrellaTokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly minting = new Map<string, { token: Promise<string>; priority: number }>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock = realClock,
    /** Told of every token minted and how long it lives (the log redaction removes it from every line until it expires). */
    private readonly onToken?: (token: string, lifetimeMs: number) => void,
  ) {}

  /** Which credentials a token belongs to, without keeping the secret itself in the key. */
  static owner(baseUrl: string, apiKey: string, apiSecret: string): string {
    return createHash('sha256').update(`${baseUrl}\n${apiKey}\n${apiSecret}`).digest('hex').slice(0, 32);
  }

  /**
   * A valid cached token, or the one being minted for the same org, or a new one from `mint`. A mint
   * still waiting for the key's window rises to the highest priority of those waiting for it.
   */
  get(owner: string, org: OrgKey, mint: (priority: () => number) => Promise<MintedToken>, priority = 0): Promise<string> {
    const key = `${owner}:${String(org)}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.clock.now()) return Promise.resolve(cached.token);
    const pending = this.minting.get(key);
    if (pending) {
      pending.priority = Math.max(pending.priority, priority);
      return pending.token;
    }
    const entry = { token: Promise.resolve(''), priority };
    entry.token = mint(() => entry.priority).then(({ token, lifetimeMs }) => {
      this.onToken?.(token, lifetimeMs);
      this.sweep();
      this.tokens.set(key, { token, expiresAt: this.clock.now() + lifetimeMs });
      return token;
    }).finally(() => this.minting.delete(key));
    this.minting.set(key, entry);
    return entry.token;
  }

  /** Forgets expired tokens (of orgs no longer asked for, or of credentials replaced), at most once a minute. */
  private sweep(): void {
    const now = this.clock.now();
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [key, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(key);
  }

  /** The token was refused (expired early, revoked): the next request mints a new one. */
  drop(owner: string, org: OrgKey): void {
    this.tokens.delete(`${owner}:${String(org)}`);
  }

  /** The credentials changed: no token minted with the old ones is used again. */
  clear(): void {
    this.tokens.clear();
  }

  get size(): number {
    return this.tokens.size;
  }
}
