/** Billing: each customer's Umbrella seats against what the PSA bills for the Umbrella product, and the approved write-back. */
import { useMemo, useState } from 'react';
import { PSA_NAMES, type DriftRow, type DriftStatus } from '../../preload/contract';
import { BillingSchedule, BillingWriteback } from './BillingWriteback';
import { billingCsv } from '../../preload/billing-csv';
import { errorMessage } from './api';
import { useBillingReport, useSaveCsvFile, useSetBillingProduct, useSettings } from './queries';
import { ROW_HEIGHT, SearchAndFilter, useVirtualRows } from './TableControls';

type Filter = 'all' | 'drift' | 'under' | 'over' | 'review' | 'in-step';
const FILTERS: Record<Filter, string> = { all: 'All', drift: 'Under- or over-billed', under: 'Under-billed', over: 'Over-billed', review: 'To review', 'in-step': 'In step' };
const STATUS_LABELS: Record<DriftStatus, string> = {
  'in-step': 'In step', 'under-billed': 'Under-billed', 'over-billed': 'Over-billed', 'no-line': 'No line', 'several-lines': 'Several lines',
  'no-agreement': 'No agreement', ended: 'Not in force', 'no-company': 'No PSA company', 'not-mapped': 'Not mapped', trial: 'Trial',
};

function matches(row: DriftRow, filter: Filter, query: string): boolean {
  const review = row.billed === null;
  const keep = filter === 'all' || (filter === 'drift' && (row.status === 'under-billed' || row.status === 'over-billed'))
    || (filter === 'under' && row.status === 'under-billed') || (filter === 'over' && row.status === 'over-billed')
    || (filter === 'review' && review) || (filter === 'in-step' && row.status === 'in-step');
  return keep && (query === '' || row.customer.toLowerCase().includes(query) || String(row.orgId).includes(query) || (row.psaCompany ?? '').toLowerCase().includes(query));
}

const today = () => new Date().toISOString().slice(0, 10);

