/**
 * The audit trail against what the PSA simulators actually hold: after a sync that created, updated and
 * left unchanged customers, each recorded write names the configuration the PSA has, and each field's old
 * and new value are the PSA's value before and after the write; fields not recorded did not change. Ticket
 * writes carry the ticket's id and the identity. `history --csv` survives a spreadsheet's CSV rules.
 */
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import type { PsaKind, PsaWriteRecord } from '../../preload/contract';
import { FIELDS, type FieldKey } from '../../main/domain/fields';
import { runCli } from '../../main/cli/app';
import { DAY } from '../../simulators/seed';
import { ANCHOR, startSyncHarness, type SyncHarness } from '../helpers/sync';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** What the PSA holds now: configuration id -> company id and the 16 values as text, read from the simulator itself. */
function psaConfigurations(harness: SyncHarness, kind: PsaKind): Map<string, { companyId: number; values: Record<FieldKey, string> }> {
  const result = new Map<string, { companyId: number; values: Record<FieldKey, string> }>();
  if (kind === 'connectwise') {
    for (const c of harness.connectwise.configurations) {
      const answer = (question: string) => c.questions.find((q) => q.question === question)?.answer;
      const values = Object.fromEntries(FIELDS.map((f) => [f.key, answer(f.question) == null ? '' : String(answer(f.question) as string | number)])) as Record<FieldKey, string>;
      result.set(String(c.id), { companyId: c.company.id, values });
    }
  } else {
    for (const item of harness.autotask.configurationItems) {
      if (item.isActive === false) continue;
      const udf = (name: string) => item.userDefinedFields?.find((u) => u.name === name)?.value ?? '';
      const values = Object.fromEntries(FIELDS.map((f) => [f.key, udf(f.udf)])) as Record<FieldKey, string>;
      result.set(String(item.id), { companyId: Number(item.companyID), values });
    }
  }
  return result;
}

const text = (value: string | number | null) => (value === null ? '' : String(value));

describe.each(['connectwise', 'autotask'] as const)('audit trail (%s)', (kind) => {
  it('records every write of a sync with the values the PSA received, and the old values it held, for created, updated and unchanged customers', async () => {
    h = await startSyncHarness(kind);
    const first = h.engine();
    const created = await first.engine.run();
    expect(created.record.counts.created).toBeGreaterThan(15);
    const afterFirst = psaConfigurations(h, kind);
    const firstWrites = first.state.history({ runId: created.record.id });
    const configurationWrites = firstWrites.filter((w) => w.entity === 'configuration');
    expect(configurationWrites).toHaveLength(created.record.counts.created);
    for (const w of configurationWrites) {
      const held = afterFirst.get(w.entityId ?? '');
      expect(held, `configuration ${String(w.entityId)} of ${String(w.customer)}`).toBeDefined();
      expect(w).toMatchObject({ action: 'created', psa: kind, companyId: held?.companyId, runId: created.record.id });
      expect(Object.fromEntries(w.changes.map((c) => [c.field, text(c.new)]))).toEqual(held?.values);
      expect(w.changes.every((c) => c.old === null)).toBe(true);
    }
    // The set-up the first run made is recorded too.
    const setup = first.state.history().filter((w) => w.runId === null).map((w) => w.entity);
    expect(setup).toEqual(expect.arrayContaining(kind === 'connectwise' ? ['configuration type', 'question'] : ['product', 'udf']));
    expect(setup.filter((e) => e === (kind === 'connectwise' ? 'question' : 'udf'))).toHaveLength(FIELDS.length);

    // A day later one customer has more seats: updated; the others unchanged (Last Updated only, perhaps more).
    const grown = h.world.customers.find((c) => h?.mappings[String(c.customerId)] && configurationWrites.some((w) => w.orgId === c.customerId));
    if (!grown) throw new Error('no synced customer');
    const seatsBefore = grown.seats;
    grown.seats += 7;
    const second = h.engine({ now: ANCHOR + DAY });
    const updated = await second.engine.run();
    expect(updated.record.counts.updated).toBeGreaterThanOrEqual(1);
    expect(updated.record.counts.unchanged).toBeGreaterThan(10);
    const afterSecond = psaConfigurations(h, kind);
    const writes = second.state.history({ runId: updated.record.id });
    expect(writes).toHaveLength(updated.record.counts.updated + updated.record.counts.unchanged);
    for (const w of writes) {
      const before = afterFirst.get(w.entityId ?? '');
      const now = afterSecond.get(w.entityId ?? '');
      expect(w.action).toBe('updated');
      const changed = new Map(w.changes.map((c) => [c.field, c]));
      for (const field of FIELDS) {
        const change = changed.get(field.key);
        if (change) {
          expect({ field: field.key, old: text(change.old), new: text(change.new) }).toEqual({ field: field.key, old: before?.values[field.key], new: now?.values[field.key] });
        } else {
          expect({ field: field.key, value: now?.values[field.key] }).toEqual({ field: field.key, value: before?.values[field.key] });
        }
      }
      expect(changed.has('lastUpdated')).toBe(true);
    }
    const seats = writes.find((w) => w.orgId === grown.customerId)?.changes.find((c) => c.field === 'seats');
    expect(seats).toEqual({ field: 'seats', old: seatsBefore, new: seatsBefore + 7 });
  });
});

