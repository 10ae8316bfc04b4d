/**
 * Autotask seat write-back: one ContractServiceAdjustment of the difference, dated on the day, on a contract
 * service that exists (an adjustment for a missing pair would silently add a line), then a contract note that
 * says what changed and why. An adjustment cannot be read, changed or deleted and applies again if sent again:
 * the units in force are read before it is sent and after any error. adjustedUnitPrice and adjustedUnitCost
 * are never sent. Needs Contracts: View and Edit (the API-only security level has both).
 */
import type { PsaWrite } from '../../../../preload/contract';
import { dayOf, type BillingWriter, type LineReading, type LineTarget, type SeatChange } from '../billing';
import { ACTIVE, RECURRING_SERVICE, rowInForce, unitsCovering } from './billing';
import type { AutotaskClient } from './client';
import { ContractNoteSchema, ContractSchema, ContractServiceSchema, ContractServiceUnitSchema } from './schemas';

const blocked = (reason: string): LineReading => ({ quantity: null, lineId: null, method: 'adjust', detail: '', blocked: reason, halfDone: false });

export class AutotaskBillingWriter implements BillingWriter {
  readonly kind = 'autotask' as const;

  constructor(private readonly client: AutotaskClient) {}

  async read(target: LineTarget, day: string): Promise<LineReading> {
    const contract = await this.client.get('Contracts', target.agreementId, ContractSchema);
    const name = `contract ${String(target.agreementId)}${contract?.contractName ? ` (${contract.contractName})` : ''}`;
    if (!contract) return blocked(`${name} is no longer in Autotask`);
    if (contract.contractType !== RECURRING_SERVICE) return blocked(`${name} is not a Recurring Service contract: nothing is written into it`);
    if (contract.status !== ACTIVE) return blocked(`${name} is inactive: nothing is written into it`);
    const start = dayOf(contract.startDate);
    const end = dayOf(contract.endDate);
    if ((start !== null && start > day) || (end !== null && end < day)) return blocked(`${name} is not in force on ${day} (${start ?? '?'} to ${end ?? '?'})`);
    const services = await this.client.query('ContractServices', [{ op: 'eq', field: 'contractID', value: contract.id }, { op: 'eq', field: 'serviceID', value: target.productId }], ContractServiceSchema);
    if (services.length === 0) return blocked(`the service is not on ${name}: an adjustment would add it, and the app never adds a line`);
    if (services.length > 1) return blocked(`${String(services.length)} lines of the service are on ${name}; which one is Umbrella's is not guessed`);
    const [service] = services;
    const row = rowInForce(await this.client.query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: contract.id }, { op: 'eq', field: 'serviceID', value: target.productId }, ...unitsCovering(day),
    ], ContractServiceUnitSchema));
    if (!service || !row) return blocked(`${name} has no units period covering ${day}`);
    const posted = dayOf(row.approveAndPostDate);
    if (posted !== null) return { ...blocked(`the period ${dayOf(row.startDate) ?? ''} to ${dayOf(row.endDate) ?? ''} on ${name} was approved and posted on ${posted}: a change dated ${day} would fall in it`), quantity: row.units, lineId: service.id };
    return {
      quantity: row.units, lineId: service.id, method: 'adjust', blocked: null, halfDone: false,
      detail: `One adjustment of the difference from ${day} on contract service ${String(service.id)} of ${name}, with a contract note.`,
    };
  }

  async write(change: SeatChange, recorded: (write: PsaWrite) => void): Promise<void> {
    const reading = await this.read(change.target, change.effective);
    if (reading.blocked !== null || reading.quantity === null || reading.lineId === null) throw new Error(reading.blocked ?? 'No units period covers the day');
    if (reading.quantity === change.to) return;
    const { agreementId: contractID, productId: serviceID } = change.target;
    const itemId = await this.client.create(`Contracts/${String(contractID)}/ServiceAdjustments`, {
      contractID, serviceID, contractServiceID: reading.lineId, unitChange: change.to - reading.quantity, effectiveDate: `${change.effective}T00:00:00`,
    });
    recorded({
      ...change.audit, psa: 'autotask', entity: 'service adjustment', entityId: String(itemId), action: 'added',
      changes: [{ field: 'units', old: reading.quantity, new: change.to }], detail: `${change.note.title}; contract ${String(contractID)}, effective ${change.effective}`,
    });
  }

  /** The contract note of an applied change, unless one with its title is there already (a note is not written twice). */
  async annotate(change: SeatChange, recorded: (write: PsaWrite) => void): Promise<void> {
    const contractID = change.target.agreementId;
    const existing = await this.client.query('ContractNotes', [{ op: 'eq', field: 'contractID', value: contractID }, { op: 'eq', field: 'title', value: change.note.title }], ContractNoteSchema);
    if (existing.length > 0) return;
    const id = await this.client.create(`Contracts/${String(contractID)}/Notes`, { contractID, title: change.note.title.slice(0, 250), description: change.note.text.slice(0, 8000) });
    recorded({ ...change.audit, psa: 'autotask', entity: 'contract note', entityId: String(id), action: 'added', changes: [], detail: change.note.title });
  }
}
