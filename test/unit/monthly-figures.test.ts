import { describe, expect, it } from 'vitest';
import { keptFiguresHold, previousMonthKey, type KeptMonthlyFigures } from '../../main/domain/monthly-figures';

const figures = { dnsQueriesLastMonth: 1, malwareLastMonth: 0, botnetLastMonth: 0, topDomains: [], topBlockedDomains: [], topCategories: [] };
const kept = (month: string, readAt: string): KeptMonthlyFigures => ({ month, readAt, figures });
const at = (iso: string) => new Date(iso);

describe('last month\'s figures, kept for the month', () => {
  it('names the month before the run, across the year boundary', () => {
    expect(previousMonthKey(at('2027-01-01T00:05:00Z'))).toBe('2026-12');
    expect(previousMonthKey(at('2026-12-31T23:59:00Z'))).toBe('2026-11');
  });

  it('are read again on the 1st and the 2nd, and kept from the 3rd when read on or after the 2nd', () => {
    const readOn2nd = kept('2026-11', '2026-12-02T00:05:00Z');
    expect(keptFiguresHold(readOn2nd, at('2026-12-01T00:05:00Z'))).toBe(false);
    expect(keptFiguresHold(readOn2nd, at('2026-12-02T23:00:00Z'))).toBe(false);
    expect(keptFiguresHold(readOn2nd, at('2026-12-03T00:05:00Z'))).toBe(true);
    expect(keptFiguresHold(readOn2nd, at('2026-12-31T00:05:00Z'))).toBe(true);
  });

  it('read only on the 1st (data may have arrived late), of another month, or missing: read again', () => {
    expect(keptFiguresHold(kept('2026-11', '2026-12-01T00:05:00Z'), at('2026-12-10T00:05:00Z'))).toBe(false);
    expect(keptFiguresHold(kept('2026-10', '2026-11-20T00:05:00Z'), at('2026-12-10T00:05:00Z'))).toBe(false);
    expect(keptFiguresHold(kept('2026-12', '2027-01-05T00:05:00Z'), at('2027-01-31T00:05:00Z'))).toBe(true);
    expect(keptFiguresHold(kept('2026-12', '2027-01-05T00:05:00Z'), at('2027-02-03T00:05:00Z'))).toBe(false);
    expect(keptFiguresHold(undefined, at('2026-12-10T00:05:00Z'))).toBe(false);
  });
});
