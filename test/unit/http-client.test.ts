import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, HttpError, MAX_BODY_BYTES, retryAfterMs } from '../../main/adapters/http/client';
import { RateLimiter } from '../../main/adapters/http/rate-limiter';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void;
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real loopback server answering with `handler`; returns its URL and the requests it saw. */
async function serve(handler: Handler) {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, seen.length);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, seen };
}

const noWait = { now: () => Date.now(), sleep: () => Promise.resolve() };
function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
  return new HttpClient({ vendor: 'TestVendor', fetch: (u, i) => fetch(u, i), clock: noWait, retries: 3, ...extra });
}

describe('HttpClient', () => {
  it('retries an idempotent GET after 5xx and connection resets, then succeeds', async () => {
    const { url, seen } = await serve((req, res, hit) => {
      if (hit === 1) { req.socket.destroy(); return; }
      if (hit === 2) { res.writeHead(503).end(); return; }
      res.writeHead(200).end('ok');
    });
    const c = client();
    const response = await c.send({ method: 'GET', url: `${url}/x` });
    expect(response.text).toBe('ok');
    expect(seen).toHaveLength(3);
    expect(c.stats).toMatchObject({ requests: 1, attempts: 3, retries: 2 });
  });

  it('never retries a creating POST whose outcome is unknown, and says so', async () => {
    const { url, seen } = await serve((req) => { req.socket.destroy(); });
    const error = await client().send({ method: 'POST', url: `${url}/tickets`, body: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).outcomeUnknown).toBe(true);
    expect((error as HttpError).message).toMatch(/^TestVendor could not be reached at 127\.0\.0\.1:\d+ for POST \/tickets: the connection was reset/);
    expect(seen).toHaveLength(1);
  });

  it('does not retry a POST that got a 500 either', async () => {
    const { url, seen } = await serve((_req, res) => { res.writeHead(500).end('{"message":"boom"}'); });
    await expect(client().send({ method: 'POST', url: `${url}/tickets` })).rejects.toMatchObject({ status: 500, outcomeUnknown: true });
    expect(seen).toHaveLength(1);
  });

  it('retries a 429 (the server discarded the request) honouring Retry-After, even for POST', async () => {
    const slept: number[] = [];
    const { url, seen } = await serve((_req, res, hit) => {
      if (hit === 1) { res.writeHead(429, { 'Retry-After': '7' }).end(); return; }
      res.writeHead(201).end('{}');
    });
    const c = client({ clock: { now: () => Date.now(), sleep: (ms) => { slept.push(ms); return Promise.resolve(); } } });
    await c.send({ method: 'POST', url: `${url}/tickets` });
    expect(seen).toHaveLength(2);
    expect(slept).toEqual([7000]);
    expect(c.stats.rateLimited).toBe(1);
  });

  it('gives up after the retry budget with the vendor words in the message', async () => {
    const { url, seen } = await serve((_req, res) => { res.writeHead(429).end('{"message":"Too many requests"}'); });
    const c = client({ describeError: (_s, text) => (JSON.parse(text) as { message: string }).message });
    await expect(c.send({ method: 'GET', url: `${url}/a?q=1` })).rejects.toThrow('TestVendor answered 429 to GET /a: Too many requests');
    expect(seen).toHaveLength(4);
  });

  it('times out a hung request, retrying it only if idempotent', async () => {
    const { url, seen } = await serve(() => { /* never answers */ });
    const c = client({ timeoutMs: 100, retries: 1 });
    await expect(c.send({ method: 'GET', url: `${url}/slow` })).rejects.toThrow(/did not answer GET \/slow within 0 s/);
    expect(seen).toHaveLength(2);
    await expect(c.send({ method: 'POST', url: `${url}/slow` })).rejects.toMatchObject({ kind: 'timeout', outcomeUnknown: true });
    expect(seen).toHaveLength(3);
  });

  it('follows a cross-host redirect by hand and re-sends the Authorization header', async () => {
    const regional = await serve((req, res) => {
      res.writeHead(req.headers.authorization === 'Bearer t0k3n' ? 200 : 401).end(req.url ?? '');
    });
    const regionalOnOtherHost = regional.url.replace('127.0.0.1', 'localhost');
    const { url } = await serve((req, res) => { res.writeHead(302, { Location: `${regionalOnOtherHost}${req.url ?? ''}` }).end(); });
    const response = await client().send({ method: 'GET', url: `${url}/reports/v2/x?from=1`, headers: { Authorization: 'Bearer t0k3n' }, followRedirects: true });
    expect(response.status).toBe(200);
    expect(response.text).toBe('/reports/v2/x?from=1');
  });

  it('never puts headers, query strings or bodies into error messages', async () => {
    const { url } = await serve((_req, res) => { res.writeHead(401).end(); });
    const error = (await client().send({ method: 'POST', url: `${url}/auth?key=SECRETQ`, headers: { Authorization: 'Basic U0VDUkVU' }, body: 'secret=SECRETB' }).catch((e: unknown) => e)) as HttpError;
    expect(error.message).toBe('TestVendor answered 401 to POST /auth');
    expect(`${error.message} ${String(error.stack)}`).not.toMatch(/SECRET|U0VDUkVU/);
  });

  it('an endless answer is cut at the size cap, failed clearly and not retried', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const pump = () => { while (res.write(chunk)) { /* until the socket pushes back */ } };
      res.on('drain', pump);
      res.on('close', () => { res.off('drain', pump); });
      pump();
    });
    const error = await client().send({ method: 'GET', url: `${url}/endless` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).kind).toBe('too-large');
    expect((error as HttpError).message).toMatch(/TestVendor at 127\.0\.0\.1:\d+ sent an answer to GET \/endless larger than 32 MB \(decompressed\).*not retried/);
    expect(seen).toHaveLength(1);
  });

  it('a gzip bomb (1.5 MB that inflates to 1.5 GB) is cut at the cap, decompressed bytes counted, and not retried', async () => {
    // Gzip members may follow one another: 150 copies of 10 MB of zeros, each about 10 KB compressed.
    const member = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 150 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const { url, seen } = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(bomb.length) });
      res.end(bomb);
    });
    const before = process.memoryUsage().rss;
    const error = await client().send({ method: 'PUT', url: `${url}/bomb`, body: '{}' }).catch((e: unknown) => e);
    expect((error as HttpError).kind).toBe('too-large');
    expect(seen).toHaveLength(1);
    // What was read stayed near the cap: nowhere near the 1.5 GB the answer inflates to.
    expect(process.memoryUsage().rss - before).toBeLessThan(8 * MAX_BODY_BYTES);
  });

  it('many requests waiting for a rate-limit window on one stop signal put no MaxListenersExceededWarning in the log', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => { warnings.push(warning.name); };
    process.on('warning', onWarning);
    try {
      const { url } = await serve((_req, res) => { res.writeHead(200).end('{}'); });
      const stop = new AbortController();
      const limiter = new RateLimiter([], 1);
      const http = client({ stopSignal: stop.signal });
      await Promise.all(Array.from({ length: 30 }, (_, i) => http.send({ method: 'GET', url: `${url}/${String(i)}`, limiters: [limiter] })));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ten requests waiting for the same rate-limit window: the wait is counted and told once, not ten times', async () => {
    const first = new Set<string>();
    const { url } = await serve((req, res) => {
      if (first.has(req.url ?? '')) { res.writeHead(200).end('{}'); return; }
      first.add(req.url ?? '');
      res.writeHead(429).end('{}');
    });
    const told: number[] = [];
    const http = client({ onRateLimitWait: (ms) => { told.push(ms); } });
    await Promise.all(Array.from({ length: 10 }, (_, i) => http.send({ method: 'GET', url: `${url}/${String(i)}`, rateLimit: { waitMs: 1_000, retries: 1 } })));
    expect(told).toEqual([1_000]);
    expect(http.stats.rateLimitWaitMs).toBeGreaterThanOrEqual(1_000);
    expect(http.stats.rateLimitWaitMs).toBeLessThan(2_000);
  });

  it('an https request to a plain-http server is said as such, not as a certificate that was not accepted', async () => {
    const { url } = await serve((_req, res) => { res.writeHead(200).end('{}'); });
    const error = await client({ retries: 0 }).send({ method: 'GET', url: `${url.replace('http:', 'https:')}/x` }).catch((e: unknown) => e);
    expect((error as HttpError).message).toMatch(/127\.0\.0\.1:\d+ did not answer in TLS \(ERR_SSL_WRONG_VERSION_NUMBER\): it speaks plain http, or this is not its https port/);
    expect((error as HttpError).message).not.toMatch(/certificate/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
    expect(retryAfterMs(null, 0)).toBeNull();
  });
});
