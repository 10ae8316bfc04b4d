import { useId, useMemo, useState } from 'react';
import type { CustomerOverview, Settings } from '../../preload/contract';
import { errorMessage } from './api';
import { useCustomerOverview, useSaveMappings, useSettings } from './queries';

type Filter = 'all' | 'mapped' | 'unmapped' | 'excluded';
type Row = CustomerOverview['customers'][number];

function matches(row: Row, filter: Filter, search: string): boolean {
  const state = row.excluded ? 'excluded' : row.psaCompany ? 'mapped' : 'unmapped';
  if (filter !== 'all' && filter !== state) return false;
  const q = search.trim().toLowerCase();
  return q === '' || row.name.toLowerCase().includes(q) || String(row.orgId).includes(q) || (row.psaCompany ?? '').toLowerCase().includes(q);
}

export function CustomersScreen() {
  const overview = useCustomerOverview();
  const settings = useSettings();
  const save = useSaveMappings();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [threshold, setThreshold] = useState(90);
  const listId = useId();

  const companies = useMemo(() => new Map((overview.data?.companies ?? []).map((c) => [c.reference.toLowerCase(), c])), [overview.data]);
  if (overview.isPending || settings.isPending) return <p aria-busy="true">Loading customers…</p>;
  if (overview.isError) return <p role="alert" className="error">{errorMessage(overview.error)}</p>;
  if (settings.isError) return <p role="alert" className="error">{errorMessage(settings.error)}</p>;

  const rows = overview.data.customers;
  const mappings = settings.data.mappings;
  const unmapped = rows.filter((r) => !r.psaCompany && !r.excluded).length;
  const accepting = rows.filter((r) => !r.psaCompany && !r.excluded && r.suggestion && r.suggestion.confidence * 100 >= threshold);
  const update = (change: (next: Settings['mappings']) => void) => {
    const next = { ...mappings };
    change(next);
    save.mutate(next);
  };
  const setCompany = (orgId: number, reference: string) => {
    update((next) => { next[String(orgId)] = { psaCompany: reference.trim() === '' ? null : reference.trim(), excluded: false }; });
  };

  return (
    <div className="stack">
      {unmapped > 0 ? <p className="banner" role="status">{String(unmapped)} customer{unmapped === 1 ? ' is' : 's are'} not mapped to a PSA company and will not be synced.</p> : null}
      <section className="card" aria-labelledby="customers-heading">
        <h2 id="customers-heading">Customers</h2>
        <div className="toolbar">
          <label className="field inline"><span>Search</span><input type="search" value={search} onChange={(e) => { setSearch(e.target.value); }} placeholder="Name, org id or company" /></label>
          <label className="field inline">
            <span>Show</span>
            <select value={filter} onChange={(e) => { setFilter(e.target.value as Filter); }}>
              <option value="all">All</option><option value="mapped">Mapped</option><option value="unmapped">Not mapped</option><option value="excluded">Excluded</option>
            </select>
          </label>
          <label className="field inline">
            <span>Accept suggestions at or above (%)</span>
            <input type="number" min={60} max={100} value={threshold} onChange={(e) => { setThreshold(Number(e.target.value)); }} />
          </label>
          <button type="button" disabled={accepting.length === 0 || save.isPending} onClick={() => {
            update((next) => { for (const r of accepting) if (r.suggestion) next[String(r.orgId)] = { psaCompany: r.suggestion.reference, excluded: false }; });
          }}>
            Accept {String(accepting.length)} suggestion{accepting.length === 1 ? '' : 's'}
          </button>
        </div>
        {save.isError ? <p role="alert" className="error">{errorMessage(save.error)}</p> : null}
        <datalist id={listId}>
          {overview.data.companies.map((c) => <option key={c.reference} value={c.reference}>{c.name}</option>)}
        </datalist>
        <table className="customers" aria-label="Customer mapping">
          <thead>
            <tr><th scope="col">Customer</th><th scope="col">Org ID</th><th scope="col">Seats</th><th scope="col">PSA company</th><th scope="col">PSA status</th><th scope="col">Suggestion</th><th scope="col">Excluded</th></tr>
          </thead>
          <tbody>
            {rows.filter((r) => matches(r, filter, search)).map((row) => {
              const company = row.psaCompany ? companies.get(row.psaCompany.toLowerCase()) : undefined;
              return (
                <tr key={row.orgId}>
                  <th scope="row">{row.name}</th>
                  <td>{row.orgId}</td>
                  <td>{row.seats ?? ''}</td>
                  <td>
                    <input aria-label={`PSA company for ${row.name}`} list={listId} defaultValue={row.psaCompany ?? ''} key={row.psaCompany ?? ''} disabled={row.excluded}
                      onBlur={(e) => { if (e.target.value.trim() !== (row.psaCompany ?? '')) setCompany(row.orgId, e.target.value); }} />
                  </td>
                  <td>{row.psaCompany ? (company ? <span className={company.active ? 'company-active' : 'company-inactive'}>{company.active ? 'Active' : 'Inactive'}</span> : <span className="error">Not found</span>) : ''}</td>
                  <td>
                    {row.suggestion ? (
                      <button type="button" className="secondary" onClick={() => { setCompany(row.orgId, row.suggestion?.reference ?? ''); }}>
                        {row.suggestion.name} ({String(Math.round(row.suggestion.confidence * 100))}%)
                      </button>
                    ) : ''}
                  </td>
                  <td>
                    <input type="checkbox" aria-label={`Exclude ${row.name}`} checked={row.excluded}
                      onChange={(e) => { update((next) => { next[String(row.orgId)] = { psaCompany: row.psaCompany, excluded: e.target.checked }; }); }} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
