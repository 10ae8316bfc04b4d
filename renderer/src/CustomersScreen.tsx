import { useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { CONFIDENT_SUGGESTION, type CustomerOverview, type Settings } from '../../preload/contract';
import { errorMessage } from './api';
import { when } from './labels';
import { mappingsFromCsv, mappingsToCsv, type CsvImportResult } from '../../preload/mapping-csv';
import { plural } from '../../preload/plural';
import { useCustomerOverview, useSaveCsvFile, useSaveMappings, useSettings } from './queries';
import { CustomerDetailPanel } from './CustomerDetail';
import { ROW_HEIGHT, SearchAndFilter, useVirtualRows } from './TableControls';

type Filter = 'all' | 'mapped' | 'unmapped' | 'excluded' | 'failed';
type Row = CustomerOverview['customers'][number];
type Company = CustomerOverview['companies'][number];

const FILTERS: Record<Filter, string> = { all: 'All', mapped: 'Mapped', unmapped: 'Not mapped', excluded: 'Excluded', failed: 'Failed last sync' };
const RESULT_LABELS = { created: 'Created', updated: 'Updated', unchanged: 'Unchanged', skipped: 'Skipped', failed: 'Failed' } as const;

function matches(row: Row, filter: Filter, query: string): boolean {
  if (filter === 'failed') {
    if (row.lastResult?.status !== 'failed') return false;
  } else if (filter !== 'all') {
    const state = row.excluded ? 'excluded' : row.psaCompany ? 'mapped' : 'unmapped';
    if (filter !== state) return false;
  }
  return query === '' || row.name.toLowerCase().includes(query) || String(row.orgId).includes(query) || (row.psaCompany ?? '').toLowerCase().includes(query);
}

export function CustomersScreen() {
  const overview = useCustomerOverview();
  const settings = useSettings();
  const save = useSaveMappings();
  const saveFile = useSaveCsvFile();
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [threshold, setThreshold] = useState(Math.round(CONFIDENT_SUGGESTION * 100));
  const [confirmClear, setConfirmClear] = useState(false);
  const [imported, setImported] = useState<(CsvImportResult & { fileName: string }) | null>(null);
  const [selected, setSelected] = useState<Row | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const listId = useId();

  const companies = useMemo(() => new Map((overview.data?.companies ?? []).map((c) => [c.reference.toLowerCase(), c])), [overview.data]);
  const query = search.trim().toLowerCase();
  const shown = useMemo(() => (overview.data?.customers ?? []).filter((r) => matches(r, filter, query)), [overview.data, filter, query]);

  if (overview.isPending || settings.isPending) return <p aria-busy="true" className="card">Loading customers…</p>;
  if (overview.isError) return <p role="alert" className="error">{errorMessage(overview.error)}</p>;
  if (settings.isError) return <p role="alert" className="error">{errorMessage(settings.error)}</p>;

  const rows = overview.data.customers;
  const mappings = settings.data.mappings;
  const unmapped = rows.filter((r) => !r.psaCompany && !r.excluded).length;
  const accepting = rows.filter((r) => !r.psaCompany && !r.excluded && r.suggestion && r.suggestion.confidence * 100 >= threshold);
  const clearable = shown.filter((r) => r.psaCompany);
  /** Saves only the entries the user changed, so that mappings saved meanwhile by the CLI or another window stay. */
  const update = (change: (entries: Settings['mappings']) => void) => {
    const entries: Settings['mappings'] = {};
    change(entries);
    save.mutate(entries);
  };
  const setCompany = (row: Row, reference: string) => {
    update((next) => { next[String(row.orgId)] = { psaCompany: reference.trim() === '' ? null : reference.trim(), excluded: false }; });
  };

  const onExport = () => {
    const fileName = `umbrella-psa-mapping-${new Date().toISOString().slice(0, 10)}.csv`;
    saveFile.mutate({ fileName, contents: mappingsToCsv(overview.data) });
  };
  const onImportFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const text = await file.text();
    setImported({ ...mappingsFromCsv(text, { customers: rows, companies: overview.data.companies, current: mappings }), fileName: file.name });
  };

  return (
    <div className="stack">
      {unmapped > 0 ? <p className="banner" role="status">{plural(unmapped, 'customer')} {unmapped === 1 ? 'is' : 'are'} not mapped to a PSA company and will not be synced.</p> : null}
      <section className="card" aria-labelledby="customers-heading">
        <h2 id="customers-heading">Customers</h2>
        <div className="toolbar">
          <SearchAndFilter search={search} onSearch={setSearch} filter={filter} onFilter={setFilter} filters={FILTERS} />
          <label className="field inline">
            <span>Accept suggestions at or above (%)</span>
            <input type="number" min={60} max={100} value={threshold} onChange={(e) => { setThreshold(Number(e.target.value)); }} />
          </label>
          <button type="button" disabled={accepting.length === 0 || save.isPending} onClick={() => {
            update((next) => { for (const r of accepting) if (r.suggestion) next[String(r.orgId)] = { psaCompany: r.suggestion.reference, excluded: false }; });
          }}>
            Accept {plural(accepting.length, 'suggestion')}
          </button>
        </div>
        <div className="toolbar">
          <button type="button" className="secondary" disabled={clearable.length === 0 || save.isPending} onClick={() => { setConfirmClear(true); }}>
            Clear {plural(clearable.length, 'mapping')} shown…
          </button>
          <button type="button" className="secondary" disabled={saveFile.isPending} onClick={onExport}>Export CSV…</button>
          <button type="button" className="secondary" onClick={() => { fileInput.current?.click(); }}>Import CSV…</button>
          <input ref={fileInput} type="file" accept=".csv,text/csv" hidden aria-label="CSV file to import" onChange={(e) => { void onImportFile(e); }} />
          {saveFile.isSuccess && saveFile.data.saved ? <span role="status">Saved to {saveFile.data.path}</span> : null}
          {saveFile.isError ? <span role="alert" className="error">{errorMessage(saveFile.error)}</span> : null}
        </div>
        {confirmClear ? (
          <div className="confirm" role="group" aria-label="Confirm clearing mappings">
            <p>Clear the PSA company of the {plural(clearable.length, 'customer')} shown? They will not be synced until they are mapped again. Excluded customers stay excluded.</p>
            <div className="actions">
              <button type="button" className="danger" onClick={() => {
                update((next) => { for (const r of clearable) next[String(r.orgId)] = { psaCompany: null, excluded: r.excluded }; });
                setConfirmClear(false);
              }}>Clear {plural(clearable.length, 'mapping')}</button>
              <button type="button" className="secondary" onClick={() => { setConfirmClear(false); }}>Cancel</button>
            </div>
          </div>
        ) : null}
        {imported ? <ImportPreview result={imported} onCancel={() => { setImported(null); }} onApply={(entries) => { save.mutate(entries); setImported(null); }} /> : null}
        {save.isError ? <p role="alert" className="error">{errorMessage(save.error)}</p> : null}
        <datalist id={listId}>
          {overview.data.companies.map((c) => <option key={c.reference} value={c.reference}>{c.name}</option>)}
        </datalist>
        <p className="hint" aria-live="polite">{shown.length === rows.length ? plural(rows.length, 'customer') : `${String(shown.length)} of ${plural(rows.length, 'customer')} shown`}</p>
        <CustomerTable rows={shown} companies={companies} listId={listId} onCompany={setCompany} onSelect={setSelected}
          onExclude={(row, excluded) => { update((next) => { next[String(row.orgId)] = { psaCompany: row.psaCompany, excluded }; }); }} />
      </section>
      {selected ? <CustomerDetailPanel key={selected.orgId} orgId={selected.orgId} name={selected.name} onClose={() => { setSelected(null); }} /> : null}
    </div>
  );
}

