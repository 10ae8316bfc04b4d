/**
 * Billing write-back on the Billing screen: make a plan for an effective day, approve lines (one by one, all that
 * can be written, or the small ones), confirm, see what happened to each; then the seat changes written, each
 * with Undo. The plan stays in main: the window sends only the plan's number and the approved line numbers.
 */
import { useState } from 'react';
import type { ApplyOutcome, BillingChange, BillingPlan, BillingPlanLine, EffectiveChoice, SettingsPatch } from '../../preload/contract';
import { errorMessage } from './api';
import { useApplyBillingPlan, useBillingChanges, useMakeBillingPlan, useSaveSettings, useSettings, useUndoBillingChange } from './queries';

const METHODS: Record<BillingPlanLine['method'], string> = {
  'set-quantity': 'Quantity set in place',
  'end-and-add': 'Line ended, new dated line',
  adjust: 'One adjustment and a note',
};
const OUTCOMES: Record<ApplyOutcome['outcome'], string> = {
  applied: 'Applied', found: 'Found applied', 'not-needed': 'Nothing to do', refused: 'Not written', busy: 'In another process', already: 'Already done', unknown: 'Not confirmed',
};
const STATES: Record<BillingChange['state'], string> = { sending: 'Being written', applied: 'Applied', 'not-needed': 'Nothing to do', refused: 'Not written', undone: 'Undone' };

const signed = (n: number) => (n > 0 ? `+${String(n)}` : String(n));

export function BillingWriteback({ psaName }: { psaName: string }) {
  const [effective, setEffective] = useState<EffectiveChoice>('next-month');
  const make = useMakeBillingPlan();
  const apply = useApplyBillingPlan();
  const [approved, setApproved] = useState<ReadonlySet<number>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [within, setWithin] = useState('5');
  const plan = make.data;

  const newPlan = () => {
    setApproved(new Set());
    setConfirming(false);
    apply.reset();
    make.mutate(effective);
  };
  const writable = (plan?.lines ?? []).filter((l) => l.blocked === null);
  const toggle = (line: number) => {
    setApproved((current) => {
      const next = new Set(current);
      if (next.has(line)) next.delete(line);
      else next.add(line);
      return next;
    });
  };
  const seats = Number(within);
  const withinValid = /^\d{1,6}$/.test(within.trim());

  return (
    <>
      <section className="card" aria-labelledby="writeback-heading">
        <h2 id="writeback-heading">Bring {psaName} in step</h2>
        <p className="hint">
          A plan shows what would change; nothing is written until you approve lines and confirm. Each change is recorded before it is sent,
          read back after, and kept in the history. Prices are never changed and nothing is deleted.
        </p>
        <fieldset className="toolbar">
          <legend>Effective from</legend>
          <label className="radio"><input type="radio" name="effective" checked={effective === 'next-month'} onChange={() => { setEffective('next-month'); }} /> The first of next month</label>
          <label className="radio"><input type="radio" name="effective" checked={effective === 'today'} onChange={() => { setEffective('today'); }} /> Today (prorated where the agreement or contract prorates)</label>
          <button type="button" disabled={make.isPending} onClick={newPlan}>Make a plan</button>
        </fieldset>
        {make.isPending ? <p aria-busy="true">Reading each drifting line…</p> : null}
        {make.isError ? <p role="alert" className="error">{errorMessage(make.error)}</p> : null}
        {plan ? (
          <PlanView plan={plan} approved={approved} onToggle={toggle} />
        ) : null}
        {plan && plan.lines.length > 0 ? (
          <div className="toolbar">
            <button type="button" className="secondary" onClick={() => { setApproved(new Set(writable.map((l) => l.line))); }}>Approve all that can be written</button>
            <label className="field inline"><span>Changes of at most (seats)</span><input value={within} inputMode="numeric" onChange={(e) => { setWithin(e.target.value); }} aria-invalid={!withinValid} /></label>
            <button type="button" className="secondary" disabled={!withinValid} onClick={() => { setApproved(new Set(writable.filter((l) => Math.abs(l.to - l.from) <= seats).map((l) => l.line))); }}>Approve those</button>
            <button type="button" className="secondary" disabled={approved.size === 0} onClick={() => { setApproved(new Set()); }}>Clear</button>
            <button type="button" disabled={approved.size === 0 || apply.isPending} onClick={() => { setConfirming(true); }}>Apply {approved.size} approved line{approved.size === 1 ? '' : 's'}…</button>
          </div>
        ) : null}
        {plan && confirming ? (
          <div className="confirm" role="group" aria-label="Confirm the seat changes">
            <p>Write {approved.size} seat change{approved.size === 1 ? '' : 's'} to {psaName}, effective {plan.effective}?</p>
            <div className="actions">
              <button type="button" onClick={() => { setConfirming(false); apply.mutate({ planId: plan.id, lines: [...approved].sort((a, b) => a - b) }, { onSuccess: () => { setApproved(new Set()); } }); }}>Write them</button>
              <button type="button" className="secondary" onClick={() => { setConfirming(false); }}>Cancel</button>
            </div>
          </div>
        ) : null}
        {apply.isPending ? <p aria-busy="true">Writing, then reading back…</p> : null}
        {apply.isError ? <p role="alert" className="error">{errorMessage(apply.error)}</p> : null}
        {apply.data ? <Outcomes outcomes={apply.data} label="What was written" /> : null}
      </section>
      <ChangesWritten />
    </>
  );
}

