/**
 * `configure ticketing` and `list`: the wizard's step 3 from the command line. Choices are given by
 * name or id and checked against the PSA's own lists exactly as the wizard offers them: open
 * statuses only, ConnectWise subtypes and items only in the board's associations, Autotask
 * sub-issue types only under their issue type.
 */
import { missingTicketingChoice, SettingsPatchSchema, type Option, type Settings } from '../../preload/contract';
import { allowedCombinations, type ConnectWiseBoard } from '../../preload/ticketing-combinations';
import { psaCompanies } from '../jobs/mapping/overview';
import { connectWisePriorities, materialBillingCodes, ticketingOptions } from '../app/setup-lists';
import type { SettingsStore } from '../adapters/store/settings';
import { createVendorClients, NotConfiguredError, type SyncSetup } from '../jobs/setup';
import { isNone, pickOption } from './choices';
import { UsageError } from './exit-codes';

export interface TicketingFlags {
  board?: string | undefined;
  queue?: string | undefined;
  status?: string | undefined;
  priority?: string | undefined;
  type?: string | undefined;
  subtype?: string | undefined;
  item?: string | undefined;
  issueType?: string | undefined;
  subIssueType?: string | undefined;
  threshold?: string | undefined;
  fallbackCompany?: string | undefined;
  off: boolean;
}

const named = (option: Option | null | undefined, empty: string) => (option ? `${option.name} (${String(option.id)})` : empty);

/** An optional choice: the given one (or none), else the current one while it is still offered. */
function choose(options: readonly Option[], given: string | undefined, current: number | null, what: string): Option | null {
  if (given !== undefined) return isNone(given) ? null : pickOption(options, given, what);
  return current === null ? null : options.find((o) => o.id === current) ?? null;
}

async function connectwiseChoices(setup: SyncSetup, flags: TicketingFlags, current: Settings['ticketing']['connectwise']) {
  const top = await ticketingOptions(setup, null);
  if (top.psa !== 'connectwise') throw new UsageError('The chosen PSA is not ConnectWise.');
  if (flags.queue !== undefined || flags.issueType !== undefined || flags.subIssueType !== undefined) {
    throw new UsageError('ConnectWise tickets go to a board with a type, subtype and item: use --board, --type, --subtype and --item (queues and issue types are Autotask\'s).');
  }
  const board = flags.board !== undefined ? pickOption(top.boards, flags.board, 'ConnectWise service board')
    : top.boards.find((b) => b.id === current.boardId);
  if (!board) throw new UsageError(`Choose the service board with --board (name or id)${current.boardId !== null ? `; the saved board ${String(current.boardId)} is no longer offered` : ''}.`);
  const lists = await ticketingOptions(setup, board.id);
  if (lists.psa !== 'connectwise' || !lists.board) throw new UsageError(`ConnectWise returned no lists for board ${board.name}.`);
  const sameBoard = board.id === current.boardId;
  const keep = (id: number | null) => (sameBoard ? id : null);
  const status = choose(lists.board.statuses, flags.status, keep(current.statusId), `open status of board ${board.name} (a closed status would close each ticket as it opens)`);
  const priority = choose(lists.board.priorities, flags.priority, current.priorityId, 'ConnectWise priority');
  const type = choose(lists.board.types, flags.type, keep(current.typeId), `ticket type of board ${board.name}`);
  // A saved subtype or item not named again is kept while the board allows it with the new choices, and cleared, said, when not.
  const subType = pickCombination(lists.board, type, flags.subtype, keep(current.subTypeId), 'subType', board.name);
  const item = pickCombination(lists.board, type, flags.item, keep(current.itemId), 'item', board.name, subType);
  const cleared = [
    ...(flags.subtype === undefined && keep(current.subTypeId) !== null && subType === null ? [`the saved subtype ${nameOf(lists.board.subTypes, current.subTypeId)}`] : []),
    ...(flags.item === undefined && keep(current.itemId) !== null && item === null ? [`the saved item ${nameOf(lists.board.items, current.itemId)}`] : []),
  ];
  return {
    connectwise: { boardId: board.id, statusId: status?.id ?? null, priorityId: priority?.id ?? null, typeId: type?.id ?? null, subTypeId: subType?.id ?? null, itemId: item?.id ?? null },
    said: `board ${named(board, '')}, status ${named(status, "the board's default")}, priority ${named(priority, 'the default')}, type ${named(type, 'none')}, subtype ${named(subType, 'none')}, item ${named(item, 'none')}${cleared.length > 0 ? ` (${cleared.join(' and ')} cleared: the board does not allow it with these choices)` : ''}`,
  };
}