function ImportPreview({ result, onApply, onCancel }: { result: CsvImportResult & { fileName: string }; onApply: (entries: Settings['mappings']) => void; onCancel: () => void }) {
  const { changes, errors, entries } = result;
  return (
    <div className="confirm" role="group" aria-label="CSV import">
      {entries === null ? (
        <div role="alert">
          <p className="error">{result.fileName} was not imported: fix {errors.length === 1 ? 'this line' : `these ${String(errors.length)} lines`} and import it again. Nothing was changed.</p>
          <ul className="problems" aria-label="Lines with errors">
            {errors.slice(0, 50).map((e) => <li key={`${String(e.line)}-${e.message}`}>Line {String(e.line)}: {e.message}</li>)}
          </ul>
          {errors.length > 50 ? <p>…and {String(errors.length - 50)} more.</p> : null}
        </div>
      ) : (
        <p role="status">
          {result.fileName}: {plural(changes.mapped, 'customer')} mapped, {String(changes.cleared)} cleared, {String(changes.excluded)} excluded, {String(changes.unchanged)} unchanged.
        </p>
      )}
      <div className="actions">
        {entries ? <button type="button" disabled={changes.mapped + changes.cleared + changes.excluded === 0} onClick={() => { onApply(entries); }}>Apply import</button> : null}
        <button type="button" className="secondary" onClick={onCancel}>{entries ? 'Cancel' : 'Close'}</button>
      </div>
    </div>
  );
}

