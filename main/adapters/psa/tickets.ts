/**
 * What the ticket engine needs from a PSA. The engine never branches on the PSA kind.
 * Ticket options (board/queue, status, priority, types) come from the wizard's settings.
 */
import { missingTicketingChoice, type PsaKind, type Settings } from '../../../preload/contract';
import { NO_API_USAGE, type PsaApiUsage, type PsaCompany } from './adapter';
import type { ConnectWiseClient } from './connectwise/client';
import type { AutotaskClient } from './autotask/client';
import { TICKET_STATUS_COMPLETE } from './autotask/client';
import { NotConfiguredError } from '../../domain/errors';

export type TicketState = 'open' | 'closed' | 'missing';

export interface NewBotnetTicket {
  company: PsaCompany;
  summary: string;
  description: string;
  /** Unique per (customer, identity, window); stored in the ticket so a lost create can be found. */
  marker: string;
}

export interface PsaTicketAdapter {
  readonly kind: PsaKind;
  /** Creates the ticket. Not retried: after an unknown outcome the engine looks it up by marker. */
  createTicket(ticket: NewBotnetTicket): Promise<number>;
  findTicketByMarker(marker: string): Promise<number | null>;
  /** An open ticket whose marker starts with `prefix` (whichever window opened it), the oldest first. */
  findOpenTicket(prefix: string): Promise<{ id: number; marker: string } | null>;
  /** By ticket id, so a ticket moved to another board or queue is still found. */
  ticketState(id: number): Promise<TicketState>;
  addNote(id: number, title: string, text: string): Promise<void>;
  requestCount(): number;
  apiUsage(): PsaApiUsage;
}

export const CW_SUMMARY_MAX = 100;

export class ConnectWiseTicketAdapter implements PsaTicketAdapter {
  readonly kind = 'connectwise' as const;

  constructor(private readonly client: ConnectWiseClient, private readonly ticketing: Settings['ticketing']['connectwise']) {
    const missing = missingTicketingChoice('connectwise', { connectwise: ticketing });
    if (missing) throw new NotConfiguredError(`${missing}: pick one in step 3 of the setup wizard, or run "umbrella-psa-sync configure ticketing".`);
  }

  requestCount(): number {
    return this.client.stats.requests;
  }

  apiUsage(): PsaApiUsage {
    return NO_API_USAGE;
  }

  async createTicket(ticket: NewBotnetTicket): Promise<number> {
    const t = this.ticketing;
    const created = await this.client.createTicket({
      summary: ticket.summary.slice(0, CW_SUMMARY_MAX), companyId: ticket.company.id, boardId: t.boardId ?? 0,
      statusId: t.statusId, priorityId: t.priorityId, typeId: t.typeId, subTypeId: t.subTypeId, itemId: t.itemId,
      initialDescription: ticket.description, externalXRef: ticket.marker,
    });
    return created.id;
  }

  async findTicketByMarker(marker: string): Promise<number | null> {
    return (await this.client.findTicketsByExternalRef(marker))[0]?.id ?? null;
  }

  async findOpenTicket(prefix: string): Promise<{ id: number; marker: string } | null> {
    const [oldest] = (await this.client.findOpenTicketsByExternalRefPrefix(prefix)).sort((a, b) => a.id - b.id);
    return oldest ? { id: oldest.id, marker: oldest.externalXRef ?? '' } : null;
  }

  async ticketState(id: number): Promise<TicketState> {
    const ticket = await this.client.getTicket(id);
    if (!ticket) return 'missing';
    return ticket.closedFlag ? 'closed' : 'open';
  }

  async addNote(id: number, title: string, text: string): Promise<void> {
    await this.client.addNote(id, `${title}\n\n${text}`);
  }
}

export class AutotaskTicketAdapter implements PsaTicketAdapter {
  readonly kind = 'autotask' as const;

  constructor(private readonly client: AutotaskClient, private readonly ticketing: Settings['ticketing']['autotask']) {
    const missing = missingTicketingChoice('autotask', { autotask: ticketing });
    if (missing) throw new NotConfiguredError(`${missing}: pick them in step 3 of the setup wizard, or run "umbrella-psa-sync configure ticketing".`);
  }

  requestCount(): number {
    return this.client.stats.requests;
  }

  apiUsage(): PsaApiUsage {
    return this.client.budget.snapshot();
  }

  createTicket(ticket: NewBotnetTicket): Promise<number> {
    const t = this.ticketing;
    return this.client.createTicket({
      companyID: ticket.company.id, title: ticket.summary.slice(0, 255), description: ticket.description,
      queueID: t.queueId ?? 0, status: t.statusId ?? 1, priority: t.priorityId ?? 0,
      issueType: t.issueTypeId, subIssueType: t.subIssueTypeId, externalID: ticket.marker,
    });
  }

  async findTicketByMarker(marker: string): Promise<number | null> {
    return (await this.client.findTicketsByExternalId(marker))[0]?.id ?? null;
  }

  async findOpenTicket(prefix: string): Promise<{ id: number; marker: string } | null> {
    const [oldest] = (await this.client.findOpenTicketsByExternalIdPrefix(prefix)).sort((a, b) => a.id - b.id);
    return oldest ? { id: oldest.id, marker: oldest.externalID ?? '' } : null;
  }

  async ticketState(id: number): Promise<TicketState> {
    const ticket = await this.client.getTicket(id);
    if (!ticket) return 'missing';
    return ticket.status === TICKET_STATUS_COMPLETE ? 'closed' : 'open';
  }

  async addNote(id: number, title: string, text: string): Promise<void> {
    await this.client.addNote(id, title, text);
  }
}
