import { describe, expect, it } from 'vitest';
import { nameSimilarity, nameWords, suggestMappings } from '../../main/jobs/mapping/suggest';
import { buildWorld } from '../../simulators/seed';

describe('mapping suggestions', () => {
  it('normalises what differs between systems for the same company', () => {
    expect(nameWords('Baker & Sons Plumbing, LLC')).toEqual(['baker', 'and', 'sons', 'plumbing']);
    expect(nameWords('Evergreen Property Mgmt')).toEqual(['evergreen', 'property', 'management']);
    expect(nameSimilarity('Harbor View Hotel', 'Harborview Hotel')).toBe(1);
    expect(nameSimilarity('Acme Corporation', 'Acme Corp')).toBe(1);
    expect(nameSimilarity('Riverside Orthopedics', 'Riverside Orthopaedics')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Maple Street Bakery', 'Fabrikam Inc')).toBeLessThan(0.4);
  });

  it.each(['connectwise', 'autotask'] as const)('finds the company a person would pick for every demo customer in %s, and nothing for the rest', (kind) => {
    const world = buildWorld({ anchor: Date.UTC(2026, 10, 25) });
    const companies = kind === 'connectwise'
      ? world.connectwise.companies.map((c) => ({ reference: c.identifier, name: c.name, active: c.status.name === 'Active' }))
      : world.autotask.companies.map((c) => ({ reference: String(c.id), name: c.companyName, active: c.isActive }));
    const customers = world.customers.map((c) => ({ orgId: c.customerId, name: c.customerName }));
    const suggestions = suggestMappings(customers, companies);
    for (const customer of world.customers) {
      const expected = kind === 'connectwise' ? world.expectedMatches[customer.customerId]?.connectwise : world.expectedMatches[customer.customerId]?.autotask?.toString();
      const suggested = suggestions.find((s) => s.orgId === customer.customerId);
      expect(suggested?.reference, customer.customerName).toBe(expected);
    }
    expect(Math.min(...suggestions.map((s) => s.confidence))).toBeGreaterThanOrEqual(0.6);
  });

  it('suggests each PSA company once, and not companies that are already mapped', () => {
    const customers = [{ orgId: 1, name: 'Acme Corp' }, { orgId: 2, name: 'Acme Corporation' }];
    const companies = [{ reference: 'ACME', name: 'Acme Corporation', active: true }];
    expect(suggestMappings(customers, companies).map((s) => s.orgId)).toHaveLength(1);
    expect(suggestMappings(customers, companies, new Set(['acme']))).toEqual([]);
  });

  it('gives the same suggestions as comparing every customer with every company (the shortcuts only skip work)', () => {
    const world = buildWorld({ customers: 400, anchor: Date.UTC(2026, 10, 25) });
    const customers = world.customers.map((c) => ({ orgId: c.customerId, name: c.customerName }));
    // Duplicated and inactive names exercise the cases the exact-match shortcut must leave to the full comparison.
    const companies = [
      ...world.connectwise.companies.map((c, i) => ({ reference: c.identifier, name: c.name, active: i % 9 !== 0 })),
      ...world.connectwise.companies.slice(0, 40).map((c) => ({ reference: `${c.identifier}-2`, name: c.name.toUpperCase(), active: true })),
    ];
    const pairs = customers.flatMap((customer) => companies.map((company) => {
      const confidence = nameSimilarity(customer.name, company.name) * (company.active ? 1 : 0.95);
      return { orgId: customer.orgId, reference: company.reference, name: company.name, confidence: Math.round(confidence * 100) / 100 };
    })).filter((p) => p.confidence >= 0.6).sort((x, y) => y.confidence - x.confidence || x.orgId - y.orgId);
    const expected: typeof pairs = [];
    for (const pair of pairs) if (!expected.some((e) => e.orgId === pair.orgId || e.reference === pair.reference)) expected.push(pair);
    expect(suggestMappings(customers, companies)).toEqual(expected);
  });
});
