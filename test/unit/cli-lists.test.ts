import { describe, expect, it } from 'vitest';
import { listLines } from '../../main/cli/ticketing';

describe('umbrella-psa-sync list', () => {
  it('keeps the names in one column when an id is longer than twelve characters (a long ConnectWise identifier)', () => {
    const lines = listLines([
      { id: 'AcmeCorporationHoldings', name: 'Acme Corporation Holdings' },
      { id: 'Zurich', name: 'Zürich Dental AG', note: 'inactive' },
      { id: 7, name: 'Seven' },
    ]);
    expect(lines).toEqual([
      'AcmeCorporationHoldings  Acme Corporation Holdings',
      'Zurich                   Zürich Dental AG  (inactive)',
      '7                        Seven',
    ]);
    expect(new Set(lines.map((line) => line.search(/ {2}\S/)))).toEqual(new Set([23]));
  });

  it('a very long id takes its own room instead of widening every line', () => {
    const long = 'x'.repeat(60);
    const [first, second] = listLines([{ id: long, name: 'Long' }, { id: 1, name: 'One' }]);
    expect(first).toBe(`${long}  Long`);
    expect(second).toBe(`1${' '.repeat(31)}  One`);
  });
});
