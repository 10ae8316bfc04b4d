/**
 * Autotask billing, read only: a company's Recurring Service contracts (type 7), the contract services of the
 * service chosen for Umbrella on those in force, and each one's units on the day (the ContractServiceUnits row
 * whose period covers it; the latest when two touch). Queries batch the companies and contracts with `in`
 * filters, so a report costs a few requests, not a few per customer.
 */
import { chunks } from '../../../domain/collections';
import type { PsaCompany } from '../adapter';
import { dayOf, type BilledLines, type BillingProduct, type BillingReader } from '../billing';
import type { AutotaskClient, AutotaskFilter } from './client';
import { ContractSchema, ContractServiceSchema, ContractServiceUnitSchema, ServiceSchema, type AutotaskContract, type AutotaskContractService, type AutotaskContractServiceUnit } from './schemas';

export const RECURRING_SERVICE = 7;
export const ACTIVE = 1;
/** Ids per `in` filter. */
const CHUNK = 200;

/** Units rows whose period covers the day (a row ends where the next, from an adjustment, may start). */
export const unitsCovering = (day: string): AutotaskFilter[] => [{ op: 'lte', field: 'startDate', value: `${day}T23:59:59` }, { op: 'gte', field: 'endDate', value: `${day}T00:00:00` }];

/** Of the rows covering a day, the one in force: the latest to start (an adjustment starts a new one). */
export function rowInForce(rows: readonly AutotaskContractServiceUnit[]): AutotaskContractServiceUnit | undefined {
  return [...rows].sort((a, b) => b.startDate.localeCompare(a.startDate))[0];
}

function inForce(contract: AutotaskContract, day: string): boolean {
  const start = dayOf(contract.startDate);
  const end = dayOf(contract.endDate);
  return contract.status === ACTIVE && (start === null || start <= day) && (end === null || end >= day);
}

export class AutotaskBillingReader implements BillingReader {
  readonly kind = 'autotask' as const;

  constructor(private readonly client: AutotaskClient) {}

  async findProduct(reference: string): Promise<BillingProduct | null> {
    const text = reference.trim();
    const rows = /^\d+$/.test(text)
      ? await this.client.query('Services', [{ op: 'eq', field: 'id', value: Number(text) }], ServiceSchema)
      : await this.client.query('Services', [{ op: 'eq', field: 'name', value: text }], ServiceSchema);
    const service = rows[0];
    return service ? { id: service.id, name: service.name, active: service.isActive !== false } : null;
  }

  async billed(companies: readonly PsaCompany[], productId: number, day: string): Promise<Map<number, BilledLines>> {
    const contracts: AutotaskContract[] = [];
    for (const ids of chunks(companies.map((c) => c.id), CHUNK)) {
      contracts.push(...await this.client.query('Contracts', [{ op: 'in', field: 'companyID', value: ids }, { op: 'eq', field: 'contractType', value: RECURRING_SERVICE }], ContractSchema));
    }
    const current = contracts.filter((c) => inForce(c, day));
    const services: AutotaskContractService[] = [];
    const units: AutotaskContractServiceUnit[] = [];
    for (const ids of chunks(current.map((c) => c.id), CHUNK)) {
      services.push(...await this.client.query('ContractServices', [{ op: 'in', field: 'contractID', value: ids }, { op: 'eq', field: 'serviceID', value: productId }], ContractServiceSchema));
      units.push(...await this.client.query('ContractServiceUnits', [
        { op: 'in', field: 'contractID', value: ids }, { op: 'eq', field: 'serviceID', value: productId }, ...unitsCovering(day),
      ], ContractServiceUnitSchema));
    }
    const result = new Map<number, BilledLines>();
    for (const company of companies) {
      const own = contracts.filter((c) => c.companyID === company.id);
      const live = own.filter((c) => inForce(c, day));
      if (own.length === 0) {
        result.set(company.id, { kind: 'no-agreement' });
      } else if (live.length === 0) {
        result.set(company.id, { kind: 'ended', detail: own.map((c) => `contract ${String(c.id)} (${c.contractName ?? 'Recurring Service'}) ${c.status === ACTIVE ? `ended on ${dayOf(c.endDate) ?? '?'}` : 'inactive'}`).join('; ') });
      } else {
        const lines = services.filter((s) => live.some((c) => c.id === s.contractID)).map((s) => {
          const row = rowInForce(units.filter((u) => u.contractServiceID === s.id || (u.contractServiceID == null && u.contractID === s.contractID)));
          const contract = live.find((c) => c.id === s.contractID);
          return { id: s.id, agreementId: s.contractID, quantity: row?.units ?? 0, where: `contract ${String(s.contractID)} (${contract?.contractName ?? 'Recurring Service'})` };
        });
        result.set(company.id, { kind: 'lines', lines });
      }
    }
    return result;
  }
}
