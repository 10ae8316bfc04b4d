/**
 * `npm run soak`: months in minutes. The service as a real child process, on simulated time, against
 * the simulators with every limit on: both PSAs, N = 100 and 1,000 customers, 45 simulated days from
 * 20 November to 3 January (across the month and the year boundary), with 429 and 5xx bursts, a six-hour Umbrella
 * outage, ten hours of sleep in the middle of a sync, and SIGKILL in the middle of the syncs of days
 * 1 (the sync that creates the configurations), 5 and 9 (restarted 90 minutes later). The process started
 * on day 9 then lives to the end: its first days (from its second) and the last days are compared
 * (memory, CPU per day), regular days only, medians of five (see comparedDays).
 *
 * One line per simulated day, then the verdict line (key=value) and the targets, met or not; exits
 * non-zero when a target is missed.
 *   npm run soak -- --n 100,1000 --psa connectwise,autotask --days 45 --scale auto
 */
import { parseArgs } from 'node:util';
import type { PsaKind } from '../preload/contract';
import { runSoak, SOAK_HISTORY_DAYS, verdictLine, type SoakVerdict } from './soak-run';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100,1000' },
    psa: { type: 'string', default: 'connectwise,autotask' },
    days: { type: 'string', default: '45' },
    scale: { type: 'string', default: 'auto' },
    start: { type: 'string', default: '2026-11-20' },
  },
});
const sizes = values.n.split(',').map(Number);
const kinds = values.psa.split(',') as PsaKind[];
const days = Number(values.days);
const startMs = Date.parse(`${values.start}T00:00:00Z`);
/** As `npm run bench`: 50x for N <= 100, 200x above (see bench/sync.ts for why not more). */
const scaleFor = (n: number) => (values.scale === 'auto' ? (n <= 100 ? 50 : 200) : Number(values.scale));
/** Fault days spread over the run, none on the last process's second day or on the last day (they are compared). */
const within = (list: number[]) => list.filter((d) => d < days);

/** The targets of the soak, each said as met or missed. */
function targets(v: SoakVerdict): { text: string; met: boolean }[] {
  return [
    { text: `RSS at the end at most 10% above the process's first days (medians of 5 regular days: ${v.rssGrowth.toFixed(1)}%)`, met: v.rssGrowth <= 10 },
    { text: `CPU per day (one sync, six checks) within 15% (same days: ${v.cpuGrowth.toFixed(1)}%)`, met: Math.abs(v.cpuGrowth) <= 15 },
    { text: `0 duplicate configurations, tickets or notes (${String(v.duplicates)})`, met: v.duplicates === 0 },
    { text: `0 lost windows (${String(v.lostWindows)})`, met: v.lostWindows === 0 },
    { text: `0 secrets in logs or state (${String(v.secretsInLogs)})`, met: v.secretsInLogs === 0 },
    {
      text: `state on disk stops growing once the history retention (${String(SOAK_HISTORY_DAYS)} days here) applies: last day within 20% of day ${String(SOAK_HISTORY_DAYS + 3)} (${Number.isNaN(v.stateGrowth) ? 'soak too short to tell' : `${v.stateGrowth.toFixed(1)}%`})`,
      met: Number.isNaN(v.stateGrowth) || v.stateGrowth <= 20,
    },
    { text: `log files bounded by rotation: at most 6 x 5 MB per log (peak ${(v.maxLogBytes / 2 ** 20).toFixed(1)} MB)`, met: v.maxLogBytes <= 2 * 6 * 5 * 2 ** 20 },
    { text: `no warning on the service's stderr (${String(v.warnings.length)}${v.warnings[0] ? `: ${v.warnings[0]}` : ''})`, met: v.warnings.length === 0 },
    { text: `the service never ended on its own (${v.problems.length > 0 ? v.problems.join('; ') : 'ok'})`, met: v.problems.length === 0 },
  ];
}

let missed = 0;
for (const n of sizes) {
  for (const kind of kinds) {
    console.log(`\nSoak: ${kind}, N=${String(n)}, ${String(days)} days from ${values.start}, windows compressed ${String(scaleFor(n))}x`);
    const verdict = await runSoak({
      kind, n, startMs, days, scale: scaleFor(n),
      killDays: within([1, 5, 9]), sleepDay: within([22])[0] ?? null, outageDay: within([13])[0] ?? null,
      rateLimitDays: within([4, 16, 28, 37]), serverErrorDays: within([7, 19, 31, 40]),
      say: (line) => { console.log(line); },
    });
    console.log(verdictLine(verdict));
    for (const detail of verdict.details) console.log(`  found: ${detail}`);
    for (const target of targets(verdict)) {
      if (!target.met) missed++;
      console.log(`  ${target.met ? 'met   ' : 'MISSED'} ${target.text}`);
    }
  }
}
process.exitCode = missed > 0 ? 1 : 0;
