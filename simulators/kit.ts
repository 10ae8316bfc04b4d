/**
 * The shared core of the vendor simulators: a loopback HTTP server with a tiny router, fault
 * injection, sliding-window rate limits and a record of every exchange (so tests can check each
 * request and response against the vendor's OpenAPI document, and count what was sent).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom, type Random } from './random';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The parsed JSON body, or undefined when there is none or it is not JSON. */
  body: unknown;
  params: Record<string, string>;
  host: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` as is (a string) instead of JSON. */
  raw?: boolean;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Exchange {
  vendor: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  requestBody: unknown;
  rawRequestBody: string;
  status: number;
  responseBody: unknown;
  /** True when the simulator itself produced the answer as a fault (not the vendor's behaviour). */
  injected: boolean;
  /** When the request arrived (performance.now(), comparable across the simulators of one process). */
  receivedAt: number;
}

export interface Faults {
  /** Added to every response. */
  latencyMs: number;
  /** Up to this much more, at random per request (networks do not deliver in lockstep). */
  latencyJitterMs?: number;
  /** Probability of a 500 answer instead of handling the request. */
  errorRate: number;
  /** Probability of resetting the connection without an answer. */
  resetRate: number;
  /** The next N requests get 429. */
  rateLimitBurst: number;
  /** The next N creating requests (POST) are carried out, then the connection is dropped. */
  dropCreateResponses: number;
  /** The next N creating requests (POST) are carried out and never answered (the client waits until it gives up or is killed). */
  holdCreateResponses?: number;
}

export const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, resetRate: 0, rateLimitBurst: 0, dropCreateResponses: 0 };

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: SimHandler;
}

/** Sliding-window counters keyed by bucket (API key, org, ...). */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Records a hit unless a window is full; returns the seconds to wait when it is. */
  take(bucket: string, windows: readonly { limit: number; ms: number }[]): number | null {
    const now = this.now();
    const longest = Math.max(0, ...windows.map((w) => w.ms));
    const list = (this.hits.get(bucket) ?? []).filter((t) => t > now - longest);
    for (const window of windows) {
      const inWindow = list.filter((t) => t > now - window.ms);
      if (inWindow.length >= window.limit) {
        const oldest = inWindow[inWindow.length - window.limit] ?? now;
        this.hits.set(bucket, list);
        return Math.max(1, Math.ceil((oldest + window.ms - now) / 1000));
      }
    }
    list.push(now);
    this.hits.set(bucket, list);
    return null;
  }
}

export function json(status: number, body: unknown, headers?: Record<string, string>): SimResponse {
  return headers ? { status, body, headers } : { status, body };
}

export class SimServer {
  readonly exchanges: Exchange[] = [];
  /** Keep a record of every exchange (tests); a benchmark turns it off to measure the client, not the recorder. */
  recordExchanges = true;
  /** How many answers of each status were given (0: connection dropped), recorded or not: the soak counts 429s. */
  readonly statusCounts = new Map<number, number>();
  /** Of those, the answers injected as faults (not the vendor's limits or rules). */
  readonly injectedStatusCounts = new Map<number, number>();
  faults: Faults = { ...NO_FAULTS };
  private readonly routes: Route[] = [];
  private server: http.Server | null = null;
  private readonly random: Random;
  private baseUrl = '';

  private readonly caseInsensitive: boolean;
  /** The body of an injected 5xx, in the vendor's own error format. */
  private readonly faultBody: (status: number) => unknown;
  /** Targeted faults: the next `times` requests matching `path` (and `method`) get `status`. */
  private readonly targeted: { method?: string; path: RegExp; status: number; times: number }[] = [];
  /** Vendors differ in how they say "no such path" (Autotask: an IIS HTML page). */
  private readonly notFound: SimHandler | undefined;

  /** Headers of an injected 429 (Umbrella sends no Retry-After). */
  private readonly rateLimitHeaders: Record<string, string>;

  constructor(
    readonly vendor: string,
    options: { seed?: number; caseInsensitivePaths?: boolean; notFound?: SimHandler; rateLimitHeaders?: Record<string, string>; faultBody?: (status: number) => unknown } = {},
  ) {
    this.random = seededRandom(options.seed ?? 1);
    this.rateLimitHeaders = options.rateLimitHeaders ?? { 'Retry-After': '1' };
    this.faultBody = options.faultBody ?? (() => ({ message: 'Internal server error (simulated)' }));
    this.caseInsensitive = options.caseInsensitivePaths ?? false;
    this.notFound = options.notFound;
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.vendor} simulator is not started`);
    return this.baseUrl;
  }

  /** Registers a route; `{name}` segments become params. */
  on(method: string, template: string, handler: SimHandler): void {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`, this.caseInsensitive ? 'i' : ''), names, handler });
  }

  setFaults(faults: Partial<Faults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
    this.targeted.length = 0;
  }

  /** The next `times` requests to a matching path answer `status` (with the vendor's error body). */
  failNext(path: RegExp, options: { status?: number; times?: number; method?: string } = {}): void {
    this.targeted.push({ path, status: options.status ?? 500, times: options.times ?? 1, ...(options.method ? { method: options.method } : {}) });
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => {
      void this.dispatch(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${String(address.port)}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body,
      params: {},
      host: req.headers.host ?? '',
    };
    const record = (status: number, responseBody: unknown, injected: boolean) => {
      this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
      if (injected) this.injectedStatusCounts.set(status, (this.injectedStatusCounts.get(status) ?? 0) + 1);
      if (!this.recordExchanges) return;
      this.exchanges.push({
        vendor: this.vendor,
        method: request.method,
        path: request.path,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        requestBody: body ?? (rawBody || undefined),
        rawRequestBody: rawBody,
        status,
        responseBody,
        injected,
        receivedAt,
      });
    };

    const faults = this.faults;
    const latency = faults.latencyMs + (faults.latencyJitterMs ? this.random() * faults.latencyJitterMs : 0);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    if (faults.resetRate > 0 && this.random() < faults.resetRate) {
      record(0, undefined, true);
      req.socket.destroy();
      return;
    }
    if (faults.rateLimitBurst > 0) {
      faults.rateLimitBurst--;
      const answer = { message: 'Too many requests (simulated burst)' };
      record(429, answer, true);
      res.writeHead(429, { 'Content-Type': 'application/json', ...this.rateLimitHeaders }).end(JSON.stringify(answer));
      return;
    }
    const target = this.targeted.find((t) => t.times > 0 && t.path.test(request.path) && (t.method === undefined || t.method === request.method));
    const status = target ? target.status : faults.errorRate > 0 && this.random() < faults.errorRate ? 500 : null;
    if (status !== null) {
      if (target) target.times--;
      const answer = this.faultBody(status);
      record(status, answer, true);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
      return;
    }

    const response = await this.route(request);
    // Reads that are POSTs (Autotask queries, token requests) create nothing: they are not affected.
    const creates = request.method === 'POST' && !/\/query(\/next|\/count)?$/i.test(request.path) && !request.path.endsWith('/token');
    if (creates && response.status < 300 && faults.dropCreateResponses > 0) {
      faults.dropCreateResponses--;
      record(0, response.body, true);
      req.socket.destroy();
      return;
    }
    if (creates && response.status < 300 && (faults.holdCreateResponses ?? 0) > 0) {
      faults.holdCreateResponses = (faults.holdCreateResponses ?? 1) - 1;
      record(0, response.body, true);
      return;
    }
    record(response.status, response.body, false);
    const headers: Record<string, string> = { ...response.headers };
    if (response.body === undefined) {
      res.writeHead(response.status, headers).end();
    } else if (response.raw) {
      const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
      res.writeHead(response.status, { 'Content-Type': 'text/html', ...headers }).end(text);
    } else {
      res.writeHead(response.status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(response.body));
    }
  }

  private async route(request: SimRequest): Promise<SimResponse> {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      request.params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      try {
        return await route.handler(request);
      } catch (error) {
        return json(500, { message: `simulator error: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
    if (pathMatched) return json(405, { message: 'Method not allowed' });
    return this.notFound?.(request) ?? json(404, { message: 'Not found' });
  }
}

/** A simulator served by one SimServer: address, lifecycle and recorded exchanges. */
export abstract class HostedSimulator {
  abstract readonly server: SimServer;

  get url(): string {
    return this.server.url;
  }

  get exchanges(): Exchange[] {
    return this.server.exchanges;
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
