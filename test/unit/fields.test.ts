import { describe, expect, it } from 'vitest';
import { FIELDS, FIELD_KEYS, formatFields, formatLastUpdated, NAMES_LIMIT, normaliseFieldName } from '../../main/domain/fields';
import { previousMonth } from '../../main/domain/windows';

describe('the 16 fields', () => {
  it('cover every key once, in ConnectWise order, with Autotask UDFs numbered 1..16 (Last Updated second)', () => {
    expect(FIELDS.map((f) => f.key)).toEqual([...FIELD_KEYS]);
    expect(FIELDS.map((f) => f.udfNumber).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect([...FIELDS].sort((a, b) => a.udfNumber - b.udfNumber)[1]?.udf).toBe('Last Updated');
    expect(FIELDS.filter((f) => f.multiLine).map((f) => f.udfNumber)).toEqual([7, 10, 14, 15, 16]);
  });

  it('formats lists compactly and stably', () => {
    const values = formatFields({
      organizationId: 42, package: null, seats: null, totalNetworks: 2, activeNetworks: 1, inactiveNetworks: ['b-net', 'A-net'],
      agentsDeployed: 0, activeAgents: 0, inactiveAgents: Array.from({ length: NAMES_LIMIT + 3 }, (_, i) => `WS-${String(i).padStart(3, '0')}`),
      dnsQueriesLastMonth: 0, malwareLastMonth: 0, botnetLastMonth: 0,
      topDomains: Array.from({ length: 12 }, (_, i) => ({ name: `d${String(i)}.example`, count: 100 - i })), topBlockedDomains: [],
      topCategories: [{ name: 'Web-based Email', count: 12 }, { name: 'News', count: 3 }], lastUpdated: new Date('2026-11-25T00:00:07.123Z'),
    });
    expect(values.organizationId).toBe('42');
    expect(values.package).toBe('');
    expect(values.inactiveNetworks).toBe('A-net\nb-net');
    expect(String(values.inactiveAgents).split('\n')).toHaveLength(NAMES_LIMIT + 1);
    expect(String(values.inactiveAgents).split('\n').at(-1)).toBe('… and 3 more');
    expect(String(values.topDomains).split('\n')).toHaveLength(10);
    expect(values.topCategories).toBe('Web-based Email (12)\nNews (3)');
    expect(values.lastUpdated).toBe('2026-11-25 00:00 UTC');
    expect(formatLastUpdated(new Date('2026-01-05T13:45:59Z'))).toBe('2026-01-05 13:45 UTC');
  });

  it('recognises existing fields worded slightly differently, and nothing else', () => {
    expect(normaliseFieldName('DNS Requests Last Month')).toBe(normaliseFieldName('DNS Queries Last Month'));
    expect(normaliseFieldName('Umbrella Agents Active in Last 7 Days')).toBe(normaliseFieldName('Active Agents (7 days)'));
    expect(normaliseFieldName('Active Networks in Last 7 Days')).toBe(normaliseFieldName('Active Networks (7 days)'));
    expect(normaliseFieldName('Umbrella Agents Deployed')).toBe(normaliseFieldName('Roaming Agents Deployed'));
    const all = FIELDS.map((f) => normaliseFieldName(f.question));
    expect(new Set(all).size).toBe(16);
    expect(FIELDS.every((f) => normaliseFieldName(f.udf) === normaliseFieldName(f.question))).toBe(true);
  });

  it('"last month" is the previous calendar month in UTC, across a year boundary', () => {
    expect(previousMonth(new Date('2026-01-01T00:00:00Z'))).toEqual({ from: Date.UTC(2025, 11, 1), to: Date.UTC(2026, 0, 1) - 1 });
    expect(previousMonth(new Date('2026-03-31T23:59:59Z'))).toEqual({ from: Date.UTC(2026, 1, 1), to: Date.UTC(2026, 2, 1) - 1 });
  });
});
