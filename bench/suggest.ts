/**
 * Mapping suggestions at scale: suggestMappings for N generated customers and companies, and at
 * N = 1,000 the same answer computed the plain way (every pair scored) for a ratio from one run.
 */
import { nameSimilarity, suggestMappings, MIN_CONFIDENCE, type Candidate } from '../main/jobs/mapping/suggest';
import { buildWorld } from '../simulators/seed';

function bruteForce(customers: { orgId: number; name: string }[], companies: Candidate[]) {
  const pairs = customers.flatMap((customer) => companies.map((company) => ({ orgId: customer.orgId, reference: company.reference, confidence: nameSimilarity(customer.name, company.name) * (company.active ? 1 : 0.95) })))
    .filter((p) => p.confidence >= MIN_CONFIDENCE).sort((x, y) => y.confidence - x.confidence);
  const used = new Set<string>();
  const done = new Set<number>();
  let chosen = 0;
  for (const p of pairs) {
    if (done.has(p.orgId) || used.has(p.reference)) continue;
    done.add(p.orgId);
    used.add(p.reference);
    chosen++;
  }
  return chosen;
}

const time = <T>(run: () => T): [T, number] => {
  const start = performance.now();
  const value = run();
  return [value, performance.now() - start];
};

console.log('Mapping suggestions (Autotask company names, one in nine inactive)');
for (const n of [1000, 5000]) {
  const world = buildWorld({ customers: n, anchor: Date.UTC(2026, 10, 25) });
  const customers = world.customers.map((c) => ({ orgId: c.customerId, name: c.customerName }));
  const companies = world.autotask.companies.map((c, i) => ({ reference: String(c.id), name: c.companyName, active: c.isActive && i % 9 !== 0 }));
  const [suggestions, ms] = time(() => suggestMappings(customers, companies));
  let line = `N=${String(n)}: ${String(suggestions.length)} suggestions in ${ms.toFixed(0)} ms`;
  if (n <= 1000) {
    const [count, plainMs] = time(() => bruteForce(customers, companies));
    line += `; every pair scored: ${String(count)} in ${plainMs.toFixed(0)} ms (${(plainMs / ms).toFixed(1)}x slower)`;
  }
  console.log(line);
}
