import { describe, expect, it } from 'vitest';
import { allowedCombinations, type ConnectWiseBoard } from '../../preload/ticketing-combinations';

const option = (id: number, name: string) => ({ id, name });
const board: ConnectWiseBoard = {
  statuses: [], priorities: [],
  types: [option(20, 'Security Incident'), option(21, 'Maintenance'), option(24, 'Question')],
  subTypes: [option(30, 'Botnet Activity'), option(31, 'Patching'), option(33, 'Phishing')],
  items: [option(40, 'Workstation'), option(41, 'Network'), option(42, 'Server')],
  combinations: [
    { typeId: 20, subTypeId: 30, itemId: 40 }, { typeId: 20, subTypeId: 30, itemId: 41 },
    { typeId: 20, subTypeId: 33, itemId: null }, { typeId: 21, subTypeId: 31, itemId: 42 },
  ],
};
const names = (options: { name: string }[]) => options.map((o) => o.name);

describe('ConnectWise ticket type, subtype and item choices', () => {
  it('offers only the subtypes the board associates with the type, and only the items associated with both', () => {
    expect(names(allowedCombinations(board, 20, null).subTypes)).toEqual(['Botnet Activity', 'Phishing']);
    expect(names(allowedCombinations(board, 20, 30).items)).toEqual(['Workstation', 'Network']);
    expect(names(allowedCombinations(board, 20, 33).items)).toEqual([]);
    expect(names(allowedCombinations(board, 21, 31).items)).toEqual(['Server']);
  });

  it('offers nothing below a type the board has no association for, or when no type is chosen', () => {
    expect(allowedCombinations(board, 24, null)).toEqual({ subTypes: [], items: [] });
    expect(allowedCombinations(board, null, null)).toEqual({ subTypes: [], items: [] });
    expect(allowedCombinations(board, 21, 30).items).toEqual([]);
  });
});
