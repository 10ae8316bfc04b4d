/**
 * The lists the setup wizard offers, read from the PSA with the saved credentials: Autotask's
 * material billing codes (step 2) and the ticketing choices (step 3).
 */
import type { BillingCodeOption, Option, TicketingOptions } from '../../preload/contract';
import { PsaSetupError } from '../adapters/psa/adapter';
import { TICKET_STATUS_COMPLETE } from '../adapters/psa/autotask/client';
import type { PicklistValue } from '../adapters/psa/autotask/schemas';
import type { ConnectWiseClient } from '../adapters/psa/connectwise/client';
import { createVendorClients, type SyncSetup } from '../jobs/setup';

const byName = (a: Option, b: Option) => a.name.localeCompare(b.name);
const option = (row: { id: number; name: string }): Option => ({ id: row.id, name: row.name });
const picklistOption = (value: PicklistValue): Option => ({ id: Number(value.value), name: value.label });

export async function materialBillingCodes(setup: SyncSetup): Promise<BillingCodeOption[]> {
  const { psa } = await createVendorClients(setup);
  if (psa.kind !== 'autotask') throw new PsaSetupError('Billing codes are an Autotask setting: the chosen PSA is ConnectWise.');
  const codes = await psa.client.listMaterialBillingCodes();
  return codes.map((c) => ({ id: c.id, name: c.name, description: c.description ?? null })).sort(byName);
}

/** ConnectWise priorities are the same for every board: in ConnectWise's own order (Priority 1 first), then by name. */
async function prioritiesOf(client: ConnectWiseClient): Promise<Option[]> {
  const rows = await client.listPriorities();
  return [...rows].sort((a, b) => (a.sortOrder ?? Number.MAX_SAFE_INTEGER) - (b.sortOrder ?? Number.MAX_SAFE_INTEGER) || a.name.localeCompare(b.name)).map(option);
}

/** ConnectWise's priorities, which need no board. */
export async function connectWisePriorities(setup: SyncSetup): Promise<Option[]> {
  const { psa } = await createVendorClients(setup);
  if (psa.kind !== 'connectwise') throw new PsaSetupError('The chosen PSA is not ConnectWise.');
  return prioritiesOf(psa.client);
}

/** ConnectWise: the boards, and for `boardId` its lists. Autotask: every ticket picklist (they do not depend on the queue). */
export async function ticketingOptions(setup: SyncSetup, boardId: number | null): Promise<TicketingOptions> {
  const { psa } = await createVendorClients(setup);
  if (psa.kind === 'autotask') {
    const lists = await psa.client.ticketPicklists();
    return {
      psa: 'autotask',
      queues: lists.queueID.map(picklistOption),
      // Complete would close the ticket as it opens.
      statuses: lists.status.filter((v) => Number(v.value) !== TICKET_STATUS_COMPLETE).map(picklistOption),
      priorities: lists.priority.map(picklistOption),
      issueTypes: lists.issueType.map(picklistOption),
      subIssueTypes: lists.subIssueType.map((v) => ({ ...picklistOption(v), issueTypeId: v.parentValue ? Number(v.parentValue) : null })),
    };
  }
  const { client } = psa;
  const boards = (await client.listBoards()).map(option).sort(byName);
  if (boardId === null) return { psa: 'connectwise', boards, board: null };
  if (!boards.some((b) => b.id === boardId)) throw new PsaSetupError(`ConnectWise has no active service board with id ${String(boardId)}: pick one of its boards (the wizard's list, or "umbrella-psa-sync list boards").`);
  const [statuses, priorities, types, subTypes, items, associations] = await Promise.all([
    client.listBoardStatuses(boardId),
    prioritiesOf(client),
    client.listBoardTypes(boardId),
    client.listBoardSubTypes(boardId),
    client.listBoardItems(boardId),
    client.listTypeSubTypeItemAssociations(boardId),
  ]);
  return {
    psa: 'connectwise',
    boards,
    board: {
      // Closed statuses would close the ticket as it opens.
      statuses: statuses.filter((s) => s.closedStatus !== true).map(option),
      priorities,
      types: types.map(option).sort(byName),
      subTypes: subTypes.map(option).sort(byName),
      items: items.map(option).sort(byName),
      combinations: associations.flatMap((a) => (a.type ? [{ typeId: a.type.id, subTypeId: a.subType?.id ?? null, itemId: a.item?.id ?? null }] : [])),
    },
  };
}
