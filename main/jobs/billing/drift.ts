/**
 * The seat drift report: per customer, the seats Umbrella bills the MSP against what the PSA bills the
 * customer for the Umbrella product on the day, and why they differ or cannot be compared. Read only.
 */
import { companyKey, type PsaCompany } from '../../adapters/psa/adapter';
import type { BilledLines, BillingProduct, BillingReader } from '../../adapters/psa/billing';
import type { UmbrellaCustomer } from '../../adapters/umbrella/client';
import type { CustomerMapping, DriftReport, DriftRow, DriftStatus } from '../../../preload/contract';

export type { DriftReport, DriftRow, DriftStatus };

export interface DriftInput {
  customers: readonly UmbrellaCustomer[];
  mappings: Record<string, CustomerMapping>;
  companies: Map<string, PsaCompany>;
  reader: BillingReader;
  product: BillingProduct;
  /** Customers (Umbrella org id) billed with another product than `product`, and those products. */
  overrides?: { byOrg: Record<string, number>; products: ReadonlyMap<number, BillingProduct> };
  /** YYYY-MM-DD */
  day: string;
  /** The provider console's seats, or why there are none. */
  console?: { seats: DriftReport['console']; note: string | null };
}

const AGREEMENT = { connectwise: 'agreement', autotask: 'Recurring Service contract' } as const;

export async function driftReport(input: DriftInput): Promise<DriftReport> {
  const { customers, mappings, companies, reader, product, day } = input;
  const where = AGREEMENT[reader.kind];
  const placed = customers.filter((c) => mappings[String(c.customerId)]?.excluded !== true).map((customer) => {
    const reference = mappings[String(customer.customerId)]?.psaCompany ?? null;
    const company = reference ? companies.get(companyKey(reference)) : undefined;
    return { customer, reference, company: company?.active ? company : undefined, found: company };
  });
  // One read per product: the default's for most customers, an override's for the few billed with another.
  const productOf = (orgId: number) => {
    const id = input.overrides?.byOrg[String(orgId)];
    return id === undefined ? product : input.overrides?.products.get(id) ?? product;
  };
  const billedBy = new Map<number, Map<number, BilledLines>>();
  for (const each of new Set(placed.map((p) => productOf(p.customer.customerId)))) {
    const companiesOf = placed.filter((p) => p.company && productOf(p.customer.customerId) === each).flatMap((p) => (p.company ? [p.company] : []));
    const active = [...new Map(companiesOf.map((c) => [c.id, c] as const)).values()];
    billedBy.set(each.id, active.length > 0 ? await reader.billed(active, each.id, day) : new Map<number, BilledLines>());
  }
  const rows = placed.map(({ customer, reference, company, found }): DriftRow => {
    const own = productOf(customer.customerId);
    const billed = billedBy.get(own.id) ?? new Map<number, BilledLines>();
    const base = {
      orgId: customer.customerId, customer: customer.customerName, seats: customer.seats ?? 0, psaCompany: reference, billed: null, difference: null, lines: [],
      product: own === product ? null : { id: own.id, name: own.name },
    };
    if (!reference) return { ...base, status: 'not-mapped', detail: 'Not mapped to a PSA company: map it on the Customers screen or with "umbrella-psa-sync map".' };
    if (customer.trial === true) return { ...base, status: 'trial', detail: 'On a trial: Cisco does not bill its seats yet, so they are not compared (nor ever in a plan).' };
    if (!company) return { ...base, status: 'no-company', detail: found ? `The PSA company "${found.name}" is inactive.` : `The PSA company "${reference}" was not found in the PSA.` };
    const lines = billed.get(company.id) ?? { kind: 'no-agreement' as const };
    if (lines.kind === 'no-agreement') return { ...base, status: 'no-agreement', detail: `${company.name} has no ${where}.` };
    if (lines.kind === 'ended') return { ...base, status: 'ended', detail: `No ${where} of ${company.name} is in force on ${day}: ${lines.detail}.` };
    if (lines.lines.length === 0) return { ...base, status: 'no-line', detail: `No line bills ${own.name} on the ${where} of ${company.name}.` };
    if (lines.lines.length > 1) {
      return { ...base, lines: lines.lines, status: 'several-lines', detail: `${String(lines.lines.length)} lines bill ${own.name}: ${lines.lines.map((l) => `${String(l.quantity)} on ${l.where}`).join(', ')}; which one is Umbrella's is not guessed.` };
    }
    const [line] = lines.lines;
    const quantity = Math.round(line?.quantity ?? 0);
    const difference = base.seats - quantity;
    const status: DriftStatus = difference === 0 ? 'in-step' : difference > 0 ? 'under-billed' : 'over-billed';
    const detail = difference === 0 ? `Billed ${String(quantity)} on ${line?.where ?? ''}.`
      : `Billed ${String(quantity)} on ${line?.where ?? ''}: ${difference > 0 ? `${String(difference)} seat(s) not billed` : `${String(-difference)} seat(s) more than Umbrella has`}.`;
    return { ...base, billed: quantity, difference, lines: lines.lines, status, detail };
  });
  const compared = rows.filter((r) => r.billed !== null);
  const sum = (list: DriftRow[], value: (r: DriftRow) => number) => list.reduce((n, r) => n + value(r), 0);
  const under = rows.filter((r) => r.status === 'under-billed');
  const over = rows.filter((r) => r.status === 'over-billed');
  return {
    day, product, rows, console: input.console?.seats ?? null, consoleNote: input.console?.note ?? null,
    totals: {
      umbrellaSeats: sum(rows.filter((r) => r.status !== 'not-mapped' && r.status !== 'no-company' && r.status !== 'trial'), (r) => r.seats),
      compared: compared.length,
      comparedSeats: sum(compared, (r) => r.seats),
      billedSeats: sum(compared, (r) => r.billed ?? 0),
      inStep: rows.filter((r) => r.status === 'in-step').length,
      underBilled: { customers: under.length, seats: sum(under, (r) => r.difference ?? 0) },
      overBilled: { customers: over.length, seats: -sum(over, (r) => r.difference ?? 0) },
      toReview: rows.filter((r) => r.billed === null && r.status !== 'trial').length,
      trials: rows.filter((r) => r.status === 'trial').length,
    },
  };
}
