/** One customer in the PSA as the app last wrote it: the 16 values (when, by which run), its tickets and notes, and its latest changes. */
import { useEffect, useRef } from 'react';
import { errorMessage } from './api';
import { when } from './labels';
import { PsaWriteList } from './PsaWrites';
import { useCustomerDetail } from './queries';

const shown = (value: string | number | null) => (value === null || value === '' ? '(empty)' : String(value));

export function CustomerDetailPanel({ orgId, name, onClose }: { orgId: number; name: string; onClose: () => void }) {
  const detail = useCustomerDetail(orgId);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const headingId = `customer-detail-${String(orgId)}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="actions">
        <h2 id={headingId} ref={heading} tabIndex={-1}>{name} <span className="hint">(Umbrella org {orgId})</span></h2>
        <button type="button" className="secondary" onClick={onClose}>Close</button>
      </div>
      {detail.isPending ? <p aria-busy="true">Loading…</p> : null}
      {detail.isError ? <p role="alert" className="error">{errorMessage(detail.error)}</p> : null}
      {detail.data ? (
        <>
          <h3>In the PSA</h3>
          {detail.data.configuration ? (
            <>
              <p>Configuration {detail.data.configuration.configurationId}, last written {when(detail.data.configuration.writtenAt)} by the sync of that time.</p>
              <table className="values" aria-label={`The values last written for ${name}`}>
                <tbody>
                  {detail.data.configuration.values.map((v) => (
                    <tr key={v.field}><th scope="row">{v.label}</th><td className="pre">{shown(v.value)}</td></tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : <p className="hint">Nothing written yet: the customer has not been synced (or not in the last 90 days).</p>}
          <h3>Tickets and notes</h3>
          <PsaWriteList view={{ ...detail.data, writes: detail.data.writes.filter((w) => w.entity === 'ticket' || w.entity === 'note') }}
            label={`Tickets and notes for ${name}`} fileName={`umbrella-psa-tickets-${String(orgId)}.csv`} withCustomer={false} />
          <h3>Latest changes</h3>
          <PsaWriteList view={{ ...detail.data, writes: detail.data.writes.filter((w) => w.entity === 'configuration') }}
            label={`Configuration changes for ${name}`} fileName={`umbrella-psa-changes-${String(orgId)}.csv`} withCustomer={false} />
        </>
      ) : null}
    </section>
  );
}