const nameOf = (options: readonly Option[], id: number | null) => options.find((o) => o.id === id)?.name ?? String(id);

/** A subtype allowed with the type, or an item allowed with both, per the board's associations. */
function pickCombination(board: ConnectWiseBoard, type: Option | null, given: string | undefined, current: number | null, which: 'subType' | 'item', boardName: string, subType: Option | null = null): Option | null {
  const label = which === 'subType' ? 'subtype' : 'item';
  if (given !== undefined && !isNone(given) && !type) throw new UsageError(`Choose a --type before its ${label}.`);
  const allowed = type ? allowedCombinations(board, type.id, subType?.id ?? null)[which === 'subType' ? 'subTypes' : 'items'] : [];
  if (given !== undefined && !isNone(given)) {
    const all = which === 'subType' ? board.subTypes : board.items;
    const option = pickOption(all, given, `${label} of board ${boardName}`);
    if (!allowed.some((o) => o.id === option.id)) {
      throw new UsageError(`Board ${boardName} does not allow the ${label} ${option.name} with type ${type?.name ?? ''}${which === 'item' ? ` and subtype ${subType?.name ?? '(none)'}` : ''}. Allowed: ${allowed.map((o) => o.name).join(', ') || 'none'}.`);
    }
    return option;
  }
  return given === undefined && current !== null ? allowed.find((o) => o.id === current) ?? null : null;
}

async function autotaskChoices(setup: SyncSetup, flags: TicketingFlags, current: Settings['ticketing']['autotask']) {
  const lists = await ticketingOptions(setup, null);
  if (lists.psa !== 'autotask') throw new UsageError('The chosen PSA is not Autotask.');
  if (flags.board !== undefined || flags.type !== undefined || flags.subtype !== undefined || flags.item !== undefined) {
    throw new UsageError('Autotask tickets go to a queue with an issue and sub-issue type: use --queue, --issue-type and --sub-issue-type (boards, types and items are ConnectWise\'s).');
  }
  const queue = choose(lists.queues, flags.queue, current.queueId, 'Autotask queue');
  if (flags.status !== undefined && /^(complete|5)$/i.test(flags.status.trim())) {
    throw new UsageError('Complete is a closed status: each ticket would close as it opens. Choose an open status, or leave it out for New.');
  }
  const status = choose(lists.statuses, flags.status, current.statusId, 'open Autotask ticket status');
  const priority = choose(lists.priorities, flags.priority, current.priorityId, 'Autotask priority');
  const issueType = choose(lists.issueTypes, flags.issueType, current.issueTypeId, 'Autotask issue type');
  const subIssues = lists.subIssueTypes.filter((s) => issueType !== null && s.issueTypeId === issueType.id);
  if (flags.subIssueType !== undefined && !isNone(flags.subIssueType) && !issueType) throw new UsageError('Choose an --issue-type before its sub-issue type.');
  const subIssueType = flags.subIssueType !== undefined && !isNone(flags.subIssueType)
    ? pickOption(subIssues, flags.subIssueType, `sub-issue type of ${issueType?.name ?? ''}`)
    : choose(subIssues, flags.subIssueType, flags.issueType === undefined ? current.subIssueTypeId : null, 'sub-issue type');
  if (!queue || !priority) throw new UsageError(`Autotask tickets need a queue and a priority: give ${!queue ? '--queue' : ''}${!queue && !priority ? ' and ' : ''}${!priority ? '--priority' : ''} (see "list queues" and "list priorities").`);
  return {
    autotask: { queueId: queue.id, statusId: status?.id ?? null, priorityId: priority.id, issueTypeId: issueType?.id ?? null, subIssueTypeId: subIssueType?.id ?? null },
    said: `queue ${named(queue, '')}, status ${named(status, 'New (the default)')}, priority ${named(priority, '')}, issue type ${named(issueType, 'none')}, sub-issue type ${named(subIssueType, 'none')}`,
  };
}

