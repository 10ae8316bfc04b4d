import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind } from '../../preload/contract';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';

let h: SyncHarness;
afterEach(async () => {
  await h.stop();
});

/** Configurations (CW) or configuration items (Autotask) per company id. */
function perCompany(kind: PsaKind): Map<number, number> {
  const ids = kind === 'connectwise' ? h.connectwise.configurations.map((c) => c.company.id) : h.autotask.configurationItems.map((c) => Number(c.companyID));
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe.each(['connectwise', 'autotask'] as const)('killing a %s sync mid-run', (kind) => {
  it('SIGKILL after a few creates, then run again: no duplicate anything, every customer synced', async () => {
    h = await startSyncHarness(kind);
    // Slow the PSA down so the child is still writing when it is killed.
    (kind === 'connectwise' ? h.connectwise : h.autotask).server.setFaults({ latencyMs: 40 });
    const target = { umbrellaUrl: h.umbrella.url, connectwiseSite: h.connectwise.url, autotaskDiscovery: h.autotask.discoveryUrl, dir: h.dir, mappings: h.mappings, now: ANCHOR, billingCode: 29682801 };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/sync-child.ts'], {
      env: { ...process.env, SYNC_KIND: kind, SYNC_TARGET: JSON.stringify(target) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const created = () => [...perCompany(kind).values()].length;
    for (let waited = 0; created() < 5 && waited < 30_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const atKill = created();
    expect(atKill).toBeGreaterThanOrEqual(5);
    const mappedActive = Object.keys(h.mappings).length - 1; // one mapped company is inactive
    expect(atKill).toBeLessThan(mappedActive);

    (kind === 'connectwise' ? h.connectwise : h.autotask).server.resetFaults();
    const { record } = await h.engine({ now: ANCHOR + 3_600_000 }).engine.run();
    expect(record.counts.failed).toBe(1);
    expect([...perCompany(kind).values()].every((n) => n === 1)).toBe(true);
    expect(perCompany(kind).size).toBe(mappedActive);
    if (kind === 'connectwise') {
      expect(h.connectwise.configurationTypes).toHaveLength(1);
      expect(h.connectwise.questions).toHaveLength(16);
    } else {
      expect(h.autotask.products).toHaveLength(1);
      expect(h.autotask.udfDefinitions).toHaveLength(16);
    }
  });
});
