/** `history`: the audit trail of every PSA write, as lines, JSON or CSV, read-only (it can run beside the app or the service). */
import { memoryLogger } from '../adapters/logging/logger';
import type { HistoryQuery, PsaWriteRecord } from '../adapters/store/state';
import { openStateStore } from '../adapters/store/state-database';
import { fieldLabels } from '../domain/fields';
import { utcText } from '../domain/windows';
import { historyToCsv } from '../../preload/history-csv';
import type { CliIo } from './context';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import type { Logger } from '../adapters/logging/logger';

export interface HistoryOptions {
  customer: string | undefined;
  since: string | undefined;
  run: string | undefined;
  limit: string | undefined;
  json: boolean;
  csv: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The query the options ask for, or a usage error that says what is wrong. */
export function historyQuery(options: HistoryOptions): HistoryQuery {
  if (options.json && options.csv) throw new UsageError('Choose one of --json and --csv.');
  const query: HistoryQuery = {};
  if (options.customer !== undefined) {
    if (options.customer.trim() === '') throw new UsageError('--customer needs an Umbrella org id or a customer name.');
    query.customer = options.customer.trim();
  }
  if (options.since !== undefined) {
    const since = options.since.trim();
    const ms = Date.parse(since.length === 10 ? `${since}T00:00:00Z` : since);
    if (!DATE.test(since) || Number.isNaN(ms)) throw new UsageError(`--since takes a date (2026-12-01) or a time (2026-12-01T06:00Z), not "${options.since}".`);
    query.since = new Date(ms).toISOString();
  }
  if (options.run !== undefined) query.runId = options.run.trim();
  if (options.limit !== undefined) query.limit = limitOption(options.limit, 'writes');
  return query;
}

/** --limit's value: how many of the newest `what` to show. */
export function limitOption(value: string, what: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number of ${what} (1 or more), not "${value}".`);
  return limit;
}

const QUESTIONS = fieldLabels('question');
const label = (field: string) => QUESTIONS[field] ?? field;
const shown = (value: string | number | null) => (value === null || value === '' ? '(empty)' : String(value).replace(/\n/g, ', '));

export function historyLines(records: readonly PsaWriteRecord[]): string[] {
  if (records.length === 0) return ['No PSA writes recorded for this selection.'];
  return records.flatMap((r) => {
    const who = r.customer !== null ? `${r.customer}${r.orgId !== null ? ` (${String(r.orgId)})` : ''}` : 'set-up';
    const where = r.company !== null ? ` at ${r.company}${r.companyId !== null ? ` (#${String(r.companyId)})` : ''}` : '';
    const what = `${r.entity}${r.entityId !== null ? ` ${r.entityId}` : ''} ${r.action}`;
    return [
      `${utcText(Date.parse(r.at))} UTC  ${who}${where}: ${what}${r.runId !== null ? `  [${r.runId}]` : ''}`,
      ...(r.detail !== null ? [`    ${r.detail}`] : []),
      ...r.changes.map((c) => `    ${label(c.field)}: ${c.old === null ? '' : `${shown(c.old)} -> `}${shown(c.new)}`),
    ];
  });
}

export function historyCommand(dataDir: string, options: HistoryOptions, io: CliIo, log: Logger = memoryLogger()): ExitCode {
  const query = historyQuery(options);
  const store = openStateStore({ dir: dataDir, log, readOnly: true });
  try {
    const records = store.history(query);
    if (options.csv) io.out(historyToCsv(records, label));
    else if (options.json) io.out(JSON.stringify(records, null, 2));
    else for (const line of historyLines(records)) io.out(line);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