/** `configure ticketing ...`: saves only a complete, valid choice; returns the lines to print. */
export async function configureTicketing(setup: SyncSetup, settings: SettingsStore, flags: TicketingFlags): Promise<string[]> {
  const current = settings.get();
  if (flags.off) {
    settings.update({ ticketing: { enabled: false } });
    return ['Botnet tickets are off (the other ticketing choices are kept for when they are turned on again).'];
  }
  const kind = current.psa.kind;
  if (!kind) throw new NotConfiguredError('No PSA is chosen: run "umbrella-psa-sync configure --psa connectwise|autotask" first.');
  const threshold = flags.threshold === undefined ? current.ticketing.threshold : Number(flags.threshold);
  let fallbackCompany = current.ticketing.fallbackCompany;
  if (flags.fallbackCompany !== undefined) {
    fallbackCompany = isNone(flags.fallbackCompany) ? null : await checkedFallback(setup, flags.fallbackCompany);
  }
  const chosen = kind === 'connectwise'
    ? await connectwiseChoices(setup, flags, current.ticketing.connectwise)
    : await autotaskChoices(setup, flags, current.ticketing.autotask);
  const { said, ...choices } = chosen;
  const ticketing = { ...current.ticketing, ...choices, enabled: true, threshold, fallbackCompany };
  const patch = SettingsPatchSchema.safeParse({ ticketing });
  if (!patch.success) throw new UsageError(patch.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const missing = missingTicketingChoice(kind, ticketing);
  if (missing) throw new UsageError(`${missing}.`);
  settings.update(patch.data);
  return [
    `Botnet tickets are on: ${said}.`,
    `A ticket opens for an identity with more than ${String(threshold)} blocked botnet request(s) in a 4-hour window${fallbackCompany ? `; customers without an active PSA company get theirs on ${fallbackCompany}` : ''}.`,
    'Send a test ticket with "umbrella-psa-sync test-ticket" to check these choices in the PSA.',
  ];
}

/** A fallback company must exist in the PSA and be active; given by reference or by its exact name. */
export async function checkedFallback(setup: SyncSetup, given: string): Promise<string> {
  const company = findCompany(await psaCompanies((await createVendorClients(setup)).psa), given);
  if (!company.active) throw new UsageError(`The PSA company ${company.name} is inactive: choose an active company as the fallback.`);
  return company.reference;
}

export interface CompanyRow { reference: string; name: string; active: boolean }

/** A PSA company by its reference (ConnectWise identifier, Autotask id) or, failing that, by its exact name. */
export function findCompany<T extends CompanyRow>(companies: readonly T[], given: string): T {
  const wanted = given.trim().toLowerCase();
  const byReference = companies.find((c) => c.reference.toLowerCase() === wanted);
  if (byReference) return byReference;
  const byName = companies.filter((c) => c.name.toLowerCase() === wanted);
  if (byName.length === 1 && byName[0]) return byName[0];
  if (byName.length > 1) throw new UsageError(`More than one PSA company is named "${given}": give its reference instead (${byName.map((c) => c.reference).join(', ')}).`);
  throw new UsageError(`The PSA has no company "${given}". Find it with "umbrella-psa-sync list companies".`);
}

export const LISTS = ['boards', 'queues', 'statuses', 'priorities', 'types', 'subtypes', 'items', 'issue-types', 'sub-issue-types', 'billing-codes', 'companies'] as const;
export type ListName = (typeof LISTS)[number];

export interface ListRow { id: number | string; name: string; note?: string }

/** The widest id a column makes room for; a longer one (a long ConnectWise identifier) takes its own room. */
const ID_COLUMN_MAX = 32;

/** A list as lines: the ids in one column as wide as the widest (up to ID_COLUMN_MAX), then the name and any note. */
export function listLines(rows: readonly ListRow[]): string[] {
  const width = Math.min(ID_COLUMN_MAX, Math.max(0, ...rows.map((row) => String(row.id).length)));
  return rows.map((row) => `${String(row.id).padEnd(width)}  ${row.name}${row.note ? `  (${row.note})` : ''}`);
}

/** `list NAME [--board X]`: the rows, for the chosen PSA. */
export async function listRows(setup: SyncSetup, name: ListName, boardText: string | undefined): Promise<ListRow[]> {
  const kind = setup.settings().psa.kind;
  if (!kind) throw new NotConfiguredError('No PSA is chosen: run "umbrella-psa-sync configure --psa connectwise|autotask" first.');
  if (name === 'companies') {
    return (await psaCompanies((await createVendorClients(setup)).psa)).map((c) => ({ id: c.reference, name: c.name, ...(c.active ? {} : { note: 'inactive' }) }));
  }
  if (name === 'billing-codes') {
    if (kind !== 'autotask') throw new UsageError('Billing codes are an Autotask setting; the chosen PSA is ConnectWise.');
    return (await materialBillingCodes(setup)).map((c) => ({ id: c.id, name: c.name, ...(c.description ? { note: c.description } : {}) }));
  }
  const rows = (options: readonly Option[]) => options.map((o) => ({ id: o.id, name: o.name }));
  if (kind === 'autotask') {
    const lists = await ticketingOptions(setup, null);
    if (lists.psa !== 'autotask') throw new UsageError('The chosen PSA is not Autotask.');
    switch (name) {
      case 'queues': return rows(lists.queues);
      case 'statuses': return rows(lists.statuses);
      case 'priorities': return rows(lists.priorities);
      case 'issue-types': return rows(lists.issueTypes);
      case 'sub-issue-types': return lists.subIssueTypes.map((s) => ({ id: s.id, name: s.name, ...(s.issueTypeId !== null ? { note: `issue type ${String(s.issueTypeId)}` } : {}) }));
      default: throw new UsageError(`Autotask has no ${name}: its lists are queues, statuses, priorities, issue-types, sub-issue-types, billing-codes and companies.`);
    }
  }
  const top = await ticketingOptions(setup, null);
  if (top.psa !== 'connectwise') throw new UsageError('The chosen PSA is not ConnectWise.');
  if (name === 'boards') return rows(top.boards);
  // The same for every board: no --board needed.
  if (name === 'priorities') return rows(await connectWisePriorities(setup));
  if (!['statuses', 'priorities', 'types', 'subtypes', 'items'].includes(name)) {
    throw new UsageError(`ConnectWise has no ${name}: its lists are boards, statuses, priorities, types, subtypes, items and companies.`);
  }
  const savedBoard = setup.settings().ticketing.connectwise.boardId;
  const board = boardText !== undefined ? pickOption(top.boards, boardText, 'ConnectWise service board') : top.boards.find((b) => b.id === savedBoard);
  if (!board) throw new UsageError(`ConnectWise ${name} belong to a service board: add --board NAME (see "list boards").`);
  const lists = await ticketingOptions(setup, board.id);
  if (lists.psa !== 'connectwise' || !lists.board) throw new UsageError(`ConnectWise returned no lists for board ${board.name}.`);
  switch (name) {
    case 'statuses': return rows(lists.board.statuses);
    case 'types': return rows(lists.board.types);
    case 'subtypes': return rows(lists.board.subTypes);
    default: return rows(lists.board.items);
  }
}
