import { describe, expect, it } from 'vitest';
import { ticketSummary } from '../../main/jobs/tickets/hits';
import { windowOf, WINDOW_MS } from '../../main/domain/windows';

describe('ticket text and windows', () => {
  it('summaries name identity and customer and fit ConnectWise\'s 100 characters', () => {
    expect(ticketSummary('ACME-WS-01', 'Acme Corporation')).toBe('Umbrella: botnet activity on ACME-WS-01 (Acme Corporation)');
    const long = ticketSummary('A-VERY-LONG-IDENTITY-NAME-FROM-A-DIRECTORY-SYNC', 'An Extraordinarily Long Customer Name That Goes On, Inc.');
    expect(long).toHaveLength(100);
    expect(long.endsWith('…')).toBe(true);
  });

  it('windows are aligned to 00:00, 04:00, 08:00 ... UTC', () => {
    expect(new Date(windowOf(Date.UTC(2026, 10, 25, 9, 59))).toISOString()).toBe('2026-11-25T08:00:00.000Z');
    expect(new Date(windowOf(Date.UTC(2026, 10, 25, 0, 0)) + WINDOW_MS).toISOString()).toBe('2026-11-25T04:00:00.000Z');
  });
});
