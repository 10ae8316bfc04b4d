/** What the Customers and Billing tables share: the search box and filter over their rows, and the virtualised rows. */
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';

export function SearchAndFilter<F extends string>({ search, onSearch, filter, onFilter, filters }: {
  search: string;
  onSearch: (text: string) => void;
  filter: F;
  onFilter: (filter: F) => void;
  filters: Record<F, string>;
}) {
  return (
    <>
      <label className="field inline"><span>Search</span><input type="search" value={search} onChange={(e) => { onSearch(e.target.value); }} placeholder="Name, org id or company" /></label>
      <label className="field inline">
        <span>Show</span>
        <select value={filter} onChange={(e) => { onFilter(e.target.value as F); }}>
          {(Object.keys(filters) as F[]).map((f) => <option key={f} value={f}>{filters[f]}</option>)}
        </select>
      </label>
    </>
  );
}

/** Every row has the same height, so a long list can be virtualised without measuring. */
export const ROW_HEIGHT = 48;

/** The rows in view of a scrolling table, and the space above and below them: 5,000 rows scroll as fast as 25. */
export function useVirtualRows(count: number) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- about React Compiler memoisation, which this build does not use
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12, initialRect: { width: 1000, height: 600 } });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return { scroller, items, before, after };
}