function PlanView({ plan, approved, onToggle }: { plan: BillingPlan; approved: ReadonlySet<number>; onToggle: (line: number) => void }) {
  const ready = plan.lines.filter((l) => l.blocked === null).length;
  return (
    <>
      <p role="status" aria-label="Billing plan">
        Plan {plan.id}, effective {plan.effective}: {plan.lines.length} line{plan.lines.length === 1 ? '' : 's'}, {ready} can be written.
        {plan.toReview > 0 ? ` ${String(plan.toReview)} customer(s) need a look first (no line, several lines, no agreement or contract in force).` : ''}
        {plan.lines.length === 0 ? ' Nothing to change.' : ''}
      </p>
      {plan.lines.length > 0 ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Plan lines, scrollable">
          <table className="preview" aria-label="Plan lines">
            <thead>
              <tr><th scope="col">Approve</th><th scope="col">Customer</th><th scope="col">PSA company</th><th scope="col">Bills</th><th scope="col">Umbrella seats</th><th scope="col">Change</th><th scope="col">How</th></tr>
            </thead>
            <tbody>
              {plan.lines.map((line) => (
                <tr key={line.line}>
                  <td>
                    <input type="checkbox" checked={approved.has(line.line)} disabled={line.blocked !== null} onChange={() => { onToggle(line.line); }}
                      aria-label={`Approve line ${String(line.line)}: ${line.customer}, ${String(line.from)} to ${String(line.to)}`} />
                  </td>
                  <th scope="row">{line.customer}</th>
                  <td>{line.company}<span className="reason">{line.where}</span></td>
                  <td>{line.from}</td>
                  <td>{line.to}</td>
                  <td>{signed(line.to - line.from)}</td>
                  <td>{line.blocked === null ? <>{METHODS[line.method]}<span className="reason" title={line.detail}>{line.detail}</span></> : <span className="error">Cannot be written: {line.blocked}.</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function Outcomes({ outcomes, label }: { outcomes: ApplyOutcome[]; label: string }) {
  return (
    <div role="status" aria-label={label}><ul>
      {outcomes.map((o, i) => (
        <li key={`${String(o.line)}-${String(o.change?.id ?? i)}`} className={o.outcome === 'refused' || o.outcome === 'unknown' ? 'error' : undefined}>
          <strong>{OUTCOMES[o.outcome]}</strong>{o.line !== null ? ` (line ${String(o.line)})` : ''}: {o.customer}. {o.message}
        </li>
      ))}
    </ul></div>
  );
}

function ChangesWritten() {
  const changes = useBillingChanges();
  const undo = useUndoBillingChange();
  const [confirmUndo, setConfirmUndo] = useState<BillingChange | null>(null);
  const rows = changes.data ?? [];
  return (
    <section className="card" aria-labelledby="changes-heading">
      <h2 id="changes-heading">Seat changes written</h2>
      {changes.isError ? <p role="alert" className="error">{errorMessage(changes.error)}</p> : null}
      {rows.length === 0 ? <p className="hint">No seat change was written yet.</p> : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Seat changes, scrollable">
          <table className="preview" aria-label="Seat changes">
            <thead>
              <tr><th scope="col">Change</th><th scope="col">When (UTC)</th><th scope="col">Customer</th><th scope="col">Seats</th><th scope="col">Effective</th><th scope="col">State</th><th scope="col">Detail</th><th scope="col">Undo</th></tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id}>
                  <td>{c.id}{c.undoOf !== null ? <span className="reason">undo of {c.undoOf}</span> : null}</td>
                  <td>{c.updatedAt.slice(0, 16).replace('T', ' ')}</td>
                  <th scope="row">{c.customer}<span className="reason">{c.where}</span></th>
                  <td>{c.from} → {c.to}</td>
                  <td>{c.effective}</td>
                  <td>{STATES[c.state]}</td>
                  <td><span className="reason" title={c.detail ?? ''}>{c.detail ?? ''}</span></td>
                  <td>{c.state === 'applied' && c.undoOf === null ? <button type="button" className="secondary" disabled={undo.isPending} onClick={() => { setConfirmUndo(c); }} aria-label={`Undo change ${String(c.id)}`}>Undo</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {confirmUndo ? (
        <div className="confirm" role="group" aria-label="Confirm the undo">
          <p>Put {confirmUndo.customer} back to {confirmUndo.from} seats from {confirmUndo.effective} (change {confirmUndo.id} set {confirmUndo.to})?</p>
          <div className="actions">
            <button type="button" onClick={() => { undo.mutate(confirmUndo.id); setConfirmUndo(null); }}>Undo it</button>
            <button type="button" className="secondary" onClick={() => { setConfirmUndo(null); }}>Cancel</button>
          </div>
        </div>
      ) : null}
      {undo.isError ? <p role="alert" className="error">{errorMessage(undo.error)}</p> : null}
      {undo.data ? <Outcomes outcomes={[undo.data]} label="Undo" /> : null}
    </section>
  );
}

/** After each daily sync: the billing check, and the increases applied without asking (off unless turned on). */
type BillingPatch = NonNullable<SettingsPatch['billing']>;

export function BillingSchedule({ psaName }: { psaName: string }) {
  const settings = useSettings();
  const save = useSaveSettings();
  const billing = settings.data?.billing;
  const [seats, setSeats] = useState<string | null>(null);
  // What is being saved shows at once, until the answer (or an error) comes: the mutation's own pending state arrives
  // a moment after a click, and a controlled box would flip back in between. Any save's answer carries the settings
  // as saved, those before it included, so whichever answer comes last clears it.
  const [saving, setSaving] = useState<BillingPatch | null>(null);
  if (!billing) return null;
  const saveBilling = (patch: BillingPatch) => {
    setSaving((before) => ({ ...before, ...patch, ...(patch.autoApply ? { autoApply: { ...before?.autoApply, ...patch.autoApply } } : {}) }));
    save.mutate({ billing: patch }, { onSettled: () => { setSaving(null); } });
  };
  const checkAfterSync = saving?.checkAfterSync ?? billing.checkAfterSync;
  const autoApply = saving?.autoApply?.enabled ?? billing.autoApply.enabled;
  const shown = seats ?? String(billing.autoApply.maxSeats);
  const valid = /^\d{1,5}$/.test(shown.trim()) && Number(shown) >= 1 && Number(shown) <= 10_000;
  return (
    <section className="card" aria-labelledby="billing-schedule-heading">
      <h2 id="billing-schedule-heading">After each daily sync</h2>
      <label className="check">
        <input type="checkbox" checked={checkAfterSync} onChange={(e) => {
          const on = e.target.checked;
          saveBilling({ checkAfterSync: on, ...(on ? {} : { autoApply: { enabled: false } }) });
        }} />
        <span>Compare seats with what {psaName} bills</span>
        <span className="hint">The sync's run says the drift, and a notification tells you when it appears. It reads {psaName}'s {psaName === 'Autotask' ? 'contracts' : 'agreements'}; it writes nothing.</span>
      </label>
      <div className="toolbar">
        <label className="check">
          <input type="checkbox" checked={autoApply} disabled={!valid} onChange={(e) => {
            const on = e.target.checked;
            saveBilling({ checkAfterSync: checkAfterSync || on, autoApply: { enabled: on, maxSeats: Number(shown) } });
          }} />
          <span>Apply increases without asking, from the first of next month</span>
          <span className="hint">Only increases, only up to the seats below, only lines that can be written; each exactly once and kept in "Seat changes written". Decreases always wait for you.</span>
        </label>
        <label className="field inline">
          <span>Increases of at most (seats)</span>
          <input value={shown} inputMode="numeric" aria-invalid={!valid} onChange={(e) => { setSeats(e.target.value); }}
            onBlur={() => { if (valid && Number(shown) !== billing.autoApply.maxSeats) saveBilling({ autoApply: { maxSeats: Number(shown) } }); }} />
        </label>
      </div>
      {!valid ? <p role="alert" className="error">Give a number of seats from 1 to 10000.</p> : null}
      {save.isError ? <p role="alert" className="error">{errorMessage(save.error)}</p> : null}
    </section>
  );
}
