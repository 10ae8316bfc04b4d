/**
 * One soak: the service as a real child process on simulated time, against the simulators with every
 * limit on, for `days` simulated days, with faults on chosen days (429 and 5xx bursts, a six-hour
 * Umbrella outage, the machine asleep for ten hours in the middle of a sync, SIGKILL in the middle of
 * a sync and a restart 90 minutes later). One line per day; at the end the verdict figures.
 *
 * The clock: the child's Date runs at real speed and jumps over idle hours (soak-clock.ts); the
 * simulators' data clock follows the same jumps. Umbrella's rate-limit windows (and Autotask's) are
 * compressed by `scale` in the client and the simulators alike, as in `npm run bench`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PsaKind } from '../preload/contract';
import { demoMappings, DEMO_TICKETING } from '../main/app/demo';
import { defaultLogDir } from '../main/adapters/logging/file-log';
import { memoryLogger } from '../main/adapters/logging/logger';
import { PRODUCT_NAME } from '../main/adapters/store/paths';
import { accountName } from '../main/adapters/store/secrets';
import { openSettingsStore } from '../main/adapters/store/settings';
import { openStateStore, STATE_DATABASE } from '../main/adapters/store/state-database';
import { CREDENTIAL_FIELDS } from '../preload/contract';
import { DEMO_CREDENTIALS, DEMO_MATERIAL_BILLING_CODE, startDemoSimulators, type DemoSimulators } from '../simulators/demo';
import type { SimServer } from '../simulators/kit';
import { DAY, FOUR_HOURS, HOUR } from '../simulators/seed';
import { offsetClock } from './soak-clock';
import type { ChildMessage, DayFigures, ParentMessage } from './soak-protocol';
import { bytesUnder, plantHits, psaFindings, secretsIn } from './soak-world';

export interface SoakOptions {
  kind: PsaKind;
  n: number;
  /** 00:00 UTC of the first simulated day. */
  startMs: number;
  days: number;
  /** Compression of the vendors' rate-limit windows. */
  scale: number;
  /** Days (1-based) whose sync is cut by SIGKILL halfway; the service starts again 90 minutes later. */
  killDays: readonly number[];
  /** The day whose sync is interrupted by ten hours of sleep. */
  sleepDay: number | null;
  /** The day with Umbrella down from 02:00 to 08:00 UTC. */
  outageDay: number | null;
  /** Days on which every vendor answers the first 8 requests of the day with 429. */
  rateLimitDays: readonly number[];
  /** Days on which 3% of all requests get a 500. */
  serverErrorDays: readonly number[];
  latencyMs?: number;
  /** Where the per-day lines go. */
  say: (line: string) => void;
}

export interface DayLine extends DayFigures {
  index: number;
  /** Which life of the service process (1 + kills so far) measured it, and its day in that life. */
  life: number;
  lifeDay: number;
  logBytes: number;
  stateBytes: number;
  tokens: number;
  rateLimited: number;
  /** Of those, the vendors' limits' own (not an injected burst): Umbrella's and the PSA's. */
  rateLimitedByLimits: { umbrella: number; psa: number };
  failedCustomers: number;
  failedRuns: number;
  events: string[];
}

export interface SoakVerdict {
  days: number;
  n: number;
  psa: PsaKind;
  /** % from the first days of the last process's life to the last days (regular days, medians: see comparedDays). */
  rssGrowth: number;
  /** % CPU per day (one sync and six checks) over the same days. */
  cpuGrowth: number;
  duplicates: number;
  lostWindows: number;
  secretsInLogs: number;
  kills: number;
  tickets: number;
  notes: number;
  maxLogBytes: number;
  maxStateBytes: number;
  stateWrittenPerDay: number;
  /** See stateGrowthAfterRetention. */
  stateGrowth: number;
  warnings: string[];
  /** The service ended on its own. */
  problems: string[];
  /** The first duplicates and secrets found, by name. */
  details: string[];
  wallSeconds: number;
}