/** The mapping table: only the rows in view are in the page, so 5,000 customers scroll as fast as 25. */
function CustomerTable(props: {
  rows: Row[];
  companies: Map<string, Company>;
  listId: string;
  onCompany: (row: Row, reference: string) => void;
  onExclude: (row: Row, excluded: boolean) => void;
  onSelect: (row: Row) => void;
}) {
  const { rows } = props;
  const { scroller, items, before, after } = useVirtualRows(rows.length);
  return (
    <div className="table-scroll" ref={scroller} tabIndex={-1}>
      <table className="customers" aria-label="Customer mapping" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}><th scope="col">Customer</th><th scope="col">Org ID</th><th scope="col">Seats</th><th scope="col">PSA company</th><th scope="col">PSA status</th><th scope="col">Last sync</th><th scope="col">Suggestion</th><th scope="col">Excluded</th></tr>
        </thead>
        <tbody>
          {before > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: before }}><td colSpan={8} /></tr> : null}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? <CustomerRow key={row.orgId} row={row} index={item.index} {...props} /> : null;
          })}
          {after > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: after }}><td colSpan={8} /></tr> : null}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="hint">No customer matches.</p> : null}
    </div>
  );
}

function CustomerRow({ row, index, companies, listId, onCompany, onExclude, onSelect }: {
  row: Row;
  index: number;
  companies: Map<string, Company>;
  listId: string;
  onCompany: (row: Row, reference: string) => void;
  onExclude: (row: Row, excluded: boolean) => void;
  onSelect: (row: Row) => void;
}) {
  const company = row.psaCompany ? companies.get(row.psaCompany.toLowerCase()) : undefined;
  const result = row.lastResult;
  return (
    <tr aria-rowindex={index + 2} style={{ height: ROW_HEIGHT }}>
      <th scope="row" className="ellipsis" title={row.name}>
        <button type="button" className="link" aria-label={`Details of ${row.name}`} onClick={() => { onSelect(row); }}>{row.name}</button>
      </th>
      <td>{row.orgId}</td>
      <td>{row.seats ?? ''}</td>
      <td>
        <input aria-label={`PSA company for ${row.name}`} list={listId} defaultValue={row.psaCompany ?? ''} key={row.psaCompany ?? ''} disabled={row.excluded}
          onBlur={(e) => { if (e.target.value.trim() !== (row.psaCompany ?? '')) onCompany(row, e.target.value); }} />
      </td>
      <td>{row.psaCompany ? (company ? <span className={company.active ? 'company-active' : 'company-inactive'}>{company.active ? 'Active' : 'Inactive'}</span> : <span className="error">Not found</span>) : ''}</td>
      <td className="ellipsis" title={result?.reason}>
        {result ? <><span className={result.status === 'failed' ? 'error' : undefined}>{RESULT_LABELS[result.status]}</span> <span className="hint">{when(result.at)}</span>{result.reason ? <span className="reason">{result.reason}</span> : null}</> : ''}
      </td>
      <td>
        {row.suggestion ? (
          <button type="button" className="secondary" onClick={() => { onCompany(row, row.suggestion?.reference ?? ''); }}>
            {row.suggestion.name} ({String(Math.round(row.suggestion.confidence * 100))}%)
          </button>
        ) : ''}
      </td>
      <td>
        <input type="checkbox" aria-label={`Exclude ${row.name}`} checked={row.excluded} onChange={(e) => { onExclude(row, e.target.checked); }} />
      </td>
    </tr>
  );
}
