/** The audit trail as the window shows it: each PSA write with its field changes, and an export of them as CSV. */
import type { PsaWriteRecord, PsaWritesView } from '../../preload/contract';
import { historyToCsv } from '../../preload/history-csv';
import { errorMessage } from './api';
import { when } from './labels';
import { useSaveCsvFile } from './queries';

/** Enough to read on screen; the CSV has them all. */
const SHOWN = 200;
const ENTITY_LABELS: Record<PsaWriteRecord['entity'], string> = {
  'configuration type': 'Configuration type', question: 'Question', product: 'Product', udf: 'User-defined field',
  configuration: 'Configuration', ticket: 'Ticket', note: 'Note', 'agreement addition': 'Agreement addition', 'service adjustment': 'Service adjustment', 'contract note': 'Contract note',
};

const shown = (value: string | number | null) => (value === null || value === '' ? '(empty)' : String(value).replace(/\n/g, ', '));

function Write({ write, labels, withCustomer }: { write: PsaWriteRecord; labels: Record<string, string>; withCustomer: boolean }) {
  const what = `${ENTITY_LABELS[write.entity]}${write.entityId !== null ? ` ${write.entityId}` : ''} ${write.action}`;
  return (
    <li>
      <span>{when(write.at)}</span>
      {withCustomer ? <> · <strong>{write.customer ?? 'Set-up'}</strong></> : null}
      {write.company !== null ? <> · {write.company}</> : null} · {what}
      {write.detail !== null ? <div className="hint">{write.detail}</div> : null}
      {write.changes.length > 0 ? (
        <ul className="changes">
          {write.changes.map((c) => (
            <li key={c.field}><span className="field-name">{labels[c.field] ?? c.field}</span>: {c.old === null ? null : <><del>{shown(c.old)}</del> → </>}<ins>{shown(c.new)}</ins></li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function PsaWriteList({ view, label, fileName, withCustomer }: { view: PsaWritesView; label: string; fileName: string; withCustomer: boolean }) {
  const saveFile = useSaveCsvFile();
  const { writes, fieldLabels } = view;
  if (writes.length === 0) return <p className="hint">Nothing was written to the PSA.</p>;
  const onExport = () => { saveFile.mutate({ fileName, contents: historyToCsv(writes, (field) => fieldLabels[field] ?? field) }); };
  return (
    <div className="psa-writes">
      <div className="actions">
        <span>{writes.length === 1 ? '1 write to the PSA' : `${String(writes.length)} writes to the PSA`}{writes.length > SHOWN ? ` (the latest ${String(SHOWN)} shown; the CSV has them all)` : ''}</span>
        <button type="button" className="secondary" disabled={saveFile.isPending} onClick={onExport}>Export CSV…</button>
      </div>
      {saveFile.isError ? <p role="alert" className="error">{errorMessage(saveFile.error)}</p> : null}
      {saveFile.data?.saved ? <p role="status">Saved to {saveFile.data.path}</p> : null}
      <ol className="writes" aria-label={label}>
        {writes.slice(0, SHOWN).map((w) => <Write key={w.id} write={w} labels={fieldLabels} withCustomer={withCustomer} />)}
      </ol>
    </div>
  );
}
