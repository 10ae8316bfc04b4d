import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildWorld, FOUR_HOURS, windowStart } from '../../simulators/seed';
import { DEMO_CREDENTIALS } from '../../simulators/demo';

describe('seeded demo data', () => {
  const anchor = Date.UTC(2026, 10, 25, 9, 15);

  it('is deterministic for a seed and anchor', () => {
    expect(JSON.stringify(buildWorld({ anchor }))).toBe(JSON.stringify(buildWorld({ anchor })));
    expect(JSON.stringify(buildWorld({ anchor, seed: 2 }))).not.toBe(JSON.stringify(buildWorld({ anchor })));
  });

  it('has what the demo needs: stale agents, silent networks, near-miss PSA names, unmatched and inactive companies', () => {
    const world = buildWorld({ anchor });
    expect(world.customers).toHaveLength(25);
    const stale = world.customers.flatMap((c) => c.roamingComputers).filter((r) => Date.parse(r.lastSync) < anchor - 7 * 86_400_000);
    expect(stale.length).toBeGreaterThan(3);
    const psaNames = world.connectwise.companies.map((c) => c.name);
    expect(psaNames).toContain('Baker and Sons Plumbing LLC');
    expect(world.customers.filter((c) => world.expectedMatches[c.customerId]?.connectwise === undefined).map((c) => c.customerName)).toEqual(['Maple Street Bakery', 'Oakwood Elementary PTA', 'Westbrook Law Office']);
    expect(world.connectwise.companies.filter((c) => c.status.name === 'Inactive').map((c) => c.name)).toEqual(['Summit Realty Group']);
  });

  it('puts botnet hits on both sides of the default threshold in the current 4-hour window', () => {
    const world = buildWorld({ anchor });
    const c2 = world.categories.find((c) => c.label === 'Command and Control')!.id;
    const start = windowStart(anchor);
    const perIdentity = new Map<number, number>();
    for (const customer of world.customers) {
      for (const b of customer.activity) {
        if (b.ts >= start && b.ts < start + FOUR_HOURS && b.verdict === 'blocked' && b.categories.includes(c2)) perIdentity.set(b.identityId, (perIdentity.get(b.identityId) ?? 0) + b.count);
      }
    }
    const counts = [...perIdentity.values()];
    expect(counts.filter((n) => n > 3).length).toBeGreaterThan(2);
    expect(counts).toContain(3);
  });

  it('generates thousands of customers with unique ids for benchmarks', () => {
    const world = buildWorld({ customers: 5000, historyDays: 2, anchor });
    expect(new Set(world.customers.map((c) => c.customerId)).size).toBe(5000);
    const identities = world.customers.flatMap((c) => [...c.networks, ...c.roamingComputers].map((i) => i.originId));
    expect(new Set(identities).size).toBe(identities.length);
  });
});

describe('npm run simulators', () => {
  it('starts all three simulators and prints addresses that answer with the demo credentials', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/run.ts', '--customers', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('ready')) resolve(text);
        });
        child.on('exit', (code) => { reject(new Error(`exited with ${String(code)}: ${text}`)); });
      });
      expect(output).toContain('(5 customers)');
      const umbrellaUrl = /Cisco Umbrella\s+(\S+)/.exec(output)?.[1];
      const token = await fetch(`${umbrellaUrl ?? ''}/auth/v2/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${DEMO_CREDENTIALS.umbrella.apiKey}:${DEMO_CREDENTIALS.umbrella.apiSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(200);
      const zoneUrl = /Autotask zone\s+(\S+)/.exec(output)?.[1];
      const zone = await fetch(`${zoneUrl ?? ''}/v1.0/zoneInformation?user=${encodeURIComponent(DEMO_CREDENTIALS.autotask.username)}`);
      expect(zone.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
