/**
 * Names end users and admins chose reach the terminal, the logs and the PSA. Whatever escape sequences
 * (colours, OSC 8 hyperlinks, window titles), bells, CR/LF or markup they hold, none is printed or written:
 * no line can be forged, no terminal re-programmed, no PSA screen given markup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { oneLine, plainText, psaText } from '../../main/domain/text';
import { configuredFolder, node } from '../helpers/processes';
import { startSyncHarness, type SyncHarness } from '../helpers/sync';
import { AFTER_W0, ticketEngine } from '../helpers/tickets';

const HOSTILE_CUSTOMER = 'Acme\u001b[31mCorp\u001b[0m <b>x</b>\r\nDone: 0 failed\u0007';
const HOSTILE_LABEL = 'PC-1\u001b]8;;http://evil.example\u0007click\u001b]8;;\u0007\r\n\u202eexe.txt\u0000';
// Any C0 or C1 control character, bidi override or escape, except the line break a multi-line field may hold.
// eslint-disable-next-line no-control-regex -- control characters are what this test looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let h: SyncHarness | null = null;
afterEach(async () => { await h?.stop(); h = null; });

describe('vendor text at the edges', () => {
  it('the sanitiser: escapes, controls and bidi overrides go; one-line values lose their line breaks; PSA text loses markup', () => {
    expect(oneLine(HOSTILE_CUSTOMER)).toBe('AcmeCorp <b>x</b> Done: 0 failed');
    expect(oneLine(HOSTILE_LABEL)).toBe('PC-1click exe.txt');
    expect(plainText('a\r\nb\u001b[2Jc\u009b31md')).toBe('a\nbcd');
    expect(psaText('<script>alert(1)</script>')).toBe('‹script›alert(1)‹/script›');
  });

  it.each(['connectwise', 'autotask'] as const)('%s: tickets, notes and configuration answers carry no control character or markup from a customer name or identity label', async (kind) => {
    h = await startSyncHarness(kind);
    const customer = h.world.customers[0]!;
    customer.customerName = HOSTILE_CUSTOMER;
    for (const computer of customer.roamingComputers) computer.name = HOSTILE_LABEL;
    const { engine, state } = ticketEngine(h, kind, AFTER_W0);
    const run = await engine.run();
    state.close();
    const ticketId = run.actions.find((a) => a.orgId === customer.customerId && a.action === 'created')?.ticketId;
    expect(ticketId).toBeDefined();
    const ticket = (kind === 'connectwise' ? h.connectwise.tickets : h.autotask.tickets).find((t) => t.id === ticketId)! as unknown as Record<string, unknown>;
    const title = String(ticket.summary ?? ticket.title);
    expect(title).toBe('Umbrella: botnet activity on PC-1click exe.txt (AcmeCorp ‹b›x‹/b› Done: 0 failed)');
    const description = kind === 'connectwise' ? String(h.connectwise.notes.find((n) => n.ticketId === ticketId)?.text) : String(ticket.description);
    expect(description).not.toMatch(CONTROL);
    expect(description).not.toMatch(/[<>]/);

    const sync = h.engine();
    await sync.engine.run();
    sync.state.close();
    const written = JSON.stringify(kind === 'connectwise' ? h.connectwise.configurations : h.autotask.configurationItems);
    expect(JSON.parse(written)).toBeTruthy();
    // JSON.stringify escapes C0 controls (\u001b, \r) but leaves a bidi override as it is.
    expect(written).not.toMatch(/\\u00(1b|07|00)|\\r/);
    expect(written).not.toMatch(/[\u202a-\u202e]/);
    expect(written).not.toMatch(/<b>/);
  });

  it('the CLI prints no escape sequence, bell or CR, and no forged line, from a hostile name', async () => {
    h = await startSyncHarness('connectwise');
    const customer = h.world.customers[0]!;
    customer.customerName = HOSTILE_CUSTOMER;
    for (const computer of customer.roamingComputers) computer.name = HOSTILE_LABEL;
    const service = await configuredFolder(h, 'connectwise');
    // Test-only: Umbrella's minute is a second here, so the dry run need not wait for tokens.
    process.env.UMBRELLA_PSA_TEST_LIMIT_SCALE = '60';
    const result = await node('main/cli/index.ts', ['sync', '--dry-run', '--data-dir', h.dir], service);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).toContain('AcmeCorp <b>x</b> Done: 0 failed');
    expect(output).not.toMatch(CONTROL);
    expect(output.split('\n').filter((line) => line.startsWith('Done: 0 failed'))).toEqual([]);
  });
}, 120_000);
