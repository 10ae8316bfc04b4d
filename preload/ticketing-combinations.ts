import type { Option, TicketingOptions } from './contract';

export type ConnectWiseBoard = NonNullable<Extract<TicketingOptions, { psa: 'connectwise' }>['board']>;

/** Subtypes allowed with the type, and items allowed with both, per the board's associations. */
export function allowedCombinations(board: ConnectWiseBoard, typeId: number | null, subTypeId: number | null): { subTypes: Option[]; items: Option[] } {
  if (typeId === null) return { subTypes: [], items: [] };
  const forType = board.combinations.filter((c) => c.typeId === typeId);
  const subTypeIds = new Set(forType.map((c) => c.subTypeId));
  const itemIds = new Set(forType.filter((c) => c.subTypeId === subTypeId).map((c) => c.itemId));
  return { subTypes: board.subTypes.filter((s) => subTypeIds.has(s.id)), items: board.items.filter((i) => itemIds.has(i.id)) };
}
