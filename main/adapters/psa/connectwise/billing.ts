/**
 * ConnectWise billing, read only: a company's agreements, and on those in force the additions of the catalog
 * item chosen for Umbrella that are in force on the day (effective on or before it, not cancelled by it, line
 * status Active). Read with Finance > Agreements and Procurement > Product Catalog, Inquire All.
 */
import type { PsaCompany } from '../adapter';
import { dayOf, type BilledLines, type BillingProduct, type BillingReader } from '../billing';
import type { ConnectWiseClient } from './client';
import type { Addition, Agreement } from './schemas';

export function agreementInForce(agreement: Agreement, day: string): boolean {
  const start = dayOf(agreement.startDate);
  const end = agreement.noEndingDateFlag === true ? null : dayOf(agreement.endDate);
  return agreement.cancelledFlag !== true && (start === null || start <= day) && (end === null || end >= day);
}

export function additionInForce(addition: Addition, day: string): boolean {
  const effective = dayOf(addition.effectiveDate);
  const cancelled = dayOf(addition.cancelledDate);
  return (effective === null || effective <= day) && (cancelled === null || cancelled > day) && (addition.agreementStatus ?? 'Active') === 'Active';
}

function endedDetail(agreements: Agreement[]): string {
  return agreements.map((a) => `agreement ${String(a.id)} (${a.name}) ${a.cancelledFlag === true ? `cancelled${a.dateCancelled ? ` on ${dayOf(a.dateCancelled) ?? ''}` : ''}` : `ended on ${dayOf(a.endDate) ?? '?'}`}`).join('; ');
}

export class ConnectWiseBillingReader implements BillingReader {
  readonly kind = 'connectwise' as const;

  constructor(private readonly client: ConnectWiseClient) {}

  async findProduct(reference: string): Promise<BillingProduct | null> {
    const item = await this.client.findCatalogItem(reference.trim());
    return item ? { id: item.id, name: `${item.identifier}${item.description ? ` (${item.description})` : ''}`, active: item.inactiveFlag !== true } : null;
  }

  async billed(companies: readonly PsaCompany[], productId: number, day: string): Promise<Map<number, BilledLines>> {
    const result = new Map<number, BilledLines>();
    for (const company of companies) {
      const agreements = await this.client.listAgreements(company.id);
      if (agreements.length === 0) {
        result.set(company.id, { kind: 'no-agreement' });
        continue;
      }
      const inForce = agreements.filter((a) => agreementInForce(a, day));
      if (inForce.length === 0) {
        result.set(company.id, { kind: 'ended', detail: endedDetail(agreements) });
        continue;
      }
      const lines = [];
      for (const agreement of inForce) {
        for (const addition of await this.client.listAdditions(agreement.id, productId)) {
          if (addition.product.id !== productId || !additionInForce(addition, day)) continue;
          lines.push({ id: addition.id, agreementId: agreement.id, quantity: addition.quantity ?? 0, where: `agreement ${String(agreement.id)} (${agreement.name})` });
        }
      }
      result.set(company.id, { kind: 'lines', lines });
    }
    return result;
  }
}