export function BillingScreen() {
  const settings = useSettings();
  const [day, setDay] = useState(today);
  const [asked, setAsked] = useState(false);
  const report = useBillingReport(day, asked);
  const choose = useSetBillingProduct();
  const saveFile = useSaveCsvFile();
  const [reference, setReference] = useState('');
  const [filter, setFilter] = useState<Filter>('drift');
  const [search, setSearch] = useState('');
  const query = search.trim().toLowerCase();
  const rows = useMemo(() => (report.data?.rows ?? []).filter((r) => matches(r, filter, query)).sort((a, b) => Math.abs(b.difference ?? 0) - Math.abs(a.difference ?? 0) || a.customer.localeCompare(b.customer)), [report.data, filter, query]);
  const kind = settings.data?.psa.kind ?? null;
  const chosenId = kind === 'connectwise' ? settings.data?.billing.connectwiseProductId : kind === 'autotask' ? settings.data?.billing.autotaskServiceId : null;
  const what = kind === 'autotask' ? 'Autotask service (id or exact name)' : 'ConnectWise catalog item (identifier or id)';
  const totals = report.data?.totals;

  return (
    <div className="stack">
      <section className="card" aria-labelledby="billing-heading">
        <h2 id="billing-heading">Billing</h2>
        <p className="hint">Compares each customer's Umbrella seats with what the PSA bills for the product below, on the day chosen. It only reads the PSA.</p>
        <form className="toolbar" onSubmit={(e) => { e.preventDefault(); if (reference.trim() !== '') choose.mutate(reference.trim()); }}>
          <label className="field inline">
            <span>Product that bills Umbrella seats</span>
            <input value={reference} onChange={(e) => { setReference(e.target.value); }} placeholder={what} />
          </label>
          <button type="submit" className="secondary" disabled={choose.isPending || reference.trim() === ''}>Save product</button>
          <span className="hint">{choose.data ? `Saved: ${choose.data.name}` : report.data ? `Product: ${report.data.product.name}` : chosenId != null ? `Chosen: id ${String(chosenId)}` : 'No product chosen yet.'}</span>
        </form>
        {choose.isError ? <p role="alert" className="error">{errorMessage(choose.error)}</p> : null}
        <div className="toolbar">
          <label className="field inline"><span>Day</span><input type="date" value={day} onChange={(e) => { if (e.target.value) setDay(e.target.value); }} /></label>
          <button type="button" disabled={report.isFetching} onClick={() => { if (asked) void report.refetch(); else setAsked(true); }}>Compare now</button>
          <button type="button" className="secondary" disabled={!report.data || saveFile.isPending} onClick={() => { if (report.data) saveFile.mutate({ fileName: `umbrella-psa-billing-${report.data.day}.csv`, contents: billingCsv(report.data) }); }}>Export CSV…</button>
        </div>
        {report.isFetching ? <p aria-busy="true">Reading the PSA's {kind === 'autotask' ? 'contracts' : 'agreements'}…</p> : null}
        {report.isError ? <p role="alert" className="error">{errorMessage(report.error)}</p> : null}
        {saveFile.data?.saved ? <p role="status">Saved to {saveFile.data.path}</p> : null}
        {totals ? (
          <p role="status" aria-label="Billing totals">
            {totals.inStep} in step, {totals.underBilled.customers} under-billed ({totals.underBilled.seats} seats not billed), {totals.overBilled.customers} over-billed ({totals.overBilled.seats} seats too many), {totals.toReview} to review.
            {' '}On the {totals.compared} compared: {totals.comparedSeats} seats in Umbrella, {totals.billedSeats} billed.
            {' '}{report.data?.console
              ? `Cisco bills you for ${report.data.console.packageName}: ${String(report.data.console.seatsTotal)} seats allocated, ${String(report.data.console.seatsUsed)} used by ${String(report.data.console.customerCount)} customers; your customers have ${String(totals.umbrellaSeats)} with a PSA company.`
              : report.data?.consoleNote ?? ''}
          </p>
        ) : null}
      </section>
      {report.data ? (
        <section className="card" aria-labelledby="drift-heading">
          <h2 id="drift-heading">Seats on {report.data.day}</h2>
          <div className="toolbar">
            <SearchAndFilter search={search} onSearch={setSearch} filter={filter} onFilter={setFilter} filters={FILTERS} />
          </div>
          <p className="hint">{rows.length === 1 ? '1 customer shown' : `${String(rows.length)} customers shown`}</p>
          <DriftTable rows={rows} />
        </section>
      ) : null}
      {kind !== null && chosenId != null ? <BillingSchedule psaName={PSA_NAMES[kind]} /> : null}
      {kind !== null && chosenId != null ? <BillingWriteback psaName={PSA_NAMES[kind]} /> : null}
    </div>
  );
}

/** Only the rows in view are in the page, as on the Customers screen. */
function DriftTable({ rows }: { rows: DriftRow[] }) {
  const { scroller, items, before, after } = useVirtualRows(rows.length);
  return (
    // Focusable, so the rows can be scrolled from the keyboard (they hold nothing else to focus).
    <div className="table-scroll" ref={scroller} tabIndex={0} role="region" aria-label="Seat drift, scrollable">
      <table className="customers" aria-label="Seat drift" aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}><th scope="col">Customer</th><th scope="col">Org ID</th><th scope="col">PSA company</th><th scope="col">Umbrella seats</th><th scope="col">PSA bills</th><th scope="col">Difference</th><th scope="col">Status</th><th scope="col">Detail</th></tr>
        </thead>
        <tbody>
          {before > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: before }}><td colSpan={8} /></tr> : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const tone = row.status === 'under-billed' || row.status === 'over-billed' ? 'error' : undefined;
            return (
              <tr key={row.orgId} aria-rowindex={item.index + 2} style={{ height: ROW_HEIGHT }}>
                <th scope="row" className="ellipsis" title={row.customer}>{row.customer}</th>
                <td>{row.orgId}</td>
                <td className="ellipsis">{row.psaCompany ?? ''}</td>
                <td>{row.seats}</td>
                <td>{row.billed ?? ''}</td>
                <td>{row.difference === null ? '' : row.difference > 0 ? `+${String(row.difference)}` : String(row.difference)}</td>
                <td><span className={tone}>{STATUS_LABELS[row.status]}</span></td>
                <td className="ellipsis" title={row.detail}>{row.product ? `${row.product.name}: ` : ''}{row.detail}</td>
              </tr>
            );
          })}
          {after > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: after }}><td colSpan={8} /></tr> : null}
        </tbody>
      </table>
      {rows.length === 0 ? <p className="hint">No customer matches.</p> : null}
    </div>
  );
}