const OUTAGE_FROM = 2 * HOUR;
const OUTAGE_MS = 6 * HOUR;
const SLEEP_MS = 10 * HOUR;
const RESTART_AFTER_MS = 90 * 60_000;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** A settings folder as `configure` leaves it, and systemd's credentials folder with the demo keys. */
function prepareFolders(demo: DemoSimulators, kind: PsaKind): { dataDir: string; credentialsDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'upsa-soak-'));
  const dataDir = path.join(root, 'data');
  const credentialsDir = path.join(root, 'credentials');
  fs.mkdirSync(credentialsDir, { mode: 0o700 });
  for (const credential of ['umbrella', kind] as const) {
    for (const field of CREDENTIAL_FIELDS[credential]) {
      fs.writeFileSync(path.join(credentialsDir, accountName(credential, field)), (DEMO_CREDENTIALS[credential] as Record<string, string>)[field] ?? '', { mode: 0o600 });
    }
  }
  openSettingsStore({ dir: dataDir, log: memoryLogger() }).update({
    psa: { kind }, connectwise: { site: demo.urls.connectwiseSite }, autotask: { materialBillingCodeId: DEMO_MATERIAL_BILLING_CODE },
    endpoints: { umbrellaBaseUrl: demo.urls.umbrella, autotaskDiscoveryUrl: demo.urls.autotaskDiscovery },
    ticketing: DEMO_TICKETING, schedule: { syncEnabled: true, ticketsEnabled: true, paused: false },
    // As an MSP's mapping ages: a few customers whose company has gone inactive since (they fail every run).
    mappings: demoMappings(demo, kind, { keepInactive: true }),
    // Short enough that the soak sees the run history and the audit trail pruned, and the database stop growing.
    history: { retentionDays: SOAK_HISTORY_DAYS },
  });
  return { dataDir, credentialsDir };
}

