/**
 * "Copy diagnostics" (the window) and `umbrella-psa-sync diagnostics` (the command line): what a
 * support engineer asks for first, as plain text, through the one redaction step. Settings hold no
 * secret (those are in the keychain: only whether each is saved is said); the customer mappings are
 * counted, not listed.
 */
import os from 'node:os';
import type { CredentialsStatus, RunRecord, Settings } from '../../preload/contract';
import type { AppIdentity } from './identity';
import { runLine } from './run-summary';

export interface DiagnosticsInput {
  identity: AppIdentity;
  now: Date;
  /** process.versions: node, and in the app electron, chrome, v8. */
  versions: Readonly<Record<string, string | undefined>>;
  settings: Settings;
  /** Or why it could not be read. */
  credentials: CredentialsStatus | string;
  runs: readonly RunRecord[];
  schedule: readonly { name: string; nextRunAt: string; running: boolean }[];
  logDir: string;
  logLines: readonly string[];
  notices: readonly string[];
}

const RUNS_SHOWN = 10;

function settingsSummary(settings: Settings) {
  const mappings = Object.values(settings.mappings);
  return {
    ...settings,
    mappings: { mapped: mappings.filter((m) => m.psaCompany !== null).length, excluded: mappings.filter((m) => m.excluded).length, total: mappings.length },
  };
}

function credentialsSummary(credentials: CredentialsStatus | string): string {
  if (typeof credentials === 'string') return credentials;
  return (Object.keys(credentials) as (keyof CredentialsStatus)[])
    .map((kind) => {
      const { complete, fields } = credentials[kind];
      const missing = Object.entries(fields).filter(([, saved]) => !saved).map(([field]) => field);
      return `${kind}: ${complete ? 'complete' : `incomplete${missing.length > 0 ? ` (not saved: ${missing.join(', ')})` : ''}`}`;
    })
    .join('; ');
}

export function diagnosticsReport(input: DiagnosticsInput, redact: (text: string) => string): string {
  const { identity, versions } = input;
  const runtime = ['electron', 'chrome', 'node', 'v8'].flatMap((name) => (versions[name] ? [`${name} ${versions[name]}`] : [])).join(', ');
  const lines = [
    `${identity.productName} diagnostics, ${input.now.toISOString()}`,
    `Version ${identity.version}${identity.demo ? ' (demo mode)' : ''}; ${runtime}`,
    `OS: ${process.platform} ${os.release()} ${process.arch}`,
    `Settings folder: ${identity.dataDir}`,
    `Log folder: ${input.logDir}`,
    `Credentials (${identity.credentialsSource ? `from ${identity.credentialsSource}` : 'in the OS keychain'}): ${credentialsSummary(input.credentials)}`,
    `Schedule: ${input.schedule.map((s) => `${s.name} next ${s.nextRunAt}${s.running ? ' (running)' : ''}`).join('; ') || 'not running in this process'}`,
    '',
    ...(input.notices.length > 0 ? ['Files moved aside at start-up:', ...input.notices, ''] : []),
    'Settings (no secrets are kept in them):',
    JSON.stringify(settingsSummary(input.settings), null, 2),
    '',
    `Last runs (${String(Math.min(input.runs.length, RUNS_SHOWN))} of ${String(input.runs.length)}):`,
    ...input.runs.slice(0, RUNS_SHOWN).map((run) => {
      const problems = run.problems.slice(0, 3).map((p) => `${p.name}: ${p.reason ?? p.status}`).join('; ');
      return `- ${runLine(run)}${problems ? ` [${problems}${run.problems.length > 3 ? '; ...' : ''}]` : ''}`;
    }),
    '',
    `Recent log lines (${String(input.logLines.length)}):`,
    ...input.logLines,
  ];
  return redact(lines.join('\n'));
}
