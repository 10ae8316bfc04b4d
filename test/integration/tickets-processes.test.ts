/**
 * The app, the CLI and another app instance on one settings folder, as real processes: one ticket
 * per hit, every run kept in the history, and a `map` made in one process kept by a save in another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../main/adapters/logging/logger';
import { openSettingsStore } from '../../main/adapters/store/settings';
import { openStateStore } from '../../main/adapters/store/state-database';
import { windowOf } from '../../main/domain/windows';
import { buildWorld } from '../../simulators/seed';
import type { PsaKind } from '../../preload/contract';
import { configuredFolder, node } from '../helpers/processes';
import { startSyncHarness, type SyncHarness } from '../helpers/sync';
import { duplicates, ticketsOf } from '../helpers/tickets';

let h: SyncHarness | null = null;
afterEach(async () => { await h?.stop(); h = null; });

async function configured(kind: PsaKind): Promise<string> {
  if (!h) throw new Error('no harness');
  return configuredFolder(h, kind, { syncEnabled: false, ticketsEnabled: true, paused: false });
}

describe.each(['connectwise', 'autotask'] as const)('two processes on one settings folder (%s)', (kind) => {
  it('the CLI\'s tickets and the app\'s scheduled check at the same moment give one ticket per hit and keep both runs', async () => {
    // Activity in the previous 4-hour window of the real clock: what both processes check now.
    h = await startSyncHarness(kind, { world: buildWorld({ anchor: windowOf(Date.now()) - 30 * 60_000, customers: 12 }) });
    const service = await configured(kind);
    const [cli, app] = await Promise.all([
      node('main/cli/index.ts', ['tickets', '--data-dir', h.dir], service),
      node('test/processes/app-scheduled-check.ts', [h.dir], service),
    ]);
    const output = `${cli.stdout}${cli.stderr}\n${app.stdout}${app.stderr}`;
    expect(output).not.toMatch(/Error|stopped/);
    const tickets = ticketsOf(h, kind).filter((t) => String(t.summary ?? t.title).startsWith('Umbrella: botnet'));
    expect(tickets.length).toBeGreaterThan(2);
    expect(duplicates(h, kind)).toEqual([]);
    const runs = openStateStore({ dir: h.dir, log: memoryLogger(), readOnly: true }).get().runs.filter((r) => r.kind === 'tickets');
    expect(runs).toHaveLength(2);
    expect(runs.reduce((n, r) => n + r.counts.created, 0)).toBe(tickets.length);
  }, 150_000);
});

describe('settings saved by two processes', () => {
  it('a map done in the CLI survives a later save of another section by the app that opened the settings before', async () => {
    h = await startSyncHarness('connectwise');
    const service = await configured('connectwise');
    const app = openSettingsStore({ dir: h.dir, log: memoryLogger() });
    expect(app.get().mappings['8100013']).toBeDefined();
    const mapped = await node('main/cli/index.ts', ['map', '8100013', 'NewCompanyX', '--no-check', '--data-dir', h.dir], service);
    expect(mapped.stdout).toMatch(/8100013/);
    app.update({ schedule: { syncEnabled: true, ticketsEnabled: false, paused: false } });
    const after = openSettingsStore({ dir: h.dir, log: memoryLogger() }).get();
    expect(after.mappings['8100013']?.psaCompany).toBe('NewCompanyX');
    expect(after.schedule.ticketsEnabled).toBe(false);
    expect(app.get().mappings['8100013']?.psaCompany).toBe('NewCompanyX');
  }, 60_000);
});
