import { useState } from 'react';
import type { CustomerOutcomeView, RunProgress, RunRecord, SyncRunView, TicketRunView } from '../../preload/contract';
import { errorMessage } from './api';
import { PSA_LABELS, when } from './labels';
import { PsaWriteList } from './PsaWrites';
import { useCheckTickets, useCredentialsStatus, usePreviewSync, useRunChanges, useRunHistory, useRunSync, useScheduleStatus, useSettings } from './queries';


function Counts({ record }: { record: RunRecord }) {
  const { counts } = record;
  const changed = record.kind === 'tickets' ? `${String(counts.created)} opened, ${String(counts.updated)} noted` : `${String(counts.created)} created, ${String(counts.updated)} updated, ${String(counts.unchanged)} unchanged`;
  return <span>{changed}, {String(counts.skipped)} skipped, {String(counts.failed)} failed</span>;
}

function Problems({ record }: { record: RunRecord }) {
  if (record.error) return <p role="alert" className="error">{record.error}</p>;
  const failed = record.problems.filter((p) => p.status === 'failed');
  if (failed.length === 0) return null;
  return (
    <ul className="problems" aria-label="Customers that failed">
      {failed.map((p) => <li key={`${String(p.orgId)}-${p.reason ?? ''}`}><strong>{p.name}</strong>: {p.reason}</li>)}
    </ul>
  );
}

const RUN_LABELS = { sync: 'Syncing', preview: 'Previewing the next sync', tickets: 'Checking tickets' } as const;

/** "Syncing: 12 of 21 customers", for a run started here, from the tray or by the schedule. */
function Progress({ progress }: { progress: RunProgress }) {
  const label = RUN_LABELS[progress.kind === 'tickets' ? 'tickets' : progress.dryRun ? 'preview' : 'sync'];
  const text = `${label}: ${String(progress.done)} of ${String(progress.total)} customer${progress.total === 1 ? '' : 's'}`;
  return (
    <div className="progress">
      <progress max={Math.max(progress.total, 1)} value={progress.done} aria-label={label} aria-valuetext={text} />
      <span>{text}</span>
      {progress.waiting ? <span className="hint">{progress.waiting}</span> : null}
    </div>
  );
}

