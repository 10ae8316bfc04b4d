/**
 * The fetch wrapper every vendor client uses: per-attempt timeouts; retries with jittered
 * exponential backoff only for idempotent requests (a POST that creates something is never
 * retried blindly); 429 honoured with Retry-After (429 means the server discarded the request, so
 * it is retried whatever the method); vendor rate limits; counts per vendor; and errors that never
 * carry credentials, auth headers or bodies we sent.
 */
import { setMaxListeners } from 'node:events';
import { realClock, StoppedWaitingError, type Clock, type Priority, type RateLimiter } from './rate-limiter';
import { oneLine } from '../../domain/text';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Safe to repeat after an unknown outcome (a timeout, a reset, a 5xx). Defaults: GET/PUT/DELETE yes, POST/PATCH no. */
  idempotent?: boolean;
  /** Limiters to pass before each attempt (vendor-wide, per org, ...). */
  limiters?: readonly RateLimiter[];
  /** Admission order in those limiters when several requests wait: higher first (default 0). */
  priority?: Priority;
  /** Follow redirects by hand, re-sending headers (Umbrella's reporting 302 to a regional host). */
  followRedirects?: boolean;
  /**
   * What a 429 without Retry-After means for this request: how long the vendor's window takes to
   * turn over, and how many times to wait for it. The request's limiters are paused meanwhile, so
   * nothing else is sent into the full window. Default: a short backoff (at least 1 s), `retries` times.
   */
  rateLimit?: { waitMs: number | ((attempt: number) => number); retries: number };
  /** Where a redirect may lead (the headers, credentials included, go with it); default: anywhere https. */
  allowRedirect?: (target: URL) => boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  url: string;
}

/**
 * refused: this client would not send the request (e.g. a redirect to a host the credentials are not for);
 * too-large: the answer was bigger than any real one (see MAX_BODY_BYTES), so it was not read to its end.
 */
export type HttpErrorKind = 'timeout' | 'network' | 'status' | 'refused' | 'too-large';

/**
 * The most of an answer the client reads, decompressed. No vendor answer comes near it (a ConnectWise page
 * of 1,000 configurations with their questions is a few MB); past it, the body is a fault or an attack
 * (an endless stream, a gzip bomb), and reading on would take the tray and the schedule down with it.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A failed request. The message names the vendor, method, path and reason — never a secret. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly status: number | null,
    readonly responseText: string | null,
    /** True when the request may have been carried out although no answer came back. */
    readonly outcomeUnknown: boolean,
  ) {
    super(message);
  }
}

