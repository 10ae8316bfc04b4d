/**
 * ConnectWise seat write-back on an agreement addition. Where the agreement prorates and the line began before
 * the day, the line is ended on the day and a new one added from it (the history and the proration stay right);
 * otherwise its quantity is set in place. Only quantity, dates and the description are sent: never a price or a
 * cost, never a delete. Needs Finance > Agreements: Add, Edit, Inquire.
 */
import type { PsaWrite } from '../../../../preload/contract';
import { dayOf, type BillingWriter, type LineReading, type LineTarget, type SeatChange } from '../billing';
import { additionInForce, agreementInForce } from './billing';
import type { ConnectWiseClient } from './client';
import type { Addition, Agreement } from './schemas';

const MONTHS_PER_CYCLE: Record<string, number> = { monthly: 1, quarterly: 3, 'semi-annual': 6, 'semi-annually': 6, annual: 12, annually: 12, yearly: 12 };

/** A date as ConnectWise takes it: midnight UTC, no milliseconds. */
const psaDate = (day: string) => `${day}T00:00:00Z`;

function monthsBefore(day: string, months: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}

/** Why nothing may be dated on the day in this agreement, or null. */
function agreementBlock(agreement: Agreement, day: string): string | null {
  const name = `agreement ${String(agreement.id)} (${agreement.name})`;
  if (agreement.cancelledFlag === true || (agreement.agreementStatus ?? 'Active') !== 'Active') {
    return `${name} is ${agreement.cancelledFlag === true ? 'cancelled' : (agreement.agreementStatus ?? '').toLowerCase()}: nothing is written into it`;
  }
  if (!agreementInForce(agreement, day)) return `${name} is not in force on ${day} (${dayOf(agreement.startDate) ?? '?'} to ${agreement.noEndingDateFlag === true ? 'no end' : dayOf(agreement.endDate) ?? '?'})`;
  const next = dayOf(agreement.nextInvoiceDate);
  if (next !== null) {
    // Invoiced in advance: the period before the next invoice is on the last one; earlier ones are closed.
    const lastInvoice = monthsBefore(next, MONTHS_PER_CYCLE[(agreement.billingCycle?.name ?? '').toLowerCase()] ?? 1);
    if (day < lastInvoice) return `${name} has invoiced the period before ${lastInvoice} (next invoice ${next}): a change dated ${day} would fall in it`;
  }
  return null;
}

export class ConnectWiseBillingWriter implements BillingWriter {
  readonly kind = 'connectwise' as const;

  constructor(private readonly client: ConnectWiseClient) {}

  private async look(target: LineTarget, day: string): Promise<{ reading: LineReading; agreement: Agreement | null; line: Addition | null; ended: Addition | null }> {
    const none = (blocked: string) => ({ reading: { quantity: null, lineId: null, method: 'set-quantity' as const, detail: '', blocked, halfDone: false }, agreement: null, line: null, ended: null });
    const agreement = await this.client.getAgreement(target.agreementId);
    if (!agreement) return none(`agreement ${String(target.agreementId)} is no longer in ConnectWise`);
    const blocked = agreementBlock(agreement, day);
    const additions = (await this.client.listAdditions(agreement.id, target.productId)).filter((a) => a.product.id === target.productId);
    const live = additions.filter((a) => additionInForce(a, day));
    const where = `agreement ${String(agreement.id)} (${agreement.name})`;
    if (live.length > 1) return { ...none(`${String(live.length)} lines of the product are in force on ${day} on ${where}; which one is Umbrella's is not guessed`), agreement };
    const [line] = live;
    if (!line) {
      // Ended on the day by an earlier attempt whose new line was not added: that attempt is finished, not refused.
      const ended = additions.find((a) => a.id === target.lineId && dayOf(a.cancelledDate) === day) ?? null;
      const reading: LineReading = ended
        ? { quantity: null, lineId: null, method: 'end-and-add', detail: `Line ${String(ended.id)} was ended on ${day}; a new line from ${day} is added.`, blocked, halfDone: true }
        : { quantity: null, lineId: null, method: 'set-quantity', detail: '', blocked: blocked ?? `no line of the product is in force on ${day} on ${where}`, halfDone: false };
      return { reading, agreement, line: null, ended };
    }
    const quantity = Math.round(line.quantity ?? 0);
    const startsBefore = (dayOf(line.effectiveDate) ?? '0000-00-00') < day;
    let method: LineReading['method'] = 'set-quantity';
    let detail = `The quantity of addition ${String(line.id)} on ${where} is set in place.`;
    if (agreement.prorateFlag === true && startsBefore) {
      const item = await this.client.getCatalogItem(target.productId);
      const catalogPrice = item?.price ?? null;
      if (line.unitPrice !== undefined && line.unitPrice !== null && catalogPrice !== null && line.unitPrice !== catalogPrice) {
        detail = `The agreement prorates, but addition ${String(line.id)} has its own price (${String(line.unitPrice)}, catalog ${String(catalogPrice)}): a new line would take the catalog price, so the quantity is set in place.`;
      } else {
        method = 'end-and-add';
        detail = `The agreement prorates: addition ${String(line.id)} is ended on ${day} and a new line added from ${day}, at the same price.`;
      }
    }
    return { reading: { quantity, lineId: line.id, method, detail, blocked, halfDone: false }, agreement, line, ended: null };
  }

  async read(target: LineTarget, day: string): Promise<LineReading> {
    return (await this.look(target, day)).reading;
  }

  async write(change: SeatChange, recorded: (write: PsaWrite) => void): Promise<void> {
    const { reading, agreement, line, ended } = await this.look(change.target, change.effective);
    if (reading.blocked !== null || !agreement) throw new Error(reading.blocked ?? 'The agreement is gone');
    const base = { ...change.audit, psa: 'connectwise' as const, entity: 'agreement addition' as const };
    const where = `agreement ${String(agreement.id)} (${agreement.name}), effective ${change.effective}`;
    const quantityChange = (from: number | null) => [{ field: 'quantity', old: from, new: change.to }];
    const addFrom = async (old: Addition) => {
      const created = await this.client.createAddition(agreement.id, {
        product: { id: change.target.productId }, billCustomer: old.billCustomer ?? 'Billable', quantity: change.to, effectiveDate: psaDate(change.effective),
        description: change.note.title, ...(old.lessIncluded != null ? { lessIncluded: old.lessIncluded } : {}),
        ...(old.taxableFlag != null ? { taxableFlag: old.taxableFlag } : {}), ...(old.invoiceDescription ? { invoiceDescription: old.invoiceDescription } : {}),
      });
      recorded({ ...base, entityId: String(created.id), action: 'created', changes: quantityChange(null), detail: `${change.note.title}; ${where}` });
    };
    if (reading.halfDone && ended) {
      await addFrom(ended);
      return;
    }
    if (!line) throw new Error('No line of the product is in force on the day');
    if (reading.quantity === change.to) return;
    if (reading.method === 'end-and-add') {
      await this.client.patchAddition(agreement.id, line.id, { cancelledDate: psaDate(change.effective) });
      recorded({ ...base, entityId: String(line.id), action: 'updated', changes: [{ field: 'cancelledDate', old: dayOf(line.cancelledDate), new: change.effective }], detail: `Ended for ${change.note.title}` });
      await addFrom(line);
      return;
    }
    await this.client.patchAddition(agreement.id, line.id, { quantity: change.to, description: change.note.title });
    recorded({ ...base, entityId: String(line.id), action: 'updated', changes: quantityChange(reading.quantity), detail: `${change.note.title}; ${where}` });
  }
}