function RecentTickets({ runs }: { runs: RunRecord[] }) {
  const recent = runs.filter((r) => r.kind === 'tickets').flatMap((r) => (r.tickets ?? []).map((t) => ({ ...t, at: r.startedAt }))).slice(0, 20);
  return (
    <section className="card" aria-labelledby="tickets-heading">
      <h2 id="tickets-heading">Recent tickets</h2>
      {recent.length === 0 ? <p>No tickets opened or updated yet.</p> : (
        <ul className="history" aria-label="Tickets opened or noted recently">
          {recent.map((t) => (
            <li key={`${t.at}-${String(t.ticketId)}-${t.identity}`}>
              <span>{when(t.at)}</span> · Ticket #{String(t.ticketId)} {t.action === 'created' ? 'opened' : 'noted'} · <strong>{t.customer}</strong> · {t.identity} ({String(t.count)} blocked)
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Preview({ outcomes }: { outcomes: CustomerOutcomeView[] }) {
  const changing = outcomes.filter((o) => o.status === 'created' || o.status === 'updated');
  return (
    <table className="preview" aria-label="What the next sync would change">
      <thead><tr><th scope="col">Customer</th><th scope="col">PSA company</th><th scope="col">Change</th><th scope="col">Fields</th></tr></thead>
      <tbody>
        {changing.map((o) => (
          <tr key={o.orgId}>
            <td>{o.name}</td>
            <td>{o.psaCompany ?? ''}</td>
            <td>{o.status === 'created' ? 'would be created' : 'would be updated'}</td>
            <td>
              {(o.changes ?? []).filter((c) => c.field !== 'lastUpdated').map((c) => c.label).join(', ') || 'Last Updated'}
              {o.monthlyKeptSince ? <span className="hint"> · last month's figures as read {when(o.monthlyKeptSince)}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LastResult({ title, run }: { title: string; run: SyncRunView | TicketRunView }) {
  return (
    <section className="card" aria-label={title}>
      <h3>{title}</h3>
      <p role="status"><Counts record={run.record} /></p>
      <Problems record={run.record} />
      {run.record.notes.length > 0 ? <ul>{run.record.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
    </section>
  );
}

/** The PSA tenant's shared hourly API usage, as the latest run read it (Autotask only). */
function RunChanges({ run }: { run: RunRecord }) {
  const changes = useRunChanges(run.id);
  if (changes.isPending) return <p aria-busy="true">Loading…</p>;
  if (changes.isError) return <p role="alert" className="error">{errorMessage(changes.error)}</p>;
  return <PsaWriteList view={changes.data} label={`What the ${run.kind === 'sync' ? 'sync' : 'ticket check'} of ${when(run.startedAt)} wrote to the PSA`} fileName={`umbrella-psa-${run.id.replace(/[:.]/g, '-')}.csv`} withCustomer />;
}

/** A run's PSA writes, read from the audit trail when the user opens them. */
function RunChangesDisclosure({ run }: { run: RunRecord }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => { setOpen(e.currentTarget.open); }}>
      <summary>What this run changed in the PSA</summary>
      {open ? <RunChanges run={run} /> : null}
    </details>
  );
}

function ApiUsage({ runs }: { runs: RunRecord[] }) {
  const usage = runs.find((r) => r.psaUsage)?.psaUsage;
  if (!usage) return null;
  return (
    <div className="summary-row">
      <dt>PSA API usage</dt>
      <dd>{usage.used.toLocaleString()} of {usage.limit.toLocaleString()} requests this hour, every integration together (at {when(usage.at)}; this app keeps it under {String(Math.round(usage.cap * 100))}%)</dd>
    </div>
  );
}

/** Runs going now, from main's progress events (App listens, so nothing is missed on other screens). */
export function StatusScreen({ running }: { running: Record<RunProgress['kind'], RunProgress | null> }) {
  const settings = useSettings();
  const credentials = useCredentialsStatus();
  const schedule = useScheduleStatus();
  const history = useRunHistory();
  const sync = useRunSync();
  const preview = usePreviewSync();
  const tickets = useCheckTickets();
  const busy = sync.isPending || preview.isPending || tickets.isPending || running.sync !== null || running.tickets !== null;
  const kind = settings.data?.psa.kind ?? null;

  return (
    <div className="stack">
      <section className="card" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Integration</h2>
        <dl className="summary">
          <dt>PSA</dt><dd>{kind ? PSA_LABELS[kind] : 'Not chosen'}</dd>
          <dt>Credentials</dt>
          <dd>{credentials.data && kind ? (credentials.data.umbrella.complete && credentials.data[kind].complete ? 'Saved' : 'Missing') : '\u00a0'}</dd>
          <dt>Ticketing</dt><dd>{settings.data ? (settings.data.ticketing.enabled ? `On (threshold ${String(settings.data.ticketing.threshold)})` : 'Off') : '\u00a0'}</dd>
          <ApiUsage runs={history.data ?? []} />
          {(schedule.data ?? []).map((job) => (
            <div key={job.name} className="summary-row">
              <dt>{job.name === 'sync' ? 'Next sync' : 'Next ticket check'}</dt>
              <dd>{job.running ? 'Running now' : when(job.nextRunAt)}</dd>
            </div>
          ))}
        </dl>
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => { sync.mutate(); }}>Sync now</button>
          <button type="button" className="secondary" disabled={busy} onClick={() => { preview.mutate(); }}>Preview next sync</button>
          <button type="button" className="secondary" disabled={busy} onClick={() => { tickets.mutate(); }}>Check tickets now</button>
        </div>
        <div aria-live="polite" className="progress-area">
          {running.sync ? <Progress progress={running.sync} /> : null}
          {running.tickets ? <Progress progress={running.tickets} /> : null}
          {busy && !running.sync && !running.tickets ? <span>Working…</span> : null}
        </div>
        {sync.isError ? <p role="alert" className="error">{errorMessage(sync.error)}</p> : null}
        {preview.isError ? <p role="alert" className="error">{errorMessage(preview.error)}</p> : null}
        {tickets.isError ? <p role="alert" className="error">{errorMessage(tickets.error)}</p> : null}
      </section>

      {sync.data ? <LastResult title="Sync result" run={sync.data} /> : null}
      {tickets.data ? <LastResult title="Ticket check result" run={tickets.data} /> : null}
      {preview.data ? (
        <section className="card" aria-label="Sync preview">
          <h3>Preview: nothing has been written</h3>
          <p><Counts record={preview.data.record} /></p>
          <Preview outcomes={preview.data.outcomes} />
        </section>
      ) : null}

      {history.data ? <RecentTickets runs={history.data} /> : null}

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Recent runs</h2>
        {history.isError ? <p role="alert" className="error">{errorMessage(history.error)}</p> : null}
        {history.data && history.data.length === 0 ? <p>No runs yet.</p> : null}
        <ol className="history">
          {(history.data ?? []).slice(0, 20).map((run) => (
            <li key={run.id}>
              <span>{when(run.startedAt)}</span> · <span>{run.kind === 'sync' ? (run.dryRun ? 'Preview' : 'Sync') : 'Ticket check'}</span> · <Counts record={run} />
              {run.error ? <span className="error"> · {run.error}</span> : null}
              {run.dryRun ? null : <RunChangesDisclosure run={run} />}
              {run.problems.some((p) => p.status === 'failed') ? (
                <details>
                  <summary>Customers that failed, and how to fix them</summary>
                  <Problems record={run} />
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