export interface HttpClientOptions {
  vendor: string;
  fetch: FetchLike;
  timeoutMs?: number;
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Turns an error response body into the vendor's own words, for messages. */
  describeError?: (status: number, text: string) => string | null;
  /** Whether a 5xx answer is worth retrying (default: all are). Autotask reports validation errors as 500. */
  isTransient?: (status: number, text: string, request: HttpRequest) => boolean;
  /** Told before each wait for a vendor's rate-limit window, with its length (for progress). */
  onRateLimitWait?: (ms: number, request: HttpRequest) => void;
  /** Whether an answer that is not a 429 means the same (Autotask's thread limit can come as a 500). */
  isRateLimited?: (status: number, text: string) => boolean;
  /** Once aborted, requests still waiting for a rate-limit window give up (StoppedWaitingError); those sent finish. */
  stopSignal?: AbortSignal;
  /** The largest answer read, decompressed (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
}

export interface HttpStats {
  /** Time during which some request waited for a vendor's rate-limit window after a 429 (overlapping waits count once). */
  rateLimitWaitMs: number;
  requests: number;
  attempts: number;
  retries: number;
  rateLimited: number;
  peakInFlight: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

function isIdempotent(request: HttpRequest): boolean {
  return request.idempotent ?? ['GET', 'PUT', 'DELETE'].includes(request.method);
}

/** Path only, without the query: queries can hold search terms, never needed in a message. */
export function describeUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

/** The host (and port) a request went to, for messages. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid address)';
  }
}

/** Why a connection failed, in words an administrator can act on: DNS, refused, TLS, reset, or the code. */
export function networkReason(error: unknown, host: string): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? (error instanceof Error ? error.message : 'unknown error');
  const name = host.replace(/:\d+$/, '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the name ${name} could not be resolved (DNS: ${code}); check the address and the network's DNS`;
  if (code === 'ECONNREFUSED') return `${host} refused the connection (ECONNREFUSED); check the address and port, and any firewall`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `the connection was reset (${code})`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `the connection timed out (${code}); check the network and any proxy`;
  // An https request to a server that speaks plain http (a http:// site, or the wrong port) is no certificate problem.
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || /wrong version number|packet length too long/i.test(cause?.message ?? '')) {
    return `${host} did not answer in TLS (${code}): it speaks plain http, or this is not its https port; check the address (https is required)`;
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) return `the TLS connection failed (${code}): the certificate of ${name} was not accepted; check the address, or a proxy that intercepts TLS`;
  return code;
}

/** Seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The body as text (UTF-8, as Response.text reads it), or null once it passes `limit` bytes; then the rest is not read. */
async function readBounded(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: the rest is never downloaded or inflated.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, attempts: 0, retries: 0, rateLimited: 0, peakInFlight: 0, rateLimitWaitMs: 0 };
  private inFlight = 0;
  /** Until when some request is waiting for a rate-limit window (ms). */
  private waitingUntil = Number.NEGATIVE_INFINITY;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    // Every request waiting for a rate-limit window listens to the stop signal until it is admitted (then
    // the listener is removed): many at once is the design, not a leak, so Node's warning at 11 is off for it.
    if (options.stopSignal) setMaxListeners(0, options.stopSignal);
  }

  get vendor(): string {
    return this.options.vendor;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    this.stats.requests++;
    const retries = this.options.retries ?? 4;
    const idempotent = isIdempotent(request);
    for (let attempt = 0; ; attempt++) {
      let failure: HttpError;
      let delay: number;
      try {
        const response = await this.attempt(request);
        if (response.status === 429 || (response.status >= 400 && this.options.isRateLimited?.(response.status, response.text) === true)) {
          this.stats.rateLimited++;
          failure = this.statusError(request, response);
          const policy = request.rateLimit;
          const policyWait = typeof policy?.waitMs === 'function' ? policy.waitMs(attempt) : policy?.waitMs;
          delay = retryAfterMs(response.headers.get('retry-after'), this.clock.now()) ?? policyWait ?? this.backoff(attempt, 1000);
          if (attempt < (policy?.retries ?? retries)) {
            this.stats.retries++;
            if (policy) for (const limiter of request.limiters ?? []) limiter.pauseFor(delay);
            this.noteRateLimitWait(delay, request);
            await this.clock.sleep(delay);
            continue;
          }
          throw failure;
        }
        const transient = response.status >= 500 && (this.options.isTransient?.(response.status, response.text, request) ?? true);
        if (transient && idempotent && attempt < retries) {
          this.stats.retries++;
          await this.clock.sleep(this.backoff(attempt));
          continue;
        }
        if (response.status >= 400) throw this.statusError(request, response);
        return response;
      } catch (error) {
        if (error instanceof StoppedWaitingError) throw error;
        if (error instanceof HttpError && (error.kind === 'status' || error.kind === 'refused' || error.kind === 'too-large')) throw error;
        failure = error instanceof HttpError ? error : this.networkError(request, error);
        if (!idempotent || attempt >= retries) throw failure;
        delay = this.backoff(attempt);
        this.stats.retries++;
        await this.clock.sleep(delay);
      }
    }
  }

  /**
   * Many requests wait for the same window at once: the time waited is the time during which any of them
   * waited (not their sum, which could exceed the run itself), and a wait is told once, when it begins.
   */
  private noteRateLimitWait(delay: number, request: HttpRequest): void {
    const start = this.clock.now();
    const end = start + delay;
    const fresh = start >= this.waitingUntil;
    this.stats.rateLimitWaitMs += Math.max(0, end - Math.max(start, this.waitingUntil));
    this.waitingUntil = Math.max(this.waitingUntil, end);
    if (fresh) this.options.onRateLimitWait?.(delay, request);
  }

  /** Full jitter: uniform in [0, min(max, base * 2^attempt)]. */
  private backoff(attempt: number, floorMs = 0): number {
    const base = this.options.baseDelayMs ?? 250;
    const max = this.options.maxDelayMs ?? 20_000;
    return Math.max(floorMs, Math.round(this.random() * Math.min(max, base * 2 ** attempt)));
  }

  private async attempt(request: HttpRequest): Promise<HttpResponse> {
    const limiters = request.limiters ?? [];
    const run = async () => {
      this.stats.attempts++;
      this.inFlight++;
      this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
      try {
        return await this.fetchFollowing(request);
      } finally {
        this.inFlight--;
      }
    };
    // Nest the limiters: each must admit the attempt.
    const guarded = limiters.reduceRight<() => Promise<HttpResponse>>((next, limiter) => () => limiter.run(next, request.priority ?? 0, this.options.stopSignal), run);
    return guarded();
  }

  private async fetchFollowing(request: HttpRequest): Promise<HttpResponse> {
    let url = request.url;
    for (let hop = 0; ; hop++) {
      const response = await this.fetchOnce({ ...request, url });
      if (!request.followRedirects || !REDIRECTS.has(response.status)) return response;
      const location = response.headers.get('location');
      if (!location || hop >= MAX_REDIRECTS) return response;
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && new URL(url).protocol === 'https:') {
        throw new HttpError(`${this.vendor}: refused a redirect from https to ${next.protocol} (${describeUrl(request.url)})`, 'refused', null, null, false);
      }
      if (request.allowRedirect && !request.allowRedirect(next)) {
        throw new HttpError(`${this.vendor} redirected ${request.method} ${describeUrl(request.url)} to ${next.protocol}//${next.host}, which is not ${this.vendor}'s: refused, and no credential was sent there`, 'refused', null, null, false);
      }
      url = next.href;
    }
  }

  private async fetchOnce(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const controller = new AbortController();
    const timer = setTimeout(() => { controller.abort(); }, timeoutMs);
    try {
      const init: RequestInit = { method: request.method, headers: request.headers ?? {}, signal: controller.signal, redirect: 'manual' };
      if (request.body !== undefined) init.body = request.body;
      const response = await this.options.fetch(request.url, init);
      const limit = this.options.maxBodyBytes ?? MAX_BODY_BYTES;
      const text = await readBounded(response, limit);
      if (text === null) {
        controller.abort();
        throw new HttpError(
          `${this.vendor} at ${hostOf(request.url)} sent an answer to ${request.method} ${describeUrl(request.url)} larger than ${String(Math.round(limit / 1024 / 1024))} MB (decompressed), far beyond any real one: it was not read further and not retried. A proxy or a fault on the way may be the cause.`,
          'too-large', response.status, null, true,
        );
      }
      return { status: response.status, headers: response.headers, text, url: request.url };
    } catch (error) {
      if (error instanceof HttpError) throw error;
      if (controller.signal.aborted) {
        throw new HttpError(
          `${this.vendor} at ${hostOf(request.url)} did not answer ${request.method} ${describeUrl(request.url)} within ${String(Math.round(timeoutMs / 1000))} s (timeout)`,
          'timeout', null, null, true,
        );
      }
      throw this.networkError(request, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private networkError(request: HttpRequest, error: unknown): HttpError {
    const host = hostOf(request.url);
    return new HttpError(
      `${this.vendor} could not be reached at ${host} for ${request.method} ${describeUrl(request.url)}: ${networkReason(error, host)}`,
      'network', null, null, true,
    );
  }

  private statusError(request: HttpRequest, response: HttpResponse): HttpError {
    const vendorWords = this.options.describeError?.(response.status, response.text) ?? null;
    // The vendor's own words, on one line and without escape sequences: they reach terminals and logs.
    const reason = vendorWords ? `: ${oneLine(vendorWords)}` : '';
    return new HttpError(
      `${this.vendor} answered ${String(response.status)} to ${request.method} ${describeUrl(request.url)}${reason}`,
      'status', response.status, response.text, response.status >= 500,
    );
  }
}