describe('history --csv', () => {
  it('round-trips through a spreadsheet\'s CSV rules: quotes, commas, line breaks and formula-like values come back as they were', async () => {
    h = await startSyncHarness('connectwise');
    const built = h.engine();
    await built.engine.run();
    const hostile: PsaWriteRecord = {
      id: 0, at: '', runId: 'sync-x', psa: 'connectwise', orgId: 1, customer: 'Smith, "Jones" & Co\nEast', companyId: 2, company: '=HYPERLINK("http://x")',
      entity: 'configuration', entityId: '3', action: 'updated', changes: [{ field: 'topDomains', old: '+a.com\nb.com', new: '-c.com' }], detail: '@cmd',
    };
    built.state.record([hostile]);
    built.state.flush();
    const out: string[] = [];
    const code = await runCli(['history', '--data-dir', h.dir, '--csv'], { out: (l) => out.push(l), err: () => undefined });
    expect(code).toBe(0);
    const csv = out.join('\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: 'greedy' });
    expect(parsed.errors).toEqual([]);
    const unprotect = (cell: string | undefined) => (cell ?? '').replace(/^'(?=[=+\-@\t\r\n])/, '');
    const row = parsed.data.find((r) => r.run === 'sync-x');
    expect(row && Object.fromEntries(Object.entries(row).map(([k, v]) => [k, unprotect(v)]))).toMatchObject({
      customer: hostile.customer, psa_company: hostile.company, field: 'Top Domains Last Month', old_value: '+a.com\nb.com', new_value: '-c.com', detail: '@cmd',
    });
    // A spreadsheet would run these as formulas: each is protected with a leading '.
    expect([row?.psa_company, row?.old_value, row?.new_value, row?.detail].every((cell) => cell?.startsWith("'"))).toBe(true);
    const all = built.state.history();
    expect(parsed.data.length).toBe(all.reduce((n, w) => n + Math.max(1, w.changes.length), 0));
  });

  it('refuses a --since that is not a date, and --json with --csv, in words', async () => {
    h = await startSyncHarness('connectwise');
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => err.push(l) };
    expect(await runCli(['history', '--data-dir', h.dir, '--since', 'last week'], io)).toBe(2);
    expect(await runCli(['history', '--data-dir', h.dir, '--json', '--csv'], io)).toBe(2);
    expect(await runCli(['history', '--data-dir', h.dir, '--limit', '0'], io)).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(/--since takes a date \(2026-12-01\) or a time \(2026-12-01T06:00Z\), not "last week"/),
      expect.stringMatching(/Choose one of --json and --csv/),
      expect.stringMatching(/--limit takes a whole number of writes \(1 or more\), not "0"/),
    ]);
  });
});