/** The runs of one day as the state file has them: customers that failed (apart from those the seed makes fail by design) and runs that failed whole. */
function failuresOn(dataDir: string, day: string): { customers: number; runs: number } {
  const state = openStateStore({ dir: dataDir, log: memoryLogger(), readOnly: true });
  try {
    const runs = state.get().runs.filter((r) => r.startedAt.startsWith(day) && !r.dryRun);
    const byDesign = (reason: string) => /inactive|could not be ticketed/i.test(reason);
    return {
      customers: runs.reduce((sum, r) => sum + r.problems.filter((p) => p.status === 'failed' && !byDesign(p.reason ?? '')).length, 0),
      runs: runs.filter((r) => r.error !== undefined && r.stopped !== true).length,
    };
  } finally {
    state.close();
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakVerdict> {
  const wallStart = performance.now();
  const { kind, n, startMs, days, scale } = options;
  const endMs = startMs + days * DAY;
  const clock = offsetClock(startMs, () => Date.now());
  const tokens = new Set<string>();
  let minted = 0;
  /** Actions for the middle of a sync (the kill, the sleep): each runs once its moment has come. */
  const armed: { due: () => boolean; action: () => void }[] = [];
  const fireDue = () => {
    for (const entry of armed.filter((a) => a.due())) {
      armed.splice(armed.indexOf(entry), 1);
      entry.action();
    }
  };
  const watch = setInterval(fireDue, 5);
  const demo = await startDemoSimulators({
    customers: n, anchor: startMs - 3 * DAY, historyDays: 33, botnetShare: 1e-9, rateLimits: true, limitScale: scale,
    faults: { latencyMs: options.latencyMs ?? 5 }, recordExchanges: false, now: () => clock.now(),
    // The vendors' windows turn over while the machine sleeps, as the client's do: both on the jumping clock.
    limitsNow: () => clock.now(),
    onTokenIssued: (token) => {
      tokens.add(token);
      minted++;
      fireDue();
    },
  });
  const servers = [demo.umbrella.server, demo.connectwise.server, demo.autotask.server];
  const configurationsInPsa = () => (kind === 'connectwise' ? demo.connectwise.configurations.length : demo.autotask.configurationItems.length);
  const rateLimitedSoFar = () => servers.reduce((sum, s) => sum + (s.statusCounts.get(429) ?? 0), 0);
  const limitedByLimits = (server: SimServer) => (server.statusCounts.get(429) ?? 0) - (server.injectedStatusCounts.get(429) ?? 0);
  const byLimitsSoFar = () => ({ umbrella: limitedByLimits(demo.umbrella.server), psa: limitedByLimits(kind === 'connectwise' ? demo.connectwise.server : demo.autotask.server) });
  const { dataDir, credentialsDir } = prepareFolders(demo, kind);
  const logDir = defaultLogDir(dataDir, PRODUCT_NAME);
  const planted = plantHits(demo, kind, demoMappings(demo, kind, { keepInactive: true }), startMs, endMs);
  if (process.env.SOAK_DEBUG) for (const hit of planted) options.say(`  planted ${String(hit.orgId)}/${String(hit.identityId)} in ${new Date(hit.window).toISOString()}`);
  const lines: DayLine[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  let life = 0;
  let lifeDay = 0;
  let kills = 0;
  let dayTokens = 0;
  let day429 = 0;
  let dayByLimits = { umbrella: 0, psa: 0 };
  let dayEvents: string[] = [];
  let faultDay = -1;
  let child: ChildProcess | null = null;
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });

  const dayIndexOf = (ms: number) => Math.floor((ms - startMs) / DAY) + 1;

  /** The faults of the simulated moment the clock moves to. */
  const applyFaults = (to: number) => {
    const index = dayIndexOf(to);
    const inOutage = options.outageDay !== null && to >= startMs + (options.outageDay - 1) * DAY + OUTAGE_FROM && to < startMs + (options.outageDay - 1) * DAY + OUTAGE_FROM + OUTAGE_MS;
    const errorRate = options.serverErrorDays.includes(index) ? 0.03 : 0;
    for (const server of servers) server.setFaults({ errorRate });
    if (inOutage) {
      demo.umbrella.server.setFaults({ errorRate: 1 });
      if (!dayEvents.includes('outage')) dayEvents.push('outage');
    }
    if (index !== faultDay) {
      faultDay = index;
      if (options.rateLimitDays.includes(index)) {
        for (const server of servers) server.setFaults({ rateLimitBurst: 8 });
        dayEvents.push('429 burst');
      }
      if (errorRate > 0) dayEvents.push('5xx 3%');
    }
  };

  const closeDay = (figures: DayFigures) => {
    lifeDay++;
    const failures = failuresOn(dataDir, figures.day);
    const byLimits = byLimitsSoFar();
    // The database with its write-ahead log and shared-memory index: what the state takes on disk.
    const stateBytes = ['', '-wal', '-shm'].reduce((sum, suffix) => {
      const file = path.join(dataDir, `${STATE_DATABASE}${suffix}`);
      return sum + (fs.existsSync(file) ? fs.statSync(file).size : 0);
    }, 0);
    const line: DayLine = {
      ...figures, index: dayIndexOf(Date.parse(`${figures.day}T00:00:00Z`)), life, lifeDay,
      logBytes: bytesUnder(logDir), stateBytes,
      tokens: minted - dayTokens, rateLimited: rateLimitedSoFar() - day429,
      rateLimitedByLimits: { umbrella: byLimits.umbrella - dayByLimits.umbrella, psa: byLimits.psa - dayByLimits.psa }, failedCustomers: failures.customers, failedRuns: failures.runs, events: dayEvents,
    };
    dayTokens = minted;
    day429 = rateLimitedSoFar();
    dayByLimits = byLimits;
    dayEvents = [];
    lines.push(line);
    options.say([
      `day ${String(line.index).padStart(2)} ${line.day}`, `rss ${line.rssMb.toFixed(1)} MB`, `heap ${line.heapMb.toFixed(1)} of ${line.heapTotalMb.toFixed(1)} MB`, `external ${line.externalMb.toFixed(1)} MB`,
      `loop p99 ${line.loopP99Ms.toFixed(0)} ms`, `cpu ${line.cpuMs.toFixed(0)} ms`, `logs ${mb(line.logBytes)}`, `state ${mb(line.stateBytes)}`,
      `written ${mb(line.stateWritten)}`, `handles ${String(line.handles)}`, `listeners ${String(line.listeners)}`, `tokens ${String(line.tokens)}`,
      `429s ${String(line.rateLimited)} (limits: U ${String(line.rateLimitedByLimits.umbrella)} P ${String(line.rateLimitedByLimits.psa)})`, `failed ${String(line.failedCustomers)}${line.failedRuns > 0 ? ` (+${String(line.failedRuns)} run(s) failed whole)` : ''}`,
      `life ${String(life)}.${String(lifeDay)}`, ...(line.events.length > 0 ? [`[${line.events.join(', ')}]`] : []),
    ].join('  '));
  };

  let lastMessageAt = performance.now();
  const onMessage = (message: ChildMessage) => {
    if (process.env.SOAK_DEBUG) options.say(`  ${new Date(message.now).toISOString()} -> ${new Date(message.to).toISOString()} after ${(performance.now() - lastMessageAt).toFixed(0)} ms`);
    lastMessageAt = performance.now();
    if (message.day) closeDay(message.day);
    if (message.to >= endMs) {
      finished = true;
      child?.kill('SIGTERM');
      return;
    }
    clock.advanceTo(message.to);
    applyFaults(message.to);
    if (message.to % DAY === 0) armDay(dayIndexOf(message.to));
    send({ type: 'go' });
  };
  /**
   * The day's sync starts: its sleep comes once a third of its tokens are minted, its kill at half of them, or
   * on the first day (the sync that creates) once a third of the customers' configurations are in the PSA.
   */
  function armDay(index: number) {
    const tokensFrom = minted;
    const configurationsFrom = configurationsInPsa();
    const after = (share: number) => () => minted - tokensFrom >= Math.max(1, Math.floor(n * share));
    const cut = (what: string, due: () => boolean, action: () => void) => { armed.push({ due, action: () => { dayEvents.push(what); action(); } }); };
    const killAt = index === 1 ? () => configurationsInPsa() - configurationsFrom >= Math.max(1, Math.floor(n / 3)) : after(0.5);
    if (options.killDays.includes(index)) cut('SIGKILL mid-sync', killAt, () => { kills++; child?.kill('SIGKILL'); });
    if (options.sleepDay === index) cut('asleep 10 h mid-sync', after(0.33), () => { clock.skip(SLEEP_MS); send({ type: 'sleep', ms: SLEEP_MS }); });
  }
  const send = (message: ParentMessage) => { if (child?.connected) child.send(message); };

  const start = (atMs: number) => {
    life++;
    lifeDay = 0;
    clock.advanceTo(atMs);
    const started = fork(path.join(import.meta.dirname, 'soak-service.ts'), [JSON.stringify({ dataDir, startMs: atMs })], {
      // As README's systemd unit starts the service (--max-semi-space-size, see README "Long run").
      execArgv: ['--expose-gc', '--max-semi-space-size=4', '--import', 'tsx'],
      env: { ...process.env, NODE_ENV: 'test', UMBRELLA_PSA_TEST_LIMIT_SCALE: String(scale), CREDENTIALS_DIRECTORY: credentialsDir },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child = started;
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const complete = stderr.split('\n');
      stderr = complete.pop() ?? '';
      for (const text of complete) if (text.trim() !== '' && warnings.length < 20) warnings.push(text.trim());
    });
    started.on('message', (message: ChildMessage) => { onMessage(message); });
    started.once('exit', (code, signal) => {
      if (finished) resolveDone();
      else if (signal === 'SIGKILL') start(clock.now() + RESTART_AFTER_MS);
      else {
        problems.push(`the service exited on its own (code ${String(code)}, signal ${String(signal)})`);
        resolveDone();
      }
    });
  };

  applyFaults(startMs);
  armDay(1);
  start(startMs);
  await done;
  clearInterval(watch);
  await demo.stop();

  const findings = psaFindings(demo, kind, planted, endMs - FOUR_HOURS);
  // The settings folder (logs, state, settings), not systemd's credentials folder beside it.
  const secrets = secretsIn(dataDir, tokens);
  const compared = comparedDays(lines, life);
  const growth = (figure: (l: DayLine) => number) => {
    const from = median(compared.from.map(figure));
    const to = median(compared.to.map(figure));
    return from > 0 ? ((to - from) / from) * 100 : Number.NaN;
  };
  if (process.env.SOAK_KEEP) options.say(`kept: ${dataDir}`);
  else fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  return {
    days: lines.length, n, psa: kind,
    rssGrowth: growth((l) => l.rssMb), cpuGrowth: growth((l) => l.cpuMs),
    duplicates: findings.duplicates.length, lostWindows: findings.lostWindows, secretsInLogs: secrets.length, kills,
    tickets: findings.tickets, notes: findings.notes,
    maxLogBytes: Math.max(0, ...lines.map((l) => l.logBytes)), maxStateBytes: Math.max(0, ...lines.map((l) => l.stateBytes)),
    stateWrittenPerDay: lines.reduce((sum, l) => sum + l.stateWritten, 0) / Math.max(1, lines.length),
    stateGrowth: stateGrowthAfterRetention(lines),
    warnings, problems, details: [...findings.duplicates.slice(0, 5), ...secrets.slice(0, 5)],
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
}

/** The history retention the soak sets (the app's shortest allowed): from then on the state database should not grow. */
export const SOAK_HISTORY_DAYS = 30;

/** Growth (%) of the state on disk from a few days after the retention applies to the last day; NaN when the soak is shorter. */
export function stateGrowthAfterRetention(lines: readonly DayLine[]): number {
  const from = lines.find((l) => l.index === SOAK_HISTORY_DAYS + 3);
  const to = lines.at(-1);
  if (!from || !to || to.index < from.index + 7 || from.stateBytes === 0) return Number.NaN;
  return ((to.stateBytes - from.stateBytes) / from.stateBytes) * 100;
}

/** Regular days compared at each end (their median): one day's CPU varies by a fifth from the next. */
const COMPARED_DAYS = 5;

/**
 * The days whose memory and CPU are compared: like with like, so regular days only (no fault, kill or
 * sleep, and not the 1st or 2nd of a month, when last month's figures are read again): the first regular
 * days from the second day of the last process's life, and the last regular days of the soak.
 */
export function comparedDays(lines: readonly DayLine[], life: number): { from: DayLine[]; to: DayLine[] } {
  const regular = lines.filter((l) => l.events.length === 0 && !/-0[12]$/.test(l.day));
  const lastLife = regular.filter((l) => l.life === life && l.lifeDay >= 2);
  return { from: lastLife.slice(0, COMPARED_DAYS), to: lastLife.slice(-COMPARED_DAYS) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[middle] ?? Number.NaN : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The verdict as one line of key=value pairs, for scripts. */
export function verdictLine(v: SoakVerdict): string {
  const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  return `days=${String(v.days)} n=${String(v.n)} psa=${v.psa} rssGrowth=${pct(v.rssGrowth)} cpuGrowth=${pct(v.cpuGrowth)} duplicates=${String(v.duplicates)} lostWindows=${String(v.lostWindows)} secretsInLogs=${String(v.secretsInLogs)} kills=${String(v.kills)} tickets=${String(v.tickets)} notes=${String(v.notes)} maxLogBytes=${String(v.maxLogBytes)} maxStateBytes=${String(v.maxStateBytes)} stateWrittenPerDay=${String(Math.round(v.stateWrittenPerDay))} stateGrowth=${pct(v.stateGrowth)} warnings=${String(v.warnings.length)} wall=${v.wallSeconds.toFixed(0)}s`;
}
